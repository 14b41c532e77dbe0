#include "common/concurrency/executor.h"

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sales::concurrency {
namespace {

TEST(ExecutorTest, RunsEveryScheduledTask) {
  Executor executor(3);
  constexpr int kTasks = 1000;
  std::atomic<int> runs{0};
  absl::BlockingCounter done(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_TRUE(executor
                    .Schedule([&] {
                      runs.fetch_add(1);
                      done.DecrementCount();
                    })
                    .ok());
  }
  done.Wait();
  EXPECT_EQ(runs.load(), kTasks);
}

TEST(ExecutorTest, RunsTasksOnItsOwnThreadsInParallel) {
  Executor executor(2);
  EXPECT_EQ(executor.num_threads(), 2u);
  // Two tasks that each wait for the other can only both finish if two workers run them.
  absl::Notification first_started, second_started;
  absl::BlockingCounter done(2);
  std::thread::id worker_ids[2];
  ASSERT_TRUE(executor
                  .Schedule([&] {
                    worker_ids[0] = std::this_thread::get_id();
                    first_started.Notify();
                    EXPECT_TRUE(second_started.WaitForNotificationWithTimeout(absl::Seconds(20)));
                    done.DecrementCount();
                  })
                  .ok());
  ASSERT_TRUE(executor
                  .Schedule([&] {
                    worker_ids[1] = std::this_thread::get_id();
                    second_started.Notify();
                    EXPECT_TRUE(first_started.WaitForNotificationWithTimeout(absl::Seconds(20)));
                    done.DecrementCount();
                  })
                  .ok());
  done.Wait();
  EXPECT_NE(worker_ids[0], worker_ids[1]);
  EXPECT_NE(worker_ids[0], std::this_thread::get_id());
}

TEST(ExecutorTest, ZeroThreadsMeansOne) {
  Executor executor(0);
  EXPECT_EQ(executor.num_threads(), 1u);
  absl::Notification ran;
  ASSERT_TRUE(executor.Schedule([&] { ran.Notify(); }).ok());
  EXPECT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(20)));
}

TEST(ExecutorTest, ShutdownRunsQueuedTasksThenRefusesNewOnes) {
  Executor executor(1);
  absl::Notification release;
  std::atomic<int> runs{0};
  // The first task holds the only worker, so the next ones are still queued at Shutdown().
  ASSERT_TRUE(executor
                  .Schedule([&] {
                    release.WaitForNotification();
                    runs.fetch_add(1);
                  })
                  .ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(executor.Schedule([&] { runs.fetch_add(1); }).ok());
  std::thread shutdown([&] { executor.Shutdown(); });
  // Shutdown() refuses new work as soon as it has begun; poll until it has. Tasks accepted
  // before that are queued and must run too.
  int accepted_while_polling = 0;
  absl::Status refused;
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    refused = executor.Schedule([&] { runs.fetch_add(1); });
    if (!refused.ok()) break;
    ++accepted_while_polling;
    absl::SleepFor(absl::Milliseconds(1));
  }
  release.Notify();
  shutdown.join();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(runs.load(), 11 + accepted_while_polling);
  executor.Shutdown();  // idempotent
}

TEST(ExecutorTest, TaskMayScheduleFollowUpWork) {
  Executor executor(1);
  absl::Notification follow_up_ran;
  ASSERT_TRUE(
      executor
          .Schedule([&] { ASSERT_TRUE(executor.Schedule([&] { follow_up_ran.Notify(); }).ok()); })
          .ok());
  EXPECT_TRUE(follow_up_ran.WaitForNotificationWithTimeout(absl::Seconds(20)));
}

TEST(ExecutorTest, AcceptsMoveOnlyTasks) {
  Executor executor(1);
  auto value = std::make_unique<int>(42);
  absl::Notification ran;
  int seen = 0;
  ASSERT_TRUE(executor
                  .Schedule([value = std::move(value), &seen, &ran] {
                    seen = *value;
                    ran.Notify();
                  })
                  .ok());
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(20)));
  EXPECT_EQ(seen, 42);
}

}  // namespace
}  // namespace sales::concurrency
