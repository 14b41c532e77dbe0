#include "common/runtime/memory_release.h"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

// gperftools' C entry point, present only when tcmalloc is linked in (a weak reference is null
// otherwise).
extern "C" void MallocExtension_ReleaseFreeMemory() __attribute__((weak));

namespace sales::runtime {

void ReleaseFreeMemory() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0;
  int64_t resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

PeriodicMemoryRelease::PeriodicMemoryRelease(absl::Duration interval)
    : thread_([this, interval] {
        while (!stop_.WaitForNotificationWithTimeout(interval)) ReleaseFreeMemory();
      }) {}

PeriodicMemoryRelease::~PeriodicMemoryRelease() {
  stop_.Notify();
  thread_.join();
}

}  // namespace sales::runtime
