#include "common/feed/feed_requests.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::feed {
namespace {

using ::testing::HasSubstr;

TEST(FeedRequestsTest, PageSizeDefaultsAndIsCapped) {
  EXPECT_EQ(EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(EffectivePageSize(1), 1u);
  EXPECT_EQ(EffectivePageSize(5000), 5000u);
  EXPECT_EQ(EffectivePageSize(5001), kMaxPageSize);
}

TEST(FeedRequestsTest, StreamRangeNeedsAValidIdAndAnOrderedRange) {
  EXPECT_TRUE(ValidateStreamRange("lead-1", 0, 0).ok());
  EXPECT_TRUE(ValidateStreamRange("lead-1", 0, 1).ok());  // from 0 counts as 1
  EXPECT_TRUE(ValidateStreamRange("lead-1", 7, 7).ok());
  EXPECT_TRUE(ValidateStreamRange("lead-1", 7, 0).ok());  // to the end

  absl::Status no_id = ValidateStreamRange("", 0, 0);
  EXPECT_EQ(no_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_id.message(), HasSubstr("stream_id"));

  absl::Status backwards = ValidateStreamRange("lead-1", 7, 6);
  EXPECT_EQ(backwards.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(backwards.message(), HasSubstr("to_version"));
}

}  // namespace
}  // namespace sales::feed
