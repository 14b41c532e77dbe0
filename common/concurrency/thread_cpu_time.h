// ThreadCpuTime: the CPU time the calling thread has used so far (user + system,
// CLOCK_THREAD_CPUTIME_ID). The difference of two readings on one thread is what that thread
// spent in between, whatever else the machine was doing: what the projection runner reports as
// its cost per event (RunnerStats::live / catch_up).
#ifndef SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_
#define SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_

#include <time.h>

#include "absl/time/time.h"

namespace sales::concurrency {

inline absl::Duration ThreadCpuTime() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return absl::DurationFromTimespec(now);
}

}  // namespace sales::concurrency

#endif  // SALES_COMMON_CONCURRENCY_THREAD_CPU_TIME_H_
