#include "common/runtime/memory_release.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"

// gperftools' C entry point, present only when tcmalloc is linked in (a weak reference is null
// otherwise).
extern "C" void MallocExtension_ReleaseFreeMemory() __attribute__((weak));
extern "C" int MallocExtension_GetNumericProperty(const char* property, size_t* value)
    __attribute__((weak));

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

int64_t HeapAllocatedBytes() {
  if (MallocExtension_GetNumericProperty != nullptr) {
    size_t bytes = 0;
    if (MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &bytes) != 0) {
      return static_cast<int64_t>(bytes);
    }
    return 0;
  }
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}

int64_t PeakResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    int64_t kilobytes = 0;
    if (absl::StartsWith(line, "VmHWM:") &&
        std::sscanf(line.c_str(), "VmHWM: %ld", &kilobytes) == 1) {
      return kilobytes * 1024;
    }
  }
  return 0;
}

}  // namespace sales::runtime
