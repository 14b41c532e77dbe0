// RebuildAndCompare against a real event store (the log of record) and real projection stores:
// it waits for a live read model that is behind, catches up with one that moved on, and tells
// an identical read model from a different one.
#include "common/projection/rebuild_check.h"

#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/projection/feed_catch_up.h"
#include "common/projection/testing/stream_chain_projection.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gtest/gtest.h"

namespace sales::projection {
namespace {

using testing::StreamChainProjection;

// Writes one extra row per event: a read model that differs from StreamChainProjection's while
// applying exactly the same events (same marks).
class DriftingProjection : public StreamChainProjection {
 public:
  absl::Status Apply(const EventEnvelope& event, ProjectionTxn& txn) override {
    txn.Put(absl::StrCat("drift/", event.stream_id()), "x");
    return StreamChainProjection::Apply(event, txn);
  }
};

class RebuildCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "t"});
    ASSERT_TRUE(store.ok()) << store.status();
    events_ = *std::move(store);
    feed_ = std::make_unique<feed::LocalEventFeedReader>(events_.get());
    sources_ = {{.topic = "sales.t.v1.events", .feed = feed_.get()}};
    auto live = ProjectionStore::Open(dir_.path() + "/live");
    ASSERT_TRUE(live.ok()) << live.status();
    live_ = *std::move(live);
  }

  void Append(const std::string& stream, int count) {
    for (int i = 0; i < count; ++i) {
      eventstore::AppendRequest request{.stream_id = stream};
      request.events.push_back(sales::testing::TextEvent(absl::StrCat(stream, "#", i)));
      ASSERT_TRUE(events_->Append(std::move(request)).ok());
    }
  }

  // Brings the live read model up to the end of the log, as a feed-only runner would (or, with
  // kKeep, as a Kafka-mode runner's catch-up).
  void CatchUpLive(Projection& projection, DedupeMarks marks = DedupeMarks::kNone) {
    EventApplier applier(projection, marks);
    ASSERT_TRUE(
        CatchUpFromFeed(*live_, applier, sources_[0], {}, [&](StoreBatch& batch, BatchOutcome&) {
          return live_->Commit(batch);
        }).ok());
  }

  std::string RebuildPath() { return absl::StrCat(dir_.path(), "/rebuild-", ++rebuilds_); }

  sales::testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> events_;
  std::unique_ptr<feed::LocalEventFeedReader> feed_;
  std::vector<ProjectionSource> sources_;
  std::unique_ptr<ProjectionStore> live_;
  int rebuilds_ = 0;
};

TEST_F(RebuildCheckTest, AnUpToDateLiveModelIsIdenticalToItsRebuild) {
  Append("lead-1", 5);
  Append("lead-2", 3);
  StreamChainProjection live_projection;
  CatchUpLive(live_projection);

  StreamChainProjection fresh;
  auto result = RebuildAndCompare(fresh, *live_, RebuildPath(), sources_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->identical);
  EXPECT_EQ(result->events_applied, 8);
  EXPECT_EQ(result->streams, 0) << "compared by feed positions: neither keeps dedupe marks";
  EXPECT_EQ(result->feed_positions, "sales.t.v1.events@9");
  EXPECT_EQ(result->live_checksum, result->rebuilt_checksum);
  EXPECT_EQ(result->live_checksum, *live_->Checksum());
}

TEST_F(RebuildCheckTest, WaitsForALiveModelThatIsBehind) {
  Append("lead-1", 4);
  StreamChainProjection live_projection;
  CatchUpLive(live_projection);
  Append("lead-2", 6);  // not yet applied live: the rebuild is ahead until the thread below runs
  std::thread later([&] {
    absl::SleepFor(absl::Milliseconds(300));
    CatchUpLive(live_projection);
  });
  StreamChainProjection fresh;
  auto result = RebuildAndCompare(fresh, *live_, RebuildPath(), sources_);
  later.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->identical);
  EXPECT_EQ(result->events_applied, 10);
  EXPECT_EQ(result->feed_positions, "sales.t.v1.events@11");
}

// A live store fed from Kafka (it holds a broker identity) keeps dedupe marks, beyond its feed
// position too: the rebuild keeps them as well and the two are compared by them.
TEST_F(RebuildCheckTest, ALiveModelFedFromKafkaIsComparedByItsDedupeMarks) {
  StoreBatch identity = live_->NewBatch();
  identity.SetBrokerIdentity("cluster-1");
  ASSERT_TRUE(live_->Commit(identity).ok());
  Append("lead-1", 5);
  Append("lead-2", 3);
  StreamChainProjection live_projection;
  CatchUpLive(live_projection, DedupeMarks::kKeep);

  StreamChainProjection fresh;
  auto result = RebuildAndCompare(fresh, *live_, RebuildPath(), sources_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->identical);
  EXPECT_EQ(result->events_applied, 8);
  EXPECT_EQ(result->streams, 2);
}

TEST_F(RebuildCheckTest, ADifferentReadModelOverTheSameEventsIsReported) {
  Append("lead-1", 3);
  DriftingProjection drifting;  // what the live runner ran
  CatchUpLive(drifting);
  StreamChainProjection fresh;
  auto result = RebuildAndCompare(fresh, *live_, RebuildPath(), sources_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->identical);
  EXPECT_NE(result->live_checksum, result->rebuilt_checksum);
}

TEST_F(RebuildCheckTest, ALiveModelThatNeverCatchesUpTimesOut) {
  Append("lead-1", 3);  // never applied live
  StreamChainProjection fresh;
  auto result = RebuildAndCompare(fresh, *live_, RebuildPath(), sources_,
                                  {.max_wait = absl::Milliseconds(200)});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded) << result.status();
}

TEST_F(RebuildCheckTest, RefusesAnExistingTarget) {
  const std::string path = RebuildPath();
  std::filesystem::create_directories(path);
  StreamChainProjection fresh;
  auto result = RebuildAndCompare(fresh, *live_, path, sources_);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
}

}  // namespace
}  // namespace sales::projection
