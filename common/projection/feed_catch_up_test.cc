// CatchUpFromFeed with a page reader (internal/page_read_ahead.h): the next full page is read
// while one is applied, every event goes in once and in order, and a catch-up that ends early
// leaves no read going on behind it.
#include "common/projection/feed_catch_up.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/projection/internal/page_read_ahead.h"
#include "common/projection/testing/stream_chain_projection.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace sales::projection {
namespace {

using ::sales::projection::testing::StreamChainProjection;

// One stream's events at positions (and versions) 1..size, each of its own type so that the
// stream's chain exposes any reordering. Counts the ReadAll calls begun and running; each takes
// a while, as a real page read does.
class CountingFeed : public feed::EventFeedReader {
 public:
  explicit CountingFeed(uint64_t size) : size_(size) {}

  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from, size_t max_count) override {
    begun.fetch_add(1);
    running.fetch_add(1);
    absl::SleepFor(absl::Milliseconds(20));
    std::vector<EventEnvelope> page;
    for (uint64_t position = std::max<uint64_t>(from, 1);
         position <= size_ && page.size() < max_count; ++position) {
      EventEnvelope& event = page.emplace_back();
      event.set_service("s");
      event.set_stream_id("stream");
      event.set_stream_version(position);
      event.set_global_position(position);
      event.set_event_type(absl::StrCat("t", position));
    }
    running.fetch_sub(1);
    return page;
  }
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string&, uint64_t,
                                                        uint64_t) override {
    return absl::UnimplementedError("a catch-up reads pages");
  }
  absl::StatusOr<uint64_t> HeadPosition() override { return size_; }
  absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamStored(const std::string&,
                                                                        uint64_t, size_t) override {
    return absl::UnimplementedError("a catch-up reads pages");
  }
  absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string&) override {
    return absl::UnimplementedError("a catch-up reads pages");
  }

  std::atomic<int> begun{0};
  std::atomic<int> running{0};

 private:
  const uint64_t size_;
};

std::unique_ptr<ProjectionStore> OpenStore(const std::string& path) {
  auto store = ProjectionStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status();
  return *std::move(store);
}

TEST(FeedCatchUpTest, TheNextFullPageIsReadWhileOneIsApplied) {
  sales::testing::TempDir dir;
  StreamChainProjection projection;
  CountingFeed feed(25);
  const ProjectionSource source{.topic = "t", .feed = &feed};
  internal::PageReadAhead read_ahead("read:test");
  auto store = OpenStore(dir.path() + "/ahead");
  EventApplier applier(projection, DedupeMarks::kNone);
  // Pages 1–10 and 11–20 are full: the read of each one's successor must begin while it is
  // applied and committed (the commit waits for it, up to a deadline); 21–25 is not, and nothing
  // is read ahead of it.
  const std::vector<int> expected_reads_begun = {2, 3, 3};
  std::vector<int> reads_begun_at_commit;
  ASSERT_TRUE(
      CatchUpFromFeed(*store, applier, source, {.page_size = 10, .read_ahead = &read_ahead},
                      [&](StoreBatch& batch, BatchOutcome&) {
                        const int expected =
                            expected_reads_begun[std::min<size_t>(reads_begun_at_commit.size(), 2)];
                        const absl::Time deadline = absl::Now() + absl::Seconds(10);
                        while (feed.begun.load() < expected && absl::Now() < deadline) {
                          absl::SleepFor(absl::Milliseconds(1));
                        }
                        reads_begun_at_commit.push_back(feed.begun.load());
                        return store->Commit(batch);
                      })
          .ok());
  EXPECT_EQ(reads_begun_at_commit, expected_reads_begun);

  // The same events as pages read one after the other: the same read model.
  CountingFeed plain_feed(25);
  auto plain = OpenStore(dir.path() + "/plain");
  EventApplier plain_applier(projection, DedupeMarks::kNone);
  ASSERT_TRUE(
      CatchUpFromFeed(*plain, plain_applier, {.topic = "t", .feed = &plain_feed}, {.page_size = 10},
                      [&](StoreBatch& batch, BatchOutcome&) { return plain->Commit(batch); })
          .ok());
  auto entry = StreamChainProjection::Read(*store, "s", "stream");
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->count, 25u);
  EXPECT_EQ(*store->Checksum(), *plain->Checksum());
}

TEST(FeedCatchUpTest, ACatchUpThatFailsLeavesNoReadGoingOn) {
  sales::testing::TempDir dir;
  StreamChainProjection projection;
  CountingFeed feed(25);
  internal::PageReadAhead read_ahead("read:test");
  auto store = OpenStore(dir.path() + "/p");
  EventApplier applier(projection, DedupeMarks::kNone);
  const absl::Status status = CatchUpFromFeed(
      *store, applier, {.topic = "t", .feed = &feed}, {.page_size = 10, .read_ahead = &read_ahead},
      [](StoreBatch&, BatchOutcome&) { return absl::UnavailableError("disk gone"); });
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_EQ(feed.begun.load(), 2) << "the second page was being read when the first failed";
  EXPECT_EQ(feed.running.load(), 0) << "and was waited for";
  // Nothing of the failed page was stored, and the next catch-up starts where it would have.
  auto entry = StreamChainProjection::Read(*store, "s", "stream");
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->count, 0u);
  ASSERT_TRUE(
      CatchUpFromFeed(*store, applier, {.topic = "t", .feed = &feed},
                      {.page_size = 10, .read_ahead = &read_ahead},
                      [&](StoreBatch& batch, BatchOutcome&) { return store->Commit(batch); })
          .ok());
  entry = StreamChainProjection::Read(*store, "s", "stream");
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->count, 25u);
}

}  // namespace
}  // namespace sales::projection
