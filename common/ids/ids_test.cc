#include "common/ids/ids.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::ids {
namespace {

using ::testing::MatchesRegex;
using ::testing::StartsWith;

TEST(IdsTest, UlidIsCrockfordBase32AndSortsByTime) {
  const std::string early = NewUlid(absl::FromUnixMillis(1'700'000'000'000));
  const std::string late = NewUlid(absl::FromUnixMillis(1'700'000'000'001));
  EXPECT_THAT(early, MatchesRegex("[0-9A-HJKMNP-TV-Z]{26}"));
  EXPECT_LT(early, late);
  // 2023-11-14T22:13:20Z encodes as 01HF7YAT00 in the 10 time characters.
  EXPECT_EQ(early.substr(0, 10), "01HF7YAT00");
}

TEST(IdsTest, NewIdsAreDistinctAndPrefixed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId("L-");
    EXPECT_THAT(id, StartsWith("L-"));
    EXPECT_EQ(id.size(), 2 + kUlidLength);
    seen.insert(std::move(id));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, IdFromKeyIsDeterministic) {
  EXPECT_EQ(IdFromKey("D-", "key-1"), IdFromKey("D-", "key-1"));
  EXPECT_NE(IdFromKey("D-", "key-1"), IdFromKey("D-", "key-2"));
  EXPECT_THAT(IdFromKey("D-", "key-1"), MatchesRegex("D-[0-9A-HJKMNP-TV-Z]{26}"));
}

}  // namespace
}  // namespace sales::ids
