#include "common/eventstore/append_signal.h"

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "common/eventstore/notifying_event_store.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gtest/gtest.h"

namespace sales::eventstore {
namespace {

TEST(AppendSignalTest, NotifiesEverySubscriberUntilItsSubscriptionEnds) {
  AppendSignal signal;
  int first = 0;
  int second = 0;
  AppendSignal::Subscription a = signal.Subscribe([&] { ++first; });
  {
    AppendSignal::Subscription b = signal.Subscribe([&] { ++second; });
    signal.Notify();
  }  // b ends
  signal.Notify();
  a.Cancel();
  signal.Notify();
  EXPECT_EQ(first, 2);
  EXPECT_EQ(second, 1);
}

TEST(AppendSignalTest, AMovedSubscriptionStaysSubscribedOnce) {
  AppendSignal signal;
  int calls = 0;
  AppendSignal::Subscription moved;
  {
    AppendSignal::Subscription original = signal.Subscribe([&] { ++calls; });
    moved = std::move(original);
  }  // the moved-from original cancels nothing
  signal.Notify();
  EXPECT_EQ(calls, 1);
}

TEST(NotifyingEventStoreTest, RaisesTheSignalAfterEachNewAppendOnly) {
  sales::testing::TempDir dir;
  auto opened = EventStore::Open({.path = dir.path() + "/events", .service = "test"});
  ASSERT_TRUE(opened.ok()) << opened.status();
  AppendSignal signal;
  NotifyingEventStore store(*std::move(opened), &signal);
  std::atomic<int> raised{0};
  AppendSignal::Subscription subscription = signal.Subscribe([&] { ++raised; });

  auto append = [&](const std::string& key) {
    AppendRequest request{.stream_id = "lead-1", .idempotency_key = key};
    request.events.push_back(sales::testing::TextEvent("captured"));
    return store.Append(std::move(request));
  };
  ASSERT_TRUE(append("k1").ok());
  EXPECT_EQ(raised, 1);
  absl::StatusOr<AppendResult> replay = append("k1");
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->deduplicated);
  EXPECT_EQ(raised, 1) << "a replay writes nothing and wakes nobody";

  AppendRequest conflicting{.stream_id = "lead-1", .expected_version = 7};
  conflicting.events.push_back(sales::testing::TextEvent("late"));
  EXPECT_EQ(store.Append(std::move(conflicting)).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(raised, 1) << "a refused append wakes nobody";

  MultiAppendRequest both;
  both.appends.push_back({.stream_id = "lead-2"});
  both.appends.back().events.push_back(sales::testing::TextEvent("a"));
  ASSERT_TRUE(store.AppendAll(std::move(both)).ok());
  EXPECT_EQ(raised, 2);
  EXPECT_EQ(store.HeadPosition(), 2u);
}

}  // namespace
}  // namespace sales::eventstore
