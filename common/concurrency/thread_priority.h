// LowerThisThreadPriority: makes the calling thread yield the CPU to the process's other threads
// when every core is busy — the read side's followers (projection runners and their committers)
// yield to the command path, the way RocksDB lowers its compaction threads
// (Env::LowerThreadPoolCPUPriority). On an idle core it runs as fast as before; under load it
// falls a little behind and catches up in larger batches, which cost less per event.
//
// Linux keeps a nice value per thread (setpriority on the thread id): `niceness` (1–19) is
// added to the thread's current one, up to 19. Lowering needs no privilege; raising it back
// would, so it is for threads that stay background for their life. 0 does nothing.
#ifndef SALES_COMMON_CONCURRENCY_THREAD_PRIORITY_H_
#define SALES_COMMON_CONCURRENCY_THREAD_PRIORITY_H_

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sales::concurrency {

inline constexpr int kMaxNiceness = 19;

inline absl::Status LowerThisThreadPriority(int niceness) {
  if (niceness < 0 || niceness > kMaxNiceness) {
    return absl::InvalidArgumentError(
        absl::StrCat("niceness ", niceness, " is outside 0–", kMaxNiceness));
  }
  if (niceness == 0) return absl::OkStatus();
  const auto tid = static_cast<id_t>(gettid());
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (current == -1 && errno != 0) {
    return absl::InternalError(absl::StrCat("getpriority: ", std::strerror(errno)));
  }
  if (setpriority(PRIO_PROCESS, tid, std::min(current + niceness, kMaxNiceness)) != 0) {
    return absl::InternalError(absl::StrCat("setpriority: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace sales::concurrency

#endif  // SALES_COMMON_CONCURRENCY_THREAD_PRIORITY_H_
