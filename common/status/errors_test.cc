#include "common/status/errors.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales {
namespace {

using ::testing::HasSubstr;

TEST(QuotedTest, ShortValuesAreQuotedWhole) { EXPECT_EQ(Quoted("leads"), "\"leads\""); }

TEST(QuotedTest, LongValuesAreCutAndSayTheirSize) {
  const std::string quoted = Quoted(std::string(9000, 'x'));
  EXPECT_LT(quoted.size(), 100u);
  EXPECT_THAT(quoted, HasSubstr("…"));
  EXPECT_THAT(quoted, HasSubstr("(9000 bytes)"));
}

TEST(QuotedTest, NeverCutsInsideAUtf8Character) {
  // 3-byte characters: 64 bytes would end inside the 22nd.
  std::string value;
  for (int i = 0; i < 40; ++i) value += "销";
  const std::string quoted = Quoted(value);
  EXPECT_EQ(quoted.find("销…"), 1u + 20 * 3);
}

}  // namespace
}  // namespace sales
