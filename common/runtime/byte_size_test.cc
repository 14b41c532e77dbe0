#include "common/runtime/byte_size.h"

#include "gtest/gtest.h"

namespace sales::runtime {
namespace {

TEST(ByteSizeTest, ParsesBinaryUnitsAndPlainBytes) {
  EXPECT_EQ(*ParseByteSize("512MiB"), size_t{512} << 20);
  EXPECT_EQ(*ParseByteSize("512M"), size_t{512} << 20);
  EXPECT_EQ(*ParseByteSize("1 gib"), size_t{1} << 30);
  EXPECT_EQ(*ParseByteSize("2GB"), size_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("64k"), size_t{64} << 10);
  EXPECT_EQ(*ParseByteSize("300000"), 300000u);
  EXPECT_EQ(*ParseByteSize("300000B"), 300000u);
}

TEST(ByteSizeTest, RefusesWhatIsNotASize) {
  for (const char* text : {"", "MiB", "-5M", "1.5G", "12 parsecs", "0", "0MiB",
                           "99999999999999999999", "18446744073709551615G"}) {
    absl::StatusOr<size_t> parsed = ParseByteSize(text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  EXPECT_NE(ParseByteSize("12 parsecs").status().message().find("is not a byte size"),
            absl::string_view::npos);
}

TEST(ByteSizeTest, FormatsWithTheLargestWholeUnit) {
  EXPECT_EQ(FormatByteSize(size_t{512} << 20), "512 MiB");
  EXPECT_EQ(FormatByteSize(size_t{3} << 30), "3 GiB");
  EXPECT_EQ(FormatByteSize(1536 << 10), "1536 KiB");
  EXPECT_EQ(FormatByteSize(7), "7 B");
}

}  // namespace
}  // namespace sales::runtime
