#include "common/projection/watch_hub.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/testing/v1/test_events.pb.h"

namespace sales::projection {
namespace {

using ::sales::testing::v1::CounterIncremented;
using ::testing::ElementsAre;

constexpr absl::Duration kDeadline = absl::Seconds(20);

// Polls `condition` until it holds or kDeadline passes.
bool Eventually(const std::function<bool()>& condition) {
  const absl::Time deadline = absl::Now() + kDeadline;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

// The read model: one counter; a subscriber's view is a CounterIncremented holding its value.
class Counter {
 public:
  void Set(int64_t value) { value_.store(value); }
  absl::StatusOr<CounterIncremented> View() {
    computes_.fetch_add(1);
    CounterIncremented view;
    view.set_by(value_.load());
    return view;
  }
  int computes() const { return computes_.load(); }

 private:
  std::atomic<int64_t> value_{0};
  std::atomic<int> computes_{0};
};

// Records what a subscriber receives. Acknowledges each view at once, or, when manual, keeps
// the `sent` callback until Ack().
class RecordingSink {
 public:
  explicit RecordingSink(bool manual_ack = false) : manual_ack_(manual_ack) {}

  void Deliver(const CounterIncremented& view, WatchSent sent) {
    {
      absl::MutexLock lock(&mu_);
      values_.push_back(view.by());
      if (manual_ack_) {
        unacked_ = std::move(sent);
        return;
      }
    }
    sent();
  }
  void End(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    ended_ = status;
  }
  void Ack() {
    WatchSent sent;
    {
      absl::MutexLock lock(&mu_);
      sent = std::move(unacked_);
    }
    ASSERT_TRUE(sent);
    sent();
  }
  std::vector<int64_t> values() const {
    absl::MutexLock lock(&mu_);
    return values_;
  }
  std::optional<absl::Status> ended() const {
    absl::MutexLock lock(&mu_);
    return ended_;
  }

 private:
  const bool manual_ack_;
  mutable absl::Mutex mu_;
  std::vector<int64_t> values_ ABSL_GUARDED_BY(mu_);
  WatchSent unacked_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Status> ended_ ABSL_GUARDED_BY(mu_);
};

WatchSubscriber<CounterIncremented> Subscriber(Counter& counter, RecordingSink& sink) {
  return {.compute = [&counter] { return counter.View(); },
          .deliver = [&sink](const CounterIncremented& view,
                             WatchSent sent) { sink.Deliver(view, std::move(sent)); },
          .end = [&sink](const absl::Status& status) { sink.End(status); }};
}

// Sets the counter and reports a batch, as ProjectionRunner would after a commit.
void Apply(WatchHub<CounterIncremented>& hub, Counter& counter, int64_t value) {
  counter.Set(value);
  hub.OnBatch(AppliedBatch{.applied_total = static_cast<uint64_t>(value)});
}

TEST(WatchHubTest, DeliversSnapshotThenChangedViews) {
  Counter counter;
  counter.Set(5);
  RecordingSink sink;
  WatchHub<CounterIncremented> hub;  // after the sinks: its destructor ends their subscriptions
  hub.Subscribe(Subscriber(counter, sink));
  ASSERT_TRUE(Eventually([&] { return sink.values().size() == 1; }));
  EXPECT_THAT(sink.values(), ElementsAre(5));

  Apply(hub, counter, 6);
  ASSERT_TRUE(Eventually([&] { return sink.values().size() == 2; }));
  EXPECT_THAT(sink.values(), ElementsAre(5, 6));
}

TEST(WatchHubTest, UnchangedViewIsNotDeliveredAgain) {
  Counter counter;
  RecordingSink sink;
  WatchHub<CounterIncremented> hub;  // after the sinks: its destructor ends their subscriptions
  hub.Subscribe(Subscriber(counter, sink));
  ASSERT_TRUE(Eventually([&] { return sink.values().size() == 1; }));

  const int computes = counter.computes();
  hub.OnBatch(AppliedBatch{});  // the counter did not change
  ASSERT_TRUE(Eventually([&] { return counter.computes() == computes + 1; }));
  Apply(hub, counter, 1);
  ASSERT_TRUE(Eventually([&] { return sink.values().size() == 2; }));
  EXPECT_THAT(sink.values(), ElementsAre(0, 1));
}

TEST(WatchHubTest, UnaffectedSubscriberIsNotRecomputed) {
  Counter ignoring_counter;
  Counter watching_counter;
  RecordingSink ignoring;
  RecordingSink watching;
  WatchHub<CounterIncremented> hub;
  WatchSubscriber<CounterIncremented> ignoring_subscriber = Subscriber(ignoring_counter, ignoring);
  ignoring_subscriber.affected = [](const AppliedBatch&) { return false; };
  hub.Subscribe(std::move(ignoring_subscriber));  // queued before `watching` by every batch
  hub.Subscribe(Subscriber(watching_counter, watching));
  ASSERT_TRUE(Eventually([&] { return watching.values().size() == 1; }));
  ASSERT_TRUE(Eventually([&] { return ignoring.values().size() == 1; }));

  hub.OnBatch(AppliedBatch{});
  ASSERT_TRUE(Eventually([&] { return watching_counter.computes() == 2; }));
  EXPECT_EQ(ignoring_counter.computes(), 1);
}

TEST(WatchHubTest, StalledSinkGetsOnlyTheLatestViewWhileOthersGetEvery) {
  Counter counter;
  RecordingSink stalled(/*manual_ack=*/true);
  RecordingSink prompt;
  WatchHub<CounterIncremented> hub;
  hub.Subscribe(Subscriber(counter, stalled));
  hub.Subscribe(Subscriber(counter, prompt));
  ASSERT_TRUE(Eventually([&] { return stalled.values().size() == 1; }));
  // Both snapshots first: a snapshot computed after the first batch would already show it, and
  // that batch would then change nothing the prompt sink sees (seen once under TSan).
  ASSERT_TRUE(Eventually([&] { return prompt.values().size() == 1; }));

  for (int64_t value = 1; value <= 20; ++value) {
    Apply(hub, counter, value);
    ASSERT_TRUE(Eventually([&] {
      return prompt.values().size() == static_cast<size_t>(value + 1);
    })) << "value "
        << value;
  }
  EXPECT_EQ(prompt.values().back(), 20);
  EXPECT_THAT(stalled.values(), ElementsAre(0));

  stalled.Ack();  // the client caught up
  ASSERT_TRUE(Eventually([&] { return stalled.values().size() == 2; }));
  EXPECT_THAT(stalled.values(), ElementsAre(0, 20));
}

TEST(WatchHubTest, OnBatchAndUnsubscribeDoNotWaitForABlockedSink) {
  Counter counter;
  WatchHub<CounterIncremented> hub;
  absl::Notification in_sink;
  absl::Notification release;
  hub.Subscribe({.compute = [&counter] { return counter.View(); },
                 .deliver =
                     [&](const CounterIncremented&, WatchSent sent) {
                       // Breaks the "must not block" contract on purpose: the hub thread is
                       // stuck here until the test releases it.
                       if (!in_sink.HasBeenNotified()) in_sink.Notify();
                       release.WaitForNotification();
                       sent();
                     },
                 .end = [](const absl::Status&) {}});
  RecordingSink other;
  const uint64_t other_id = hub.Subscribe(Subscriber(counter, other));
  ASSERT_TRUE(in_sink.WaitForNotificationWithTimeout(kDeadline));

  // Run on another thread so that a wait would fail the test instead of hanging it.
  std::future<void> calls = std::async(std::launch::async, [&] {
    for (int64_t value = 1; value <= 100; ++value) Apply(hub, counter, value);
    hub.Unsubscribe(other_id);
  });
  const bool returned =
      calls.wait_for(absl::ToChronoSeconds(kDeadline)) == std::future_status::ready;
  release.Notify();
  EXPECT_TRUE(returned) << "OnBatch or Unsubscribe waited for a blocked sink";
  calls.wait();
  EXPECT_TRUE(other.values().empty());  // unsubscribed before the hub thread got to it
}

TEST(WatchHubTest, PluggableEqualityDecidesWhatIsAChange) {
  // Views equal when they fall in the same decade.
  auto same_decade = [](const int64_t& a, const int64_t& b) { return a / 10 == b / 10; };
  std::atomic<int64_t> value{0};
  absl::Mutex mu;
  std::vector<int64_t> received;
  WatchHub<int64_t, decltype(same_decade)> hub(same_decade);
  hub.Subscribe({.compute = [&]() -> absl::StatusOr<int64_t> { return value.load(); },
                 .deliver =
                     [&](int64_t view, WatchSent sent) {
                       {
                         absl::MutexLock lock(&mu);
                         received.push_back(view);
                       }
                       sent();
                     },
                 .end = [](const absl::Status&) {}});
  auto received_count = [&] {
    absl::MutexLock lock(&mu);
    return received.size();
  };
  ASSERT_TRUE(Eventually([&] { return received_count() == 1; }));
  for (int64_t next : {3, 9, 12}) {
    value.store(next);
    hub.OnBatch(AppliedBatch{});
  }
  ASSERT_TRUE(Eventually([&] { return received_count() == 2; }));
  absl::MutexLock lock(&mu);
  EXPECT_THAT(received, ElementsAre(0, 12));
}

TEST(WatchHubTest, ComputeErrorEndsTheSubscriber) {
  RecordingSink sink;
  WatchHub<CounterIncremented> hub;
  hub.Subscribe({.compute = []() -> absl::StatusOr<CounterIncremented> {
                   return absl::DataLossError("corrupt row");
                 },
                 .deliver = [&sink](const CounterIncremented& view,
                                    WatchSent sent) { sink.Deliver(view, std::move(sent)); },
                 .end = [&sink](const absl::Status& status) { sink.End(status); }});
  ASSERT_TRUE(Eventually([&] { return sink.ended().has_value(); }));
  EXPECT_EQ(sink.ended()->code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(sink.values().empty());
  EXPECT_TRUE(Eventually([&] { return hub.size() == 0; }));
}

TEST(WatchHubTest, ShutdownEndsSubscribersWithUnavailable) {
  Counter counter;
  WatchHub<CounterIncremented> hub;
  RecordingSink before;
  hub.Subscribe(Subscriber(counter, before));
  ASSERT_TRUE(Eventually([&] { return before.values().size() == 1; }));
  hub.Shutdown();
  ASSERT_TRUE(before.ended().has_value());
  EXPECT_EQ(before.ended()->code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(hub.size(), 0);

  RecordingSink after;
  hub.Subscribe(Subscriber(counter, after));
  ASSERT_TRUE(after.ended().has_value());
  EXPECT_EQ(after.ended()->code(), absl::StatusCode::kUnavailable);
  hub.OnBatch(AppliedBatch{});  // ignored
}

// Subscribers come and go while batches stream in and acks arrive late from another thread;
// after Unsubscribe returns, none of a subscriber's callbacks may run (checked by the callbacks
// themselves, and by AddressSanitizer builds for the memory).
TEST(WatchHubTest, UnsubscribeDuringActivityIsSafe) {
  Counter counter;
  WatchHub<CounterIncremented> hub;
  std::atomic<bool> stop{false};
  std::atomic<int> late_calls{0};
  absl::Mutex acks_mu;
  std::vector<WatchSent> acks;  // `sent` callbacks, run late (possibly after Unsubscribe)

  std::thread batches([&] {
    for (int64_t value = 1; !stop.load(); ++value) {
      Apply(hub, counter, value);
      std::this_thread::yield();
    }
  });
  std::thread acker([&] {
    while (!stop.load()) {
      std::vector<WatchSent> due;
      {
        absl::MutexLock lock(&acks_mu);
        due.swap(acks);
      }
      for (WatchSent& sent : due) sent();
      std::this_thread::yield();
    }
  });

  for (int round = 0; round < 300; ++round) {
    auto unsubscribed = std::make_shared<std::atomic<bool>>(false);
    auto delivered = std::make_shared<std::atomic<int>>(0);
    const uint64_t id =
        hub.Subscribe({.compute =
                           [&counter, unsubscribed, &late_calls] {
                             if (unsubscribed->load()) late_calls.fetch_add(1);
                             return counter.View();
                           },
                       .deliver =
                           [&, unsubscribed, delivered](const CounterIncremented&, WatchSent sent) {
                             if (unsubscribed->load()) late_calls.fetch_add(1);
                             delivered->fetch_add(1);
                             absl::MutexLock lock(&acks_mu);
                             acks.push_back(std::move(sent));
                           },
                       .end = [&late_calls](const absl::Status&) { late_calls.fetch_add(1); },
                       .affected =
                           [unsubscribed, &late_calls](const AppliedBatch&) {
                             if (unsubscribed->load()) late_calls.fetch_add(1);
                             return true;
                           }});
    if (round % 2 == 0) {
      ASSERT_TRUE(Eventually([&] { return delivered->load() > 0; }));
    }
    hub.Unsubscribe(id);
    unsubscribed->store(true);
  }
  stop.store(true);
  batches.join();
  acker.join();
  EXPECT_EQ(late_calls.load(), 0);
  EXPECT_EQ(hub.size(), 0);
}

}  // namespace
}  // namespace sales::projection
