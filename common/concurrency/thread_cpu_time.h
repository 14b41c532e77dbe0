// ThreadCpuTime: the CPU time the calling thread has used so far (user + system,
// CLOCK_THREAD_CPUTIME_ID). The difference of two readings on one thread is what that thread
// spent in between, whatever else the machine was doing: what the projection runner reports as
// its cost per event (RunnerStats::live / catch_up). ProcessCpuTime: the same for the whole
// process, every thread together (CLOCK_PROCESS_CPUTIME_ID), as benchmarks and load generators
// compare what a part of the process took against it.
#ifndef SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_
#define SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_

#include <time.h>

#include "absl/time/time.h"

namespace sales::concurrency {

inline absl::Duration CpuTimeOfClock(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return absl::DurationFromTimespec(now);
}

inline absl::Duration ThreadCpuTime() { return CpuTimeOfClock(CLOCK_THREAD_CPUTIME_ID); }

inline absl::Duration ProcessCpuTime() { return CpuTimeOfClock(CLOCK_PROCESS_CPUTIME_ID); }

}  // namespace sales::concurrency

#endif  // SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_
