// PeriodicTask: runs a function every `interval` on a thread of its own until destroyed (the
// overdue scanners, the memory release). The first run is one interval after construction; the
// destructor waits for a run in progress to end.
//
//   PeriodicTask scanner(absl::Minutes(1), [this] { ScanOverdue(); });
//
// Thread-safety: construct and destroy from one thread; `task` runs on the task's thread only.
#ifndef SALES_COMMON_CONCURRENCY_PERIODIC_TASK_H_
#define SALES_COMMON_CONCURRENCY_PERIODIC_TASK_H_

#include <functional>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace sales::concurrency {

class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> task)
      : thread_([this, interval, task = std::move(task)] {
          while (!stop_.WaitForNotificationWithTimeout(interval)) task();
        }) {}
  ~PeriodicTask() {
    stop_.Notify();
    thread_.join();
  }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  absl::Notification stop_;  // before thread_: constructed before the thread reads it
  std::thread thread_;
};

}  // namespace sales::concurrency

#endif  // SALES_COMMON_CONCURRENCY_PERIODIC_TASK_H_
