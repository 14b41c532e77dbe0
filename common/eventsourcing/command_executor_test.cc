#include "common/eventsourcing/command_executor.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/testing/v1/test_events.pb.h"

namespace sales::eventsourcing {
namespace {

using ::sales::testing::v1::CounterEvent;

struct Counter {
  bool open = false;
  int64_t value = 0;
};

Counter Evolve(Counter counter, const CounterEvent& event) {
  if (event.has_opened()) counter.open = true;
  if (event.has_incremented()) counter.value += event.incremented().by();
  return counter;
}

// Opens the counter if needed, then adds `by`; refuses to go above `limit`.
auto IncrementBy(int64_t by, int64_t limit = 1'000'000) {
  return [=](const Counter& counter) -> absl::StatusOr<std::vector<CounterEvent>> {
    if (counter.value + by > limit) {
      return absl::FailedPreconditionError("rule counter_limit: would exceed the limit");
    }
    std::vector<CounterEvent> events;
    if (!counter.open) events.emplace_back().mutable_opened()->set_name("c");
    if (by != 0) events.emplace_back().mutable_incremented()->set_by(by);
    return events;
  };
}

std::string NoDeal(const Counter&) { return ""; }

class CommandExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *eventstore::EventStore::Open({.path = dir_.path(), .service = "test"});
  }
  absl::StatusOr<CommandOutcome<Counter>> Run(
      const CommandOptions& options,
      const std::function<absl::StatusOr<std::vector<CounterEvent>>(const Counter&)>& decide) {
    return ExecuteCommand<CounterEvent>(*store_, options, Counter{}, &Evolve, decide, &NoDeal);
  }
  sales::testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
};

TEST_F(CommandExecutorTest, AppendsTheDecidedEventsWithMetadata) {
  auto outcome =
      Run({.stream_id = "counter-1", .metadata = {.actor = "user:li", .correlation_id = "req-1"}},
          IncrementBy(3));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->version, 2u);
  EXPECT_EQ(outcome->appended, 2u);
  EXPECT_EQ(outcome->state->value, 3);
  auto events = store_->ReadStream("counter-1", 1, 10);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].event_type(), "sales.testing.v1.CounterIncremented");
  EXPECT_EQ((*events)[1].actor(), "user:li");
  EXPECT_EQ((*events)[1].correlation_id(), "req-1");
}

TEST_F(CommandExecutorTest, NothingDecidedWritesNothingAndRefusalsPropagate) {
  ASSERT_TRUE(Run({.stream_id = "c"}, IncrementBy(5)).ok());
  auto unchanged = Run({.stream_id = "c"}, IncrementBy(0));
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->appended, 0u);
  auto refused = Run({.stream_id = "c"}, IncrementBy(10, /*limit=*/10));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

TEST_F(CommandExecutorTest, PinnedVersionMismatchIsAbortedWithoutDecidingOnTheStream) {
  ASSERT_TRUE(Run({.stream_id = "c"}, IncrementBy(1)).ok());
  int decisions_on_the_stream = 0;
  auto stale = Run({.stream_id = "c", .expected_version = 1}, [&](const Counter& c) {
    // The one decision allowed is on the initial state, for the command's syntax.
    if (c.open) ++decisions_on_the_stream;
    return IncrementBy(1)(c);
  });
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(decisions_on_the_stream, 0);
  EXPECT_TRUE(Run({.stream_id = "c", .expected_version = 2}, IncrementBy(1)).ok());
}

TEST_F(CommandExecutorTest, ReplayedKeyReturnsCurrentStateAndWritesNothing) {
  CommandOptions options{
      .stream_id = "c", .idempotency_key = "k1", .idempotency_fingerprint = "increment 4"};
  ASSERT_TRUE(Run(options, IncrementBy(4)).ok());
  auto replay = Run(options, IncrementBy(4));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->deduplicated);
  EXPECT_EQ(replay->state->value, 4);
  options.idempotency_fingerprint = "increment 5";
  EXPECT_EQ(Run(options, IncrementBy(5)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

// Regression: an empty AddRegion with an expected version got ABORTED; a malformed command is
// INVALID_ARGUMENT whatever the version says.
TEST_F(CommandExecutorTest, AMalformedCommandIsInvalidBeforeAVersionConflict) {
  ASSERT_TRUE(Run({.stream_id = "c"}, IncrementBy(1)).ok());
  auto malformed = [](const Counter&) -> absl::StatusOr<std::vector<CounterEvent>> {
    return absl::InvalidArgumentError("field by: required");
  };
  EXPECT_EQ(Run({.stream_id = "c", .expected_version = 7}, malformed).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({.stream_id = "c", .expected_version = 7}, IncrementBy(1)).status().code(),
            absl::StatusCode::kAborted);
}

// Regression: a replay answered the stream's current version (18) instead of the first call's
// (17), so a client using it as expected_version skipped a conflict check.
TEST_F(CommandExecutorTest, ReplayedKeyAnswersTheFirstCallsVersionAfterTheStreamMovedOn) {
  CommandOptions options{
      .stream_id = "c", .idempotency_key = "k1", .idempotency_fingerprint = "increment 1"};
  auto first = Run(options, IncrementBy(1));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(Run({.stream_id = "c"}, IncrementBy(1)).ok());  // another event lands
  auto replay = Run(options, IncrementBy(1));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->deduplicated);
  EXPECT_EQ(replay->version, first->version);
  EXPECT_EQ(replay->version, 2u);  // the first call appended 2 events (IncrementBy(1))
}

TEST_F(CommandExecutorTest, ReplayedKeyIsRecognisedEvenWhenTheRetryWouldBeRefused) {
  CommandOptions options{
      .stream_id = "c", .idempotency_key = "k1", .idempotency_fingerprint = "to 10"};
  ASSERT_TRUE(Run(options, IncrementBy(10, /*limit=*/10)).ok());
  // Decided again on the new state the retry breaks the limit, and a pinned retry is stale: the
  // store still knows the key, so both are reported as replays.
  auto replay = Run(options, IncrementBy(10, /*limit=*/10));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->deduplicated);
  EXPECT_EQ(replay->version, 2u);
  CommandOptions pinned = options;
  pinned.expected_version = 1;
  auto pinned_replay = Run(pinned, IncrementBy(10, /*limit=*/10));
  ASSERT_TRUE(pinned_replay.ok()) << pinned_replay.status();
  EXPECT_TRUE(pinned_replay->deduplicated);
  // A new key with the same refused decision is refused; another payload under the old key too.
  EXPECT_EQ(Run({.stream_id = "c", .idempotency_key = "k2", .idempotency_fingerprint = "x"},
                IncrementBy(10, /*limit=*/10))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  options.idempotency_fingerprint = "to 11";
  EXPECT_EQ(Run(options, IncrementBy(11, /*limit=*/10)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

TEST_F(CommandExecutorTest, OccurredAtComesFromTheEventWhenAsked) {
  google::protobuf::Timestamp at;
  at.set_seconds(1'700'000'000);
  auto occurred_at_of =
      [&](const CounterEvent& event) -> std::optional<google::protobuf::Timestamp> {
    if (event.has_incremented()) return at;
    return std::nullopt;
  };
  auto outcome = ExecuteCommand<CounterEvent>(*store_, {.stream_id = "c"}, Counter{}, &Evolve,
                                              IncrementBy(1), &NoDeal, nullptr, occurred_at_of);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  auto events = store_->ReadStream("c", 1, 10);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_NE((*events)[0].occurred_at().seconds(), 1'700'000'000);  // stamped by the store
  EXPECT_EQ((*events)[1].occurred_at().seconds(), 1'700'000'000);
}

// Unpinned commands racing on one stream are all applied: conflicts are retried on fresh state.
TEST_F(CommandExecutorTest, ConcurrentUnpinnedCommandsAreRetriedAndNoneIsLost) {
  constexpr int kThreads = 4;
  constexpr int kCommands = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCommands; ++i) {
        CommandOptions options{.stream_id = "shared", .max_attempts = 1000};
        if (!Run(options, IncrementBy(1)).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto final_state = Run({.stream_id = "shared"}, IncrementBy(0));
  ASSERT_TRUE(final_state.ok());
  EXPECT_EQ(final_state->state->value, kThreads * kCommands);
}

TEST_F(CommandExecutorTest, CachedAggregatesSeeAppendsMadeByOthers) {
  AggregateCache<Counter> cache(size_t{1} << 20);
  auto run_cached = [&](int64_t by) {
    return ExecuteCommand<CounterEvent>(*store_, {.stream_id = "c"}, Counter{}, &Evolve,
                                        IncrementBy(by), &NoDeal, &cache);
  };
  ASSERT_TRUE(run_cached(1).ok());
  EXPECT_EQ(cache.size(), 1u);
  // A writer that does not use this cache (another process, say) appends in between.
  ASSERT_TRUE(Run({.stream_id = "c"}, IncrementBy(10)).ok());
  auto outcome = run_cached(100);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->state->value, 111);
  EXPECT_EQ(outcome->version, 4u);
  EXPECT_EQ(cache.Get("c")->second, 4u);
}

TEST_F(CommandExecutorTest, LoadAggregatesFoldsEachStreamAsLoadAggregateDoes) {
  AggregateCache<Counter> cache(size_t{1} << 20);
  ASSERT_TRUE(Run({.stream_id = "a"}, IncrementBy(1)).ok());
  ASSERT_TRUE(Run({.stream_id = "b"}, IncrementBy(5)).ok());
  // Longer than one page of the batched read.
  for (size_t i = 0; i <= kLoadPageSize; ++i) {
    ASSERT_TRUE(Run({.stream_id = "long"}, IncrementBy(1)).ok());
  }
  ASSERT_TRUE(LoadAggregate<CounterEvent>(*store_, "a", Counter{}, &Evolve, {}, &cache).ok());
  ASSERT_TRUE(Run({.stream_id = "a"}, IncrementBy(10)).ok());  // after "a" was cached

  const std::vector<std::string> ids = {"a", "missing", "b", "a", "long"};
  auto loaded = LoadAggregates<CounterEvent>(*store_, ids, Counter{}, &Evolve, &cache);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto one = LoadAggregate<CounterEvent>(*store_, ids[i], Counter{}, &Evolve);
    ASSERT_TRUE(one.ok()) << one.status();
    EXPECT_EQ((*loaded)[i].version, one->version) << ids[i];
    EXPECT_EQ((*loaded)[i].state->value, one->state->value) << ids[i];
  }
  EXPECT_EQ((*loaded)[0].state->value, 11);
  EXPECT_EQ((*loaded)[1].version, 0u);
  EXPECT_EQ((*loaded)[4].state->value, static_cast<int64_t>(kLoadPageSize) + 1);
  EXPECT_EQ(cache.Get("a")->second, 3u);  // what moved on is cached again
  EXPECT_EQ(cache.Get("long")->second, kLoadPageSize + 2);
}

TEST(AggregateCacheTest, EvictsLeastRecentlyUsedAndNeverGoesBack) {
  // Room for two entries: the limit is in bytes.
  AggregateCache<int> cache(2 * AggregateCache<int>::EntryBytes("a", 0));
  auto state = [](int value) { return std::make_shared<const int>(value); };
  cache.Put("a", state(1), 1);
  cache.Put("b", state(2), 1);
  ASSERT_TRUE(cache.Get("a").has_value());  // a is now the most recent
  cache.Put("c", state(3), 1);              // evicts b
  EXPECT_FALSE(cache.Get("b").has_value());
  cache.Put("a", state(10), 5);
  cache.Put("a", state(9), 4);  // an older version never replaces a newer one
  EXPECT_EQ(*cache.Get("a")->first, 10);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(AggregateCacheTest, SharesSnapshotsThatOutliveTheirEntry) {
  AggregateCache<int> cache(AggregateCache<int>::EntryBytes("a", 0));
  auto first = std::make_shared<const int>(7);
  cache.Put("a", first, 1);
  std::shared_ptr<const int> got = cache.Get("a")->first;
  EXPECT_EQ(got.get(), first.get());                  // shared, not copied
  cache.Put("b", std::make_shared<const int>(8), 1);  // evicts a
  EXPECT_FALSE(cache.Get("a").has_value());
  EXPECT_EQ(*got, 7);  // a reader's snapshot stays valid
}

TEST(AggregateCacheTest, KeepsToItsShareOfTheBudgetAsTheShareChanges) {
  // A small budget: its caches' share (~367 KB) is less than the room a new cache asks for.
  memory::MemoryBudget budget(size_t{1} << 20, nullptr, absl::ZeroDuration());
  std::shared_ptr<memory::CacheShare> share = budget.JoinCaches("test/aggregates", 1);
  AggregateCache<int> cache(share);
  for (int i = 0; i < 2000; ++i) cache.Put(absl::StrCat("s", i), std::make_shared<const int>(i), 1);
  EXPECT_EQ(cache.size(), 2000u);  // ~270 KB of small entries fit in the whole share
  EXPECT_EQ(share->bytes(), cache.bytes());

  // Another cache joins: this one's limit falls to about half, and its next insertion evicts
  // the least recently used entries down to it.
  std::shared_ptr<memory::CacheShare> other = budget.JoinCaches("test/other", 1);
  ASSERT_LT(share->limit(), cache.bytes());
  cache.Put("new", std::make_shared<const int>(-1), 1);
  EXPECT_LE(cache.bytes(), share->limit());
  EXPECT_LT(cache.size(), 2000u);
  EXPECT_TRUE(cache.Get("new").has_value());
  EXPECT_FALSE(cache.Get("s0").has_value());
}

}  // namespace
}  // namespace sales::eventsourcing
