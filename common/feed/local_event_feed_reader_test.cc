#include "common/feed/local_event_feed_reader.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::feed {
namespace {

using ::sales::testing::TempDir;
using ::sales::testing::TextEvent;
using ::sales::testing::TextOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Texts(const std::vector<EventEnvelope>& events) {
  std::vector<std::string> texts;
  texts.reserve(events.size());
  for (const EventEnvelope& event : events) texts.push_back(TextOf(event));
  return texts;
}

class LocalEventFeedReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "test"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    reader_ = std::make_unique<LocalEventFeedReader>(store_.get());
  }

  void Append(const std::string& stream, const std::vector<std::string>& texts) {
    eventstore::AppendRequest request{.stream_id = stream};
    for (const std::string& text : texts) request.events.push_back(TextEvent(text));
    ASSERT_TRUE(store_->Append(std::move(request)).ok());
  }

  TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<LocalEventFeedReader> reader_;
};

TEST_F(LocalEventFeedReaderTest, ReadAllReturnsTheLogInCommitOrder) {
  Append("lead-1", {"a", "b"});
  Append("lead-2", {"c"});
  Append("lead-1", {"d"});

  auto all = reader_->ReadAll(0, 100);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Texts(*all), ElementsAre("a", "b", "c", "d"));
  EXPECT_EQ((*all)[2].global_position(), 3u);

  auto middle = reader_->ReadAll(2, 2);
  ASSERT_TRUE(middle.ok());
  EXPECT_THAT(Texts(*middle), ElementsAre("b", "c"));

  auto past_the_end = reader_->ReadAll(5, 100);
  ASSERT_TRUE(past_the_end.ok());
  EXPECT_TRUE(past_the_end->empty());
}

TEST_F(LocalEventFeedReaderTest, ReadStreamHonoursFromAndToVersions) {
  Append("lead-1", {"v1", "v2", "v3", "v4"});
  Append("lead-2", {"other"});

  auto all = reader_->ReadStream("lead-1", 0, 0);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Texts(*all), ElementsAre("v1", "v2", "v3", "v4"));

  auto range = reader_->ReadStream("lead-1", 2, 3);
  ASSERT_TRUE(range.ok());
  EXPECT_THAT(Texts(*range), ElementsAre("v2", "v3"));
  EXPECT_EQ((*range)[0].stream_version(), 2u);

  auto single = reader_->ReadStream("lead-1", 4, 4);
  ASSERT_TRUE(single.ok());
  EXPECT_THAT(Texts(*single), ElementsAre("v4"));

  auto unknown = reader_->ReadStream("lead-404", 0, 0);
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->empty());
}

TEST_F(LocalEventFeedReaderTest, ReadStreamRejectsBadArgumentsNamingTheField) {
  auto bad_id = reader_->ReadStream("", 0, 0);
  EXPECT_EQ(bad_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_id.status().message(), HasSubstr("stream_id"));

  auto bad_range = reader_->ReadStream("lead-1", 5, 4);
  EXPECT_EQ(bad_range.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_range.status().message(), HasSubstr("to_version"));
}

TEST_F(LocalEventFeedReaderTest, HeadPositionFollowsAppends) {
  auto empty = reader_->HeadPosition();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0u);
  Append("lead-1", {"a", "b", "c"});
  auto head = reader_->HeadPosition();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, 3u);
}

}  // namespace
}  // namespace sales::feed
