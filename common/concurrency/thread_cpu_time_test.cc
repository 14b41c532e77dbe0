#include "common/concurrency/thread_cpu_time.h"

#include <cstdint>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sales::concurrency {
namespace {

// Spins until the calling thread has used `cpu` more CPU; returns how often it looped.
int64_t Spin(absl::Duration cpu) {
  const absl::Duration until = ThreadCpuTime() + cpu;
  int64_t loops = 0;
  while (ThreadCpuTime() < until) ++loops;
  return loops;
}

TEST(CpuTallyTest, AddsWhatEachRunSpentAndReturnsTheFunctionsValue) {
  CpuTally tally;
  EXPECT_EQ(tally.total(), absl::ZeroDuration());
  EXPECT_GT(tally.Count([] { return Spin(absl::Milliseconds(20)); }), 0);
  tally.Count([] { Spin(absl::Milliseconds(20)); });
  EXPECT_GE(tally.total(), absl::Milliseconds(40));
  EXPECT_LT(tally.total(), absl::Seconds(5));  // not the process's nor the wall's time
}

TEST(CpuTallyTest, CountsOnlyTheCallingThreadsCpuWhileItWaits) {
  CpuTally tally;
  tally.Count([] { absl::SleepFor(absl::Milliseconds(100)); });
  EXPECT_LT(tally.total(), absl::Milliseconds(50));  // asleep: next to no CPU
}

TEST(CpuTallyTest, RunsFromSeveralThreadsAddUp) {
  CpuTally tally;
  std::thread first([&] { tally.Count([] { Spin(absl::Milliseconds(20)); }); });
  std::thread second([&] { tally.Count([] { Spin(absl::Milliseconds(20)); }); });
  first.join();
  second.join();
  EXPECT_GE(tally.total(), absl::Milliseconds(40));
}

}  // namespace
}  // namespace sales::concurrency
