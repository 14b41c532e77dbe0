#include "common/concurrency/thread_priority.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "gtest/gtest.h"

namespace sales::concurrency {
namespace {

int NicenessOfThisThread() { return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); }

TEST(LowerThisThreadPriorityTest, LowersOnlyTheCallingThread) {
  const int process = NicenessOfThisThread();
  int lowered = process;
  std::thread background([&] {
    ASSERT_TRUE(LowerThisThreadPriority(3).ok());
    lowered = NicenessOfThisThread();
  });
  background.join();
  EXPECT_EQ(lowered, std::min(process + 3, kMaxNiceness));
  EXPECT_EQ(NicenessOfThisThread(), process);
}

TEST(LowerThisThreadPriorityTest, StopsAtTheLowestPriority) {
  int lowered = 0;
  std::thread background([&] {
    ASSERT_TRUE(LowerThisThreadPriority(15).ok());
    ASSERT_TRUE(LowerThisThreadPriority(15).ok());
    lowered = NicenessOfThisThread();
  });
  background.join();
  EXPECT_EQ(lowered, kMaxNiceness);
}

TEST(LowerThisThreadPriorityTest, ZeroChangesNothingAndOutOfRangeIsRefused) {
  const int process = NicenessOfThisThread();
  EXPECT_TRUE(LowerThisThreadPriority(0).ok());
  EXPECT_EQ(NicenessOfThisThread(), process);
  EXPECT_EQ(LowerThisThreadPriority(-1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LowerThisThreadPriority(20).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NicenessOfThisThread(), process);
}

}  // namespace
}  // namespace sales::concurrency
