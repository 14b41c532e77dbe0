// ThreadCpuTime: the CPU time the calling thread has used so far (user + system,
// CLOCK_THREAD_CPUTIME_ID). The difference of two readings on one thread is what that thread
// spent in between, whatever else the machine was doing: what the projection runner reports as
// its cost per event (RunnerStats::live / catch_up). ProcessCpuTime: the same for the whole
// process, every thread together (CLOCK_PROCESS_CPUTIME_ID), as benchmarks and load generators
// compare what a part of the process took against it. CpuTally: the thread CPU spent in the
// functions run through it, added up (a background thread's cost per job).
#ifndef SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_
#define SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_

#include <time.h>

#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/time/time.h"

namespace sales::concurrency {

inline absl::Duration CpuTimeOfClock(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return absl::DurationFromTimespec(now);
}

inline absl::Duration ThreadCpuTime() { return CpuTimeOfClock(CLOCK_THREAD_CPUTIME_ID); }

inline absl::Duration ProcessCpuTime() { return CpuTimeOfClock(CLOCK_PROCESS_CPUTIME_ID); }

// Thread-safe: any thread may Count (each run adds its own thread's time) and read total().
class CpuTally {
 public:
  // Runs `function` and adds the CPU the calling thread spent in it; returns what it returns.
  template <typename Function>
  decltype(auto) Count(Function&& function) {
    const absl::Duration before = ThreadCpuTime();
    const absl::Cleanup add = [&] {
      nanos_.fetch_add(absl::ToInt64Nanoseconds(ThreadCpuTime() - before),
                       std::memory_order_relaxed);
    };
    return std::forward<Function>(function)();
  }
  absl::Duration total() const { return absl::Nanoseconds(nanos_.load(std::memory_order_relaxed)); }

 private:
  std::atomic<int64_t> nanos_{0};
};

}  // namespace sales::concurrency

#endif  // SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_
