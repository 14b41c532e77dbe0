#include "common/eventsourcing/multi_stream_command.h"

#include <atomic>
#include <thread>

#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/testing/v1/test_events.pb.h"

namespace sales::eventsourcing {
namespace {

using ::sales::testing::v1::CounterEvent;

struct Counter {
  int64_t value = 0;
};

Counter Evolve(Counter counter, const CounterEvent& event) {
  if (event.has_incremented()) counter.value += event.incremented().by();
  return counter;
}

std::vector<CounterEvent> By(int64_t by) {
  std::vector<CounterEvent> events(1);
  events[0].mutable_incremented()->set_by(by);
  return events;
}

class MultiStreamCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *eventstore::EventStore::Open({.path = dir_.path(), .service = "test"});
    // "a" starts at 10, "b" at 0.
    ASSERT_TRUE(Transfer({.stream_id = "a"}, "", "a", -10).ok());
  }

  // Moves `amount` from `from` to `to` (refused when `from` would go negative); an empty `from`
  // creates units in `to`.
  absl::StatusOr<MultiStreamOutcome> Transfer(const CommandOptions& options,
                                              const std::string& from, const std::string& to,
                                              int64_t amount) {
    return ExecuteMultiStreamCommand(*store_, options, [&](StreamSet& streams) -> absl::Status {
      ASSIGN_OR_RETURN(auto target, streams.Load<CounterEvent>(to, Counter(), &Evolve, &cache_));
      if (from.empty()) return streams.Append(to, By(-amount), "deal-1");
      ASSIGN_OR_RETURN(auto source, streams.Load<CounterEvent>(from, Counter(), &Evolve, &cache_));
      if (source->value < amount) {
        return absl::FailedPreconditionError("rule insufficient: not enough to move");
      }
      RETURN_IF_ERROR(streams.Append(from, By(-amount), "deal-1"));
      return streams.Append(to, By(amount), "deal-1");
    });
  }

  int64_t Value(const std::string& stream) {
    return LoadAggregate<CounterEvent>(*store_, stream, Counter(), &Evolve)->state->value;
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  AggregateCache<Counter> cache_{size_t{1} << 20};
};

TEST_F(MultiStreamCommandTest, AppendsToEveryStreamAtOnceWithTheirVersionsAndMetadata) {
  auto moved = Transfer({.stream_id = "a", .metadata = {.actor = "user:test"}}, "a", "b", 3);
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_EQ(moved->results.size(), 2u);
  EXPECT_EQ(moved->version, 2u);  // "a" after its second event
  EXPECT_EQ(moved->results[0].last_position + 1, moved->results[1].first_position);  // one append
  EXPECT_EQ(Value("a"), 7);
  EXPECT_EQ(Value("b"), 3);
  auto events = store_->ReadStream("b", 1, 10);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().actor(), "user:test");
  EXPECT_EQ(events->front().deal_id(), "deal-1");

  // A refusal writes nothing to any stream.
  auto refused = Transfer({.stream_id = "a"}, "a", "b", 8);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->HeadPosition(), 3u);
}

TEST_F(MultiStreamCommandTest, APinnedVersionThatMovedIsAbortedAndAReplayedKeyWritesNothing) {
  auto pinned = Transfer({.stream_id = "a", .expected_version = 5}, "a", "b", 1);
  EXPECT_EQ(pinned.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Value("a"), 10);

  const CommandOptions keyed{
      .stream_id = "a", .idempotency_key = "move-1", .idempotency_fingerprint = "a->b 2"};
  auto first = Transfer(keyed, "a", "b", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  auto replay = Transfer(keyed, "a", "b", 2);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->deduplicated);
  EXPECT_EQ(replay->version, first->version);
  // The command's own stream is appended first even when decided last: a replay answers its
  // version.
  const CommandOptions into_b{
      .stream_id = "b", .idempotency_key = "move-2", .idempotency_fingerprint = "a->b 1"};
  auto own_last = Transfer(into_b, "a", "b", 1);
  ASSERT_TRUE(own_last.ok()) << own_last.status();
  auto own_last_replay = Transfer(into_b, "a", "b", 1);
  ASSERT_TRUE(own_last_replay.ok());
  EXPECT_EQ(own_last_replay->version, own_last->version);
  EXPECT_EQ(own_last->version, 2u);  // "b" after its second event
  EXPECT_EQ(Value("a"), 7);
  EXPECT_EQ(Value("b"), 3);
}

TEST_F(MultiStreamCommandTest, AppendingToAStreamNotLoadedIsRefused) {
  auto outcome = ExecuteMultiStreamCommand(*store_, {.stream_id = "a"}, [&](StreamSet& streams) {
    return streams.Append("never-loaded", By(1), "");
  });
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInternal);
  auto nothing = ExecuteMultiStreamCommand(*store_, {.stream_id = "a"},
                                           [&](StreamSet&) { return absl::OkStatus(); });
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->results.empty());
}

TEST_F(MultiStreamCommandTest, ConcurrentTransfersRetryAndConserveTheTotal) {
  constexpr int kThreads = 4;
  constexpr int kTransfers = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTransfers; ++i) {
        // Half move a → b, half b → a; a refusal for lack of units is a correct answer.
        auto moved = t % 2 == 0 ? Transfer({.stream_id = "a", .max_attempts = 100}, "a", "b", 1)
                                : Transfer({.stream_id = "b", .max_attempts = 100}, "b", "a", 1);
        if (!moved.ok() && moved.status().code() != absl::StatusCode::kFailedPrecondition) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Value("a") + Value("b"), 10);
  EXPECT_GE(Value("a"), 0);
  EXPECT_GE(Value("b"), 0);
}

TEST_F(MultiStreamCommandTest, AMalformedCommandOnAMovedPinIsRefusedAsMalformed) {
  auto malformed = ExecuteMultiStreamCommand(
      *store_, {.stream_id = "a", .expected_version = 5}, [&](StreamSet& streams) -> absl::Status {
        RETURN_IF_ERROR(streams.Load<CounterEvent>("a", Counter(), &Evolve, &cache_).status());
        return absl::InvalidArgumentError("field amount: must be positive");
      });
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
}

// A stream read twice by one decision, moved by another writer in between: the attempt is
// decided again on what is there now, never appended at a version it did not decide on.
TEST_F(MultiStreamCommandTest, AStreamThatMovedBetweenTwoLoadsIsDecidedAgain) {
  int attempts = 0;
  auto moved = ExecuteMultiStreamCommand(
      *store_, {.stream_id = "b"}, [&](StreamSet& streams) -> absl::Status {
        ++attempts;
        ASSIGN_OR_RETURN(auto first, streams.Load<CounterEvent>("a", Counter(), &Evolve));
        if (attempts == 1) {
          // Another writer takes 4 from "a" meanwhile.
          EXPECT_TRUE(Transfer({.stream_id = "a"}, "a", "c", 4).ok());
        }
        ASSIGN_OR_RETURN(auto again, streams.Load<CounterEvent>("a", Counter(), &Evolve));
        RETURN_IF_ERROR(streams.Load<CounterEvent>("b", Counter(), &Evolve).status());
        RETURN_IF_ERROR(streams.Append("a", By(-first->value), ""));
        return streams.Append("b", By(first->value), "");
      });
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(Value("a"), 0);
  EXPECT_EQ(Value("b"), 6);  // what was left, not the 10 the first attempt saw
  EXPECT_EQ(Value("c"), 4);
}

}  // namespace
}  // namespace sales::eventsourcing
