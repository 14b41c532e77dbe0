// Returning freed memory to the operating system. Allocators keep what a burst freed (a flood of
// reset gRPC streams peaks at ~5 KB per stream: 20,000 of them took RSS up by 100–300 MB, and
// it stayed there although nothing used it any more). A process releases it every few seconds.
//
//   PeriodicMemoryRelease release(absl::Seconds(5));  // for the life of the process
//   ReleaseFreeMemory();                               // once, now
//
// Works with the allocator the process runs on: tcmalloc (gperftools' ReleaseFreeMemory, when it
// is linked in) or glibc's malloc (malloc_trim); under a sanitizer's allocator it does nothing.
// ResidentBytes: the process's resident set, for load generators and tests that watch memory.
// Thread-safe.
#ifndef SALES_COMMON_RUNTIME_MEMORY_RELEASE_H_
#define SALES_COMMON_RUNTIME_MEMORY_RELEASE_H_

#include <cstdint>

#include "absl/time/time.h"
#include "common/concurrency/periodic_task.h"

namespace sales::runtime {

void ReleaseFreeMemory();

// The process's resident memory in bytes (/proc/self/statm), 0 when it cannot be read.
int64_t ResidentBytes();
// Bytes the program has allocated and not freed (the allocator's own count: what RSS holds
// beyond it is the allocator's free lists, fragmentation, thread stacks and code).
int64_t HeapAllocatedBytes();
// The most the process's resident set has been since it started (VmHWM), 0 when unknown.
int64_t PeakResidentBytes();

// Calls ReleaseFreeMemory every `interval` on a thread of its own until destroyed.
class PeriodicMemoryRelease {
 public:
  explicit PeriodicMemoryRelease(absl::Duration interval)
      : task_(interval, [] { ReleaseFreeMemory(); }) {}

 private:
  concurrency::PeriodicTask task_;
};

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_MEMORY_RELEASE_H_
