// ProjectionRunner against the real pieces: an EventStore on a temp dir, the embedded Kafka
// broker, the outbox relay and the event feed. Every test ends by comparing the live read model
// with a rebuild from the event feed (checksums) and with the expected per-stream counts: the
// StreamChainProjection's checksum changes under any double, skipped or reordered application.
#include "common/projection/projection_runner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/kafka/client_config.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/sync_producer.h"
#include "common/kafka/test_consumer.h"
#include "common/kafka/topic_info.h"
#include "common/outbox/outbox_relay.h"
#include "common/projection/testing/stream_chain_projection.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::projection {
namespace {

using ::sales::projection::testing::kPoisonEventType;
using ::sales::projection::testing::StreamChainProjection;
using ::testing::HasSubstr;

constexpr char kTopic[] = "sales.leads.v1";
constexpr char kDeadLetterTopic[] = "sales.dlq.v1";
constexpr absl::Duration kDeadline = absl::Seconds(20);

// Polls `condition` until it holds or the deadline passes.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout = kDeadline) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return condition();
}

// Holds the runner inside a batch: Apply blocks on the first event of stream "gate" until
// `open` is notified, then delegates.
class GatedProjection : public Projection {
 public:
  explicit GatedProjection(Projection& inner) : inner_(inner) {}
  absl::string_view name() const override { return inner_.name(); }
  absl::Status Apply(const EventEnvelope& event, ProjectionTxn& txn) override {
    if (event.stream_id() == "gate" && !open.HasBeenNotified()) {
      if (!entered.HasBeenNotified()) entered.Notify();
      open.WaitForNotificationWithTimeout(kDeadline);
    }
    return inner_.Apply(event, txn);
  }

  absl::Notification entered;
  absl::Notification open;

 private:
  Projection& inner_;
};

class ProjectionRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "leads"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    feed_ = std::make_unique<feed::LocalEventFeedReader>(store_.get());
  }

  void TearDown() override {
    runner_.reset();
    if (relay_ != nullptr) {
      EXPECT_TRUE(relay_->Stop().ok());
    }
  }

  void StartBroker(int partitions = 4) {
    auto broker =
        kafka::EmbeddedBroker::Start({.topics = {{kTopic, partitions}, {kDeadLetterTopic, 1}}});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    auto dlq = kafka::DeadLetterPublisher::Create(bootstrap(), kDeadLetterTopic);
    ASSERT_TRUE(dlq.ok()) << dlq.status();
    dead_letters_ = *std::move(dlq);
    auto producer = kafka::SyncProducer::Create(bootstrap());
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = *std::move(producer);
  }

  void StartRelay() {
    auto relay = outbox::OutboxRelay::Start(
        store_.get(), {.bootstrap_servers = bootstrap(), .topic = kTopic, .metrics = &metrics_});
    ASSERT_TRUE(relay.ok()) << relay.status();
    relay_ = *std::move(relay);
  }

  void StopRelay() {
    ASSERT_TRUE(relay_->Stop().ok());
    relay_.reset();
  }

  void StartRunner(size_t max_batch_events = 1000, size_t catch_up_batch_events = 20000) {
    auto runner = ProjectionRunner::Create(runner_projection_,
                                           {.path = dir_.path() + "/projection",
                                            .bootstrap_servers = bootstrap(),
                                            .sources = sources(),
                                            .dead_letters = dead_letters_.get(),
                                            .max_batch_events = max_batch_events,
                                            .catch_up_batch_events = catch_up_batch_events,
                                            .retry_backoff = absl::Milliseconds(50),
                                            .consumer_overrides = consumer_overrides_,
                                            .metrics = &metrics_});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
    if (observer_) runner_->Subscribe(observer_);
    runner_->Start();
  }

  // Creates (does not start) a feed-only runner that only Wake reads for (no poll), with the
  // given wake_batch_delay.
  void CreateWokenFeedOnlyRunner(Projection* projection, absl::Duration wake_batch_delay) {
    auto runner = ProjectionRunner::Create(projection, {.path = dir_.path() + "/feed-only",
                                                        .sources = sources(),
                                                        .feed_poll = absl::Hours(1),
                                                        .wake_batch_delay = wake_batch_delay});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
  }

  // Starts a feed-only runner on StartRunner's path (a Kafka runner's store, or one it takes
  // over) and waits until it has applied the feed up to its head.
  void StartFeedOnlyRunnerAndAwaitHeads() {
    auto runner = ProjectionRunner::Create(
        runner_projection_, {.path = dir_.path() + "/projection", .sources = sources()});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
    runner_->Start();
    ASSERT_TRUE(runner_->AwaitFeedHeads(kDeadline).ok()) << runner_->stats().last_error;
  }

  // Starts the runner and waits until its first sync (a catch-up, with no state yet) is done.
  void StartRunnerAndWaitForSync() {
    StartRunner();
    ASSERT_TRUE(WaitFor([&] { return runner_->stats().catch_ups == 1; }))
        << runner_->stats().last_error << " applied " << runner_->stats().applied << " lag "
        << runner_->stats().consumer_lag << " dups " << runner_->stats().duplicates;
  }

  // Appends `count` events to `stream`, one append each; `payload_bytes` of random text.
  void Append(const std::string& stream, int count, size_t payload_bytes = 16,
              absl::string_view type_url = "") {
    for (int i = 0; i < count; ++i) {
      std::string text(payload_bytes, ' ');
      for (char& c : text) c = static_cast<char>(absl::Uniform<int>(bitgen_, 32, 127));
      eventstore::AppendRequest request{.stream_id = stream};
      request.events.push_back(sales::testing::TextEvent(text));
      if (!type_url.empty()) {
        request.events.back().mutable_payload()->set_type_url(std::string(type_url));
      }
      auto result = store_->Append(std::move(request));
      ASSERT_TRUE(result.ok()) << result.status();
      if (relay_ != nullptr) relay_->Wake();
    }
    expected_[stream] += count;
  }

  // True when every stream's committed count is the expected one.
  bool CountsMatch() {
    for (const auto& [stream, count] : expected_) {
      auto entry = StreamChainProjection::Read(runner_->store(), "leads", stream);
      if (!entry.ok() || entry->count != count) return false;
    }
    return true;
  }

  void WaitForExpectedCounts() {
    ASSERT_TRUE(WaitFor([&] { return CountsMatch(); })) << runner_->stats().last_error;
  }

  std::string RebuildChecksum() {
    auto checksum =
        Rebuild(projection_, absl::StrCat(dir_.path(), "/rebuild-", ++rebuilds_), sources());
    EXPECT_TRUE(checksum.ok()) << checksum.status();
    return checksum.value_or("");
  }

  void ExpectEqualsRebuild() {
    auto live = runner_->Checksum();
    ASSERT_TRUE(live.ok()) << live.status();
    EXPECT_EQ(*live, RebuildChecksum());
  }

  // Produces directly to the broker, bypassing the store and the relay.
  void Produce(const kafka::OutgoingMessage& message) {
    ASSERT_TRUE(producer_->Produce(message).ok());
  }

  bool SomethingWasEvicted() {
    auto conf = kafka::ConsumerConfig(bootstrap(), "");
    if (!conf.ok()) return false;
    auto consumer = kafka::NewConsumer(*std::move(conf));
    if (!consumer.ok()) return false;
    auto watermarks = kafka::QueryWatermarks(consumer->get(), kTopic, absl::Seconds(5));
    if (!watermarks.ok()) return false;
    for (const kafka::PartitionWatermarks& marks : *watermarks) {
      if (marks.low > 0) return true;
    }
    return false;
  }

  std::vector<ProjectionSource> sources() { return {{.topic = kTopic, .feed = feed_.get()}}; }
  const std::string& bootstrap() const { return broker_->bootstrap_servers(); }

  sales::testing::TempDir dir_;
  metrics::MetricsRegistry metrics_;
  absl::BitGen bitgen_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<feed::LocalEventFeedReader> feed_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<kafka::DeadLetterPublisher> dead_letters_;
  std::unique_ptr<kafka::SyncProducer> producer_;
  std::unique_ptr<outbox::OutboxRelay> relay_;
  StreamChainProjection projection_;
  Projection* runner_projection_ = &projection_;
  kafka::ConfigOverrides consumer_overrides_;
  std::unique_ptr<ProjectionRunner> runner_;
  // Subscribed by StartRunner before the runner starts, when set.
  std::function<void(const AppliedBatch&)> observer_;
  std::map<std::string, uint64_t> expected_;
  int rebuilds_ = 0;
};

// Feed-only mode (no broker at all): a Wake after each append, AwaitFeedHeads gives
// read-your-writes, unprompted appends are found by the poll, the lag gauge follows the feed's
// head, and a restart resumes from the stored feed position without applying anything twice.
TEST_F(ProjectionRunnerTest, AFeedOnlyRunnerFollowsTheLocalStoreWithoutKafka) {
  auto start = [&](absl::Duration poll) {
    auto runner = ProjectionRunner::Create(&projection_, {.path = dir_.path() + "/feed-only",
                                                          .sources = sources(),
                                                          .metrics = &metrics_,
                                                          .feed_poll = poll});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
    runner_->Start();
  };
  Append("lead-0", 5);
  start(absl::Hours(1));  // no poll: only the start and wakes read
  for (int round = 0; round < 20; ++round) {
    Append(absl::StrCat("lead-", round % 3), 2);
    runner_->Wake();
    ASSERT_TRUE(runner_->AwaitFeedHeads(absl::Seconds(10)).ok()) << runner_->stats().last_error;
    ASSERT_TRUE(CountsMatch()) << "round " << round;  // visible as soon as AwaitFeedHeads returns
  }
  EXPECT_EQ(runner_->stats().consumer_lag, 0);
  EXPECT_EQ(runner_->stats().applied, 45u);

  runner_.reset();
  Append("lead-1", 7);  // while stopped
  start(absl::Milliseconds(20));
  Append("lead-2", 3);  // no Wake: the poll finds it
  WaitForExpectedCounts();
  EXPECT_EQ(runner_->stats().duplicates, 0u);
  ExpectEqualsRebuild();

  auto kafka_runner = ProjectionRunner::Create(
      &projection_,
      {.path = dir_.path() + "/kafka", .bootstrap_servers = "127.0.0.1:1", .sources = sources()});
  ASSERT_TRUE(kafka_runner.ok()) << kafka_runner.status();
  EXPECT_EQ((*kafka_runner)->AwaitFeedHeads(absl::Seconds(1)).code(),
            absl::StatusCode::kFailedPrecondition);
}

// A feed-only runner reads its feed in order and keeps no dedupe marks. A Kafka-mode runner that
// takes over its store (a change of topology) then meets on Kafka events the feed-only runner
// applied without marks: the stored feed position says they are duplicates, including the
// versions a gap fill reads.
TEST_F(ProjectionRunnerTest, AKafkaRunnerTakesOverTheStoreOfAFeedOnlyOneExactlyOnce) {
  for (int s = 0; s < 4; ++s) Append(absl::StrCat("lead-", s), 5);
  StartFeedOnlyRunnerAndAwaitHeads();
  ASSERT_TRUE(CountsMatch());
  auto digest = runner_->store().Digest();
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(digest->streams, 0u) << "a feed-only runner writes no dedupe marks";
  EXPECT_EQ(digest->feed_positions, absl::StrCat(kTopic, "@21"));
  runner_.reset();

  StartBroker();
  StartRunnerAndWaitForSync();  // an empty topic: nothing to catch up, assigned at offset 0
  StartRelay();                 // publishes the 20 events the feed-only runner applied
  ASSERT_TRUE(WaitFor([&] { return runner_->stats().duplicates == 20; }))
      << runner_->stats().duplicates << " " << runner_->stats().last_error;
  EXPECT_EQ(runner_->stats().applied, 0u);

  Append("lead-0", 3);  // versions 6–8: no mark yet, so a gap fill reads 1–5, all applied before
  Append("lead-4", 2);
  WaitForExpectedCounts();
  EXPECT_EQ(runner_->stats().applied, 5u);
  EXPECT_EQ(runner_->stats().gap_events_filled, 0u);
  ExpectEqualsRebuild();
}

// The other way round: a store once fed from Kafka holds marks beyond its feed position (events
// applied from Kafka). A feed-only runner on it reads them, without writing any more, so that
// nothing is applied twice; what lies beyond a mark is new.
TEST_F(ProjectionRunnerTest, AFeedOnlyRunnerTakesOverTheStoreOfAKafkaOneExactlyOnce) {
  StartBroker();
  StartRelay();
  StartRunnerAndWaitForSync();
  Append("lead-1", 3);
  Append("lead-2", 2);
  WaitForExpectedCounts();  // applied from Kafka: marks, and no feed position
  runner_.reset();

  StartFeedOnlyRunnerAndAwaitHeads();
  EXPECT_EQ(runner_->stats().duplicates, 5u);
  EXPECT_EQ(runner_->stats().applied, 0u);
  Append("lead-1", 4);  // versions 4–7, beyond the mark (3), which stays where it was
  runner_->Wake();
  ASSERT_TRUE(runner_->AwaitFeedHeads(kDeadline).ok()) << runner_->stats().last_error;
  EXPECT_TRUE(CountsMatch());
  EXPECT_EQ(runner_->stats().applied, 4u);
  ExpectEqualsRebuild();
}

// A feed-only runner whose source raises an append signal is woken by it: no Wake, no poll.
TEST_F(ProjectionRunnerTest, AFeedOnlyRunnerIsWokenByItsSourcesAppendSignal) {
  eventstore::AppendSignal appended;
  auto runner = ProjectionRunner::Create(
      &projection_, {.path = dir_.path() + "/feed-only",
                     .sources = {{.topic = kTopic, .feed = feed_.get(), .appended = &appended}},
                     .feed_poll = absl::Hours(1)});
  ASSERT_TRUE(runner.ok()) << runner.status();
  runner_ = *std::move(runner);
  runner_->Start();
  for (int round = 0; round < 5; ++round) {
    Append(absl::StrCat("lead-", round), 3);
    appended.Notify();  // what NotifyingEventStore does after an append
    WaitForExpectedCounts();
  }
  EXPECT_EQ(runner_->stats().applied, 15u);
  runner_->Stop();
  appended.Notify();  // a stopped runner is no longer subscribed
}

// A follower reads up to the head it was woken for: events appended while it applies them wait
// for the next batch, after wake_batch_delay, instead of trickling in one page at a time (which
// had made every live batch as small as the time it took to apply the last one).
TEST_F(ProjectionRunnerTest, AFeedOnlyRunnerGathersWhatIsAppendedWhileItApplies) {
  constexpr absl::Duration kDelay = absl::Milliseconds(300);
  GatedProjection gated(projection_);
  CreateWokenFeedOnlyRunner(&gated, kDelay);
  absl::Mutex mu;
  std::vector<std::pair<size_t, absl::Time>> batches;  // events, when observed
  runner_->Subscribe([&](const AppliedBatch& batch) {
    absl::MutexLock lock(&mu);
    batches.emplace_back(batch.events.size(), absl::Now());
  });
  // However the test ends, no callback may outlive the locals it writes to.
  const absl::Cleanup stop_runner = [this] { runner_->Stop(); };
  Append("gate", 1);
  Append("lead-0", 2);
  const absl::Time started = absl::Now();
  runner_->Start();
  ASSERT_TRUE(gated.entered.WaitForNotificationWithTimeout(kDeadline));
  Append("lead-1", 20);  // while the runner is inside its first batch
  runner_->Wake();
  gated.open.Notify();
  WaitForExpectedCounts();
  // Subscribers hear of a batch after its commit, which is when its counts become readable.
  const bool heard_both = WaitFor([&] {
    absl::MutexLock lock(&mu);
    return batches.size() >= 2;
  });
  runner_
      ->Stop();  // no more callbacks into this test's locals (stop_runner's Stop is then a no-op)
  absl::MutexLock lock(&mu);
  ASSERT_TRUE(heard_both) << batches.size() << " batches heard";
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].first, 3u) << "the first batch ends at the head it began with";
  EXPECT_EQ(batches[1].first, 20u);
  EXPECT_GE(batches[1].second - started, kDelay)
      << "the next read began wake_batch_delay after the first";
}

// A wake after a quiet spell is read at once: the delay spaces reads out, it does not hold back
// the first event after a pause.
TEST_F(ProjectionRunnerTest, AFeedOnlyRunnerReadsAWakeAfterAQuietSpellAtOnce) {
  constexpr absl::Duration kDelay = absl::Seconds(1);
  CreateWokenFeedOnlyRunner(&projection_, kDelay);
  runner_->Start();
  Append("lead-0", 1);
  runner_->Wake();
  WaitForExpectedCounts();
  absl::SleepFor(2 * kDelay);  // quiet (the read it was woken for may have begun a delay later)
  Append("lead-0", 1);
  const absl::Time woken = absl::Now();
  runner_->Wake();
  WaitForExpectedCounts();
  EXPECT_LT(absl::Now() - woken, kDelay / 2) << "read at once, not after wake_batch_delay";
}

// While a runner catches up from the event feed, it says so, and its lag is what remains up to
// the feed's head, page by page; once caught up, both settle.
TEST_F(ProjectionRunnerTest, ACatchUpFromTheFeedReportsItselfAndItsRemainingLag) {
  StartBroker();
  for (int s = 0; s < 10; ++s) Append(absl::StrCat("lead-", s), 10);  // positions 1–100
  Append("gate", 1);                                                  // 101
  Append("lead-0", 49);                                               // 102–150
  GatedProjection gated(projection_);
  auto runner = ProjectionRunner::Create(&gated, {.path = dir_.path() + "/projection",
                                                  .bootstrap_servers = bootstrap(),
                                                  .sources = sources(),
                                                  .dead_letters = dead_letters_.get(),
                                                  .feed_page_size = 10,
                                                  .metrics = &metrics_});
  ASSERT_TRUE(runner.ok()) << runner.status();
  runner_ = *std::move(runner);
  runner_->Start();
  ASSERT_TRUE(gated.entered.WaitForNotificationWithTimeout(kDeadline));
  // Pages 1–100 went through; the page holding the gate waits: 50 events behind the head.
  ASSERT_TRUE(WaitFor([&] { return runner_->stats().applied == 100; }));
  RunnerStats during = runner_->stats();
  EXPECT_TRUE(during.catching_up);
  EXPECT_EQ(during.consumer_lag, 50);
  gated.open.Notify();
  WaitForExpectedCounts();
  ASSERT_TRUE(WaitFor([&] {
    RunnerStats after = runner_->stats();
    return !after.catching_up && after.catch_ups == 1 && after.consumer_lag == 0;
  })) << runner_->stats().consumer_lag;
  const RunnerStats caught_up = runner_->stats();
  EXPECT_GE(caught_up.catch_up.events, 150u) << "the catch-up's events count as catch-up";
  EXPECT_GT(caught_up.catch_up.cpu, absl::ZeroDuration());
}

TEST_F(ProjectionRunnerTest, LiveEventsAreAppliedExactlyOnceAndMatchARebuild) {
  StartBroker();
  StartRelay();
  StartRunnerAndWaitForSync();
  uint64_t observed = 0;
  std::atomic<uint64_t> observed_total{0};
  runner_->Subscribe([&](const AppliedBatch& batch) {
    observed += batch.events.size();
    observed_total = batch.applied_total;
  });

  for (int s = 0; s < 6; ++s) Append(absl::StrCat("lead-", s), 20);
  WaitForExpectedCounts();
  // Observers run once the runner thread has seen the commit land, just after the rows are
  // readable: wait for them too.
  ASSERT_TRUE(WaitFor([&] { return observed_total.load() == 120; })) << observed_total.load();

  const RunnerStats stats = runner_->stats();
  EXPECT_EQ(stats.applied, 120);
  EXPECT_EQ(stats.duplicates, 0);
  EXPECT_EQ(stats.dead_lettered, 0);
  EXPECT_TRUE(stats.last_applied_at.has_value());
  EXPECT_THAT(metrics_.RenderPrometheus(),
              HasSubstr("sales_projection_events_applied_total{projection=\"stream-chain\"} 120"));
  runner_->Stop();  // observers ran on the (now joined) runner thread
  EXPECT_EQ(observed, 120);
  // Each event counts in exactly one phase. Which one depends on the machine: on a loaded one
  // the appends can outrun the runner, and a backlog of a live batch or more is a catch-up.
  const RunnerStats stopped = runner_->stats();
  EXPECT_EQ(stopped.live.events + stopped.catch_up.events, 120u);
  EXPECT_GT(stopped.live.events, 0u) << "followed live, in live batches; " << stopped.last_error;
  EXPECT_GT(stopped.live.cpu, absl::ZeroDuration());
  EXPECT_THAT(metrics_.RenderPrometheus(), HasSubstr("sales_projection_cpu_seconds_total{"));
  ExpectEqualsRebuild();
}

// A backlog in Kafka is applied in catch-up batches (larger than live ones); once it is
// drained, live events go in live batches again.
TEST_F(ProjectionRunnerTest, ABacklogIsAppliedInCatchUpBatchesThenLiveEventsInLiveBatches) {
  StartBroker(/*partitions=*/1);
  StartRelay();
  StartRunnerAndWaitForSync();
  runner_.reset();  // the offsets are stored: the next runner resumes from Kafka
  for (int s = 0; s < 10; ++s) Append(absl::StrCat("lead-", s), 60);
  ASSERT_TRUE(WaitFor([&] { return relay_->backlog() == 0; }));

  absl::Mutex mu;
  std::vector<size_t> batch_sizes;
  size_t observed = 0;
  observer_ = [&](const AppliedBatch& batch) {
    absl::MutexLock lock(&mu);
    batch_sizes.push_back(batch.events.size());
    observed += batch.events.size();
  };
  StartRunner(/*max_batch_events=*/20, /*catch_up_batch_events=*/200);
  WaitForExpectedCounts();
  EXPECT_EQ(runner_->stats().catch_ups, 0) << "resumed from the stored offsets";
  size_t largest = 0;
  {
    absl::MutexLock lock(&mu);
    // The observers of a batch run after its rows are visible: the last backlog batch is seen
    // here before the live rounds begin, or it would count as one of theirs.
    auto backlog_observed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return observed >= 600; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&backlog_observed), absl::Seconds(30)))
        << observed;
    for (size_t size : batch_sizes) largest = std::max(largest, size);
    batch_sizes.clear();
  }
  EXPECT_GT(largest, 20u) << "the backlog went in catch-up batches";
  EXPECT_LE(largest, 200u);

  for (int round = 0; round < 5; ++round) {
    Append("live", 3);
    WaitForExpectedCounts();
  }
  EXPECT_EQ(runner_->stats().applied, 615);
  runner_->Stop();  // the observer writes to locals of this test: no call may outlive them
  absl::MutexLock lock(&mu);
  ASSERT_FALSE(batch_sizes.empty());
  for (size_t size : batch_sizes) EXPECT_LE(size, 20u) << "live events go in live batches";
}

// A catch-up batch's messages — envelopes and payloads — are decoded a chunk at a time on a
// decoding thread while the runner applies the chunk before (internal::DecodeAhead, 512 messages a
// chunk), and the runner decodes whatever that thread has not reached yet itself: every event still
// goes in once, with its own payload, in each stream's order, and undecodable messages are dead
// letters wherever they fall. The resumed runner's first batch is a live one (20 messages); the
// rest, 1183 messages, is one catch-up batch on an unloaded machine, of chunks applied inside the
// poll loop (the first, with the first junk at its 100th message), when the batch ends (the second,
// with the middle junk) and last (a short third, ending with an envelope that names no stream).
// (StreamChainProjection fails a batch whose event came with another's payload, and counts those
// decoded ahead.)
TEST_F(ProjectionRunnerTest, ABacklogOfManyDecodeChunksIsAppliedInOrderWithItsPoison) {
  StartBroker(/*partitions=*/1);  // one partition: the junk lands between the streams' events
  StartRelay();
  StartRunnerAndWaitForSync();
  runner_.reset();  // the offsets are stored: the next runner resumes from Kafka
  const std::string garbage("\xff\xff\xff not an envelope");
  EventEnvelope without_stream;  // decodes, but names no stream
  *without_stream.mutable_payload() = sales::testing::TextEvent("orphan").payload();
  auto published = [&] { return WaitFor([&] { return relay_->backlog() == 0; }); };
  for (int s = 0; s < 4; ++s) Append(absl::StrCat("lead-", s), 30);  // messages 0–119
  ASSERT_TRUE(published());
  Produce({.topic = kTopic, .partition = 0, .key = "junk-first", .value = garbage});  // 120
  for (int s = 0; s < 4; ++s) Append(absl::StrCat("lead-", s), 120);                  // 121–600
  ASSERT_TRUE(published());
  Produce({.topic = kTopic, .partition = 0, .key = "junk-middle", .value = garbage});  // 601
  for (int s = 0; s < 4; ++s) Append(absl::StrCat("lead-", s), 150);                   // 602–1201
  ASSERT_TRUE(published());
  Produce({.topic = kTopic,
           .partition = 0,
           .key = "junk-last",
           .value = without_stream.SerializeAsString()});  // 1202

  StartRunner(/*max_batch_events=*/20, /*catch_up_batch_events=*/5000);
  WaitForExpectedCounts();
  ASSERT_TRUE(WaitFor([&] { return runner_->stats().dead_lettered == 3; }))
      << runner_->stats().dead_lettered;
  const RunnerStats stats = runner_->stats();
  EXPECT_EQ(stats.applied, 1200);
  EXPECT_EQ(stats.duplicates, 0);
  EXPECT_EQ(stats.catch_ups, 0) << "resumed from the stored offsets";
  EXPECT_EQ(projection_.decoded_ahead(), 1200) << "each with its own payload, decoded ahead";
  auto dead = kafka::ReadTopic(bootstrap(), kDeadLetterTopic, {.min_messages = 3});
  ASSERT_TRUE(dead.ok()) << dead.status();
  std::map<std::string, std::string> reasons;
  for (const kafka::KafkaRecord& record : *dead) {
    reasons[record.key] = record.Header(std::string(kafka::kReasonHeader));
  }
  EXPECT_THAT(reasons["junk-first"], HasSubstr("does not parse"));
  EXPECT_THAT(reasons["junk-middle"], HasSubstr("does not parse"));
  EXPECT_THAT(reasons["junk-last"], HasSubstr("lacks stream_id"));
  ExpectEqualsRebuild();  // 1200 events: the rebuild reads its pages of 1000 ahead too
}

TEST_F(ProjectionRunnerTest, RedeliveredMessagesAreAppliedOnce) {
  StartBroker();
  StartRelay();
  StartRunnerAndWaitForSync();
  for (int s = 0; s < 4; ++s) Append(absl::StrCat("lead-", s), 10);
  WaitForExpectedCounts();
  const std::string before = *runner_->Checksum();

  // Every message again, byte for byte, in the same partitions.
  auto records = kafka::ReadTopic(bootstrap(), kTopic, {.min_messages = 40});
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 40);
  for (const kafka::KafkaRecord& record : *records) {
    Produce(
        {.topic = kTopic, .partition = record.partition, .key = record.key, .value = record.value});
  }

  ASSERT_TRUE(WaitFor([&] { return runner_->stats().duplicates == 40; }))
      << runner_->stats().duplicates;
  EXPECT_EQ(runner_->stats().applied, 40);
  EXPECT_EQ(*runner_->Checksum(), before);
  ExpectEqualsRebuild();
}

TEST_F(ProjectionRunnerTest, CrashedRunnersAndRelaysStillApplyEachEventOnce) {
  StartBroker();
  StartRelay();
  StartRunner(/*max_batch_events=*/7);
  for (int round = 0; round < 3; ++round) {
    for (int s = 0; s < 5; ++s) Append(absl::StrCat("lead-", s), 30);
    // Crash the relay while it has messages in flight: their rows stay and are republished.
    relay_->Abandon();
    relay_.reset();
    StartRelay();
    // Crash the runner while it is in the middle of the stream.
    ASSERT_TRUE(WaitFor([&] { return runner_->stats().applied > 0; }));
    runner_.reset();
    StartRunner(/*max_batch_events=*/7);
  }
  WaitForExpectedCounts();
  EXPECT_EQ(relay_->backlog(), 0);
  ExpectEqualsRebuild();
}

// The runner applies batch N+1 while batch N is written on the store's committer thread. A stop
// there drops N+1 and lets N land whole (or not at all); the next runner resumes from the stored
// offsets and applies every event exactly once.
TEST_F(ProjectionRunnerTest, StoppingWhileAnEarlierBatchIsBeingWrittenResumesExactlyOnce) {
  StartBroker(/*partitions=*/1);  // one partition: the gate event comes after the others
  StartRelay();
  GatedProjection gated(projection_);
  runner_projection_ = &gated;
  StartRunner(/*max_batch_events=*/7);
  ASSERT_TRUE(WaitFor([&] { return runner_->stats().catch_ups == 1; }));
  for (int s = 0; s < 5; ++s) Append(absl::StrCat("lead-", s), 20);
  Append("gate", 1);
  for (int s = 0; s < 5; ++s) Append(absl::StrCat("lead-", s), 10);
  ASSERT_TRUE(gated.entered.WaitForNotificationWithTimeout(kDeadline))
      << runner_->stats().last_error;
  EXPECT_LE(runner_->stats().applied, 100);  // the gate's batch is not committed

  std::thread stopper([&] { runner_->Stop(); });
  // Stop() needs no more than a moment to be requested; the outcome asserted below holds
  // whether the gate opens before or after that.
  absl::SleepFor(absl::Milliseconds(50));
  gated.open.Notify();
  stopper.join();
  runner_.reset();

  runner_projection_ = &projection_;
  StartRunner(/*max_batch_events=*/7);
  WaitForExpectedCounts();
  EXPECT_EQ(runner_->stats().catch_ups, 0);  // resumed from the stored offsets
  EXPECT_EQ(runner_->stats().dead_lettered, 0);
  ExpectEqualsRebuild();
}

TEST_F(ProjectionRunnerTest, PoisonMessagesAreDeadLetteredAndTheProjectionGoesOn) {
  StartBroker();
  StartRelay();
  StartRunnerAndWaitForSync();
  const std::string garbage("\xff\xff\xff not an envelope");
  Produce({.topic = kTopic, .partition = 0, .key = "junk", .value = garbage});
  Append("lead-1", 1);
  Append("lead-1", 1, 16, absl::StrCat("type.googleapis.com/", kPoisonEventType));
  expected_["lead-1"] -= 1;  // the poison event is not applied ...
  Append("lead-1", 2);       // ... and the stream goes on after it
  Append("lead-2", 5);
  WaitForExpectedCounts();

  auto dead = kafka::ReadTopic(bootstrap(), kDeadLetterTopic, {.min_messages = 2});
  ASSERT_TRUE(dead.ok()) << dead.status();
  ASSERT_EQ(dead->size(), 2);
  std::map<std::string, kafka::KafkaRecord> by_key;
  for (const kafka::KafkaRecord& record : *dead) by_key[record.key] = record;
  ASSERT_EQ(by_key.count("junk"), 1);
  EXPECT_EQ(by_key["junk"].value, garbage);
  EXPECT_THAT(by_key["junk"].Header(std::string(kafka::kReasonHeader)), HasSubstr("parse"));
  ASSERT_EQ(by_key.count("lead-1"), 1);
  EXPECT_THAT(by_key["lead-1"].Header(std::string(kafka::kReasonHeader)),
              HasSubstr("poison event"));
  // Dead-lettered from Kafka, so it names its partition (the feed path would say -1).
  EXPECT_NE(by_key["lead-1"].Header(std::string(kafka::kSourcePartitionHeader)), "-1");
  EXPECT_EQ(runner_->stats().dead_lettered, 2);
  ExpectEqualsRebuild();
}

TEST_F(ProjectionRunnerTest, EvictedOffsetsAreCaughtUpFromTheFeed) {
  StartBroker(/*partitions=*/2);
  StartRelay();
  StartRunnerAndWaitForSync();
  Append("small", 5);
  WaitForExpectedCounts();
  runner_->Stop();
  runner_.reset();

  // ~7 MiB into one partition: more than the embedded broker keeps.
  Append("big", 70, size_t{100} * 1024);
  Append("small", 5);
  ASSERT_TRUE(WaitFor([&] { return relay_->backlog() == 0; }));
  ASSERT_TRUE(SomethingWasEvicted()) << "nothing was evicted; the test would prove nothing";

  StartRunner();
  WaitForExpectedCounts();
  // The catch-up is counted once its sync ends, which may be just after its last page landed.
  EXPECT_TRUE(WaitFor([&] { return runner_->stats().catch_ups == 1; }));
  ExpectEqualsRebuild();

  Append("small", 3);  // and Kafka is followed again afterwards
  WaitForExpectedCounts();
  EXPECT_EQ(runner_->stats().catch_ups, 1);
  ExpectEqualsRebuild();
}

// The same projection under a new layout version (as after an upgrade that changed its rows).
class RelaidProjection : public StreamChainProjection {
 public:
  int layout_version() const override { return 2; }
};

TEST_F(ProjectionRunnerTest, AStoreOfAnOlderLayoutIsRebuiltFromTheFeed) {
  StartBroker();
  StartRelay();
  StartRunnerAndWaitForSync();
  Append("a", 4);
  Append("b", 3);
  WaitForExpectedCounts();
  runner_->Stop();
  runner_.reset();
  // A row the new layout would misread, if it were kept.
  {
    auto store = ProjectionStore::Open(dir_.path() + "/projection");
    ASSERT_TRUE(store.ok()) << store.status();
    StoreBatch batch = (*store)->NewBatch();
    batch.txn().Put("stale-row-of-layout-1", "x");
    ASSERT_TRUE((*store)->Commit(batch).ok());
  }

  RelaidProjection relaid;
  runner_projection_ = &relaid;
  StartRunner();
  WaitForExpectedCounts();
  EXPECT_TRUE(WaitFor([&] { return runner_->stats().catch_ups == 1; }))
      << "the emptied store is caught up from the feed, not resumed from its offsets";
  EXPECT_EQ(*runner_->store().Get("stale-row-of-layout-1"), std::nullopt);
  ExpectEqualsRebuild();
  Append("a", 2);  // then Kafka is followed
  WaitForExpectedCounts();
  ExpectEqualsRebuild();
  runner_.reset();  // before `relaid` goes
}

TEST_F(ProjectionRunnerTest, OffsetsEvictedWhileConsumingAreCaughtUpFromTheFeed) {
  StartBroker(/*partitions=*/1);
  StartRelay();
  GatedProjection gated(projection_);
  runner_projection_ = &gated;
  // Bound prefetching (256 KiB), so that the stuck runner's position can fall out of the log.
  consumer_overrides_ = {{"queued.max.messages.kbytes", "256"}};
  StartRunnerAndWaitForSync();
  Append("gate", 1);
  ASSERT_TRUE(gated.entered.WaitForNotificationWithTimeout(kDeadline))
      << runner_->stats().last_error;

  Append("big", 70, size_t{100} * 1024);  // evicts what the stuck runner has not read yet
  ASSERT_TRUE(WaitFor([&] { return relay_->backlog() == 0; }));
  ASSERT_TRUE(SomethingWasEvicted()) << "nothing was evicted; the test would prove nothing";
  gated.open.Notify();

  WaitForExpectedCounts();
  // The first sync, then the out-of-range offset (counted when that sync ends).
  EXPECT_TRUE(WaitFor([&] { return runner_->stats().catch_ups == 2; }));
  ExpectEqualsRebuild();
}

TEST_F(ProjectionRunnerTest, ANewBrokerIsCaughtUpFromTheFeedThenFollowedLive) {
  StartBroker();
  StartRelay();
  StartRunnerAndWaitForSync();
  Append("lead-1", 10);
  Append("lead-2", 10);
  WaitForExpectedCounts();
  runner_->Stop();
  runner_.reset();
  StopRelay();
  Append("lead-1", 5);  // committed while Kafka is away: waits in the outbox
  dead_letters_.reset();
  producer_.reset();
  broker_.reset();

  StartBroker();  // brand new and empty
  StartRelay();
  StartRunner();
  WaitForExpectedCounts();
  // The catch-up is counted once its sync ends, which may be just after its last page landed.
  EXPECT_TRUE(WaitFor([&] { return runner_->stats().catch_ups == 1; }));
  ExpectEqualsRebuild();

  Append("lead-2", 7);
  Append("lead-3", 3);
  WaitForExpectedCounts();
  EXPECT_EQ(runner_->stats().catch_ups, 1);
  ExpectEqualsRebuild();
}

TEST_F(ProjectionRunnerTest, AVersionGapOnKafkaIsFilledFromTheFeed) {
  StartBroker();
  StartRelay();
  StartRunnerAndWaitForSync();
  Append("lead-1", 3);
  WaitForExpectedCounts();

  StopRelay();
  Append("lead-1", 2);  // versions 4 and 5: in the store, not on Kafka
  auto v5 = store_->ReadStreamRaw("lead-1", 5, 1);
  ASSERT_TRUE(v5.ok() && v5->size() == 1) << v5.status();
  Produce({.topic = kTopic, .key = "lead-1", .value = (*v5)[0].bytes});

  WaitForExpectedCounts();
  EXPECT_EQ(runner_->stats().gap_events_filled, 1);
  EXPECT_EQ(runner_->stats().applied, 5);
  ExpectEqualsRebuild();

  StartRelay();  // now publishes versions 4 and 5 again: both are duplicates
  ASSERT_TRUE(WaitFor([&] { return runner_->stats().duplicates == 2; }));
  EXPECT_EQ(runner_->stats().applied, 5);
  ExpectEqualsRebuild();
}

}  // namespace
}  // namespace sales::projection
