// NameThisThread: names the calling thread for top -H, perf and gdb (Linux keeps 15 bytes; the
// rest is cut). Background threads of the platform are named "<role>:<what>", e.g.
// "proj:funnel" (a projection runner) and "commit:funnel" (its store's committer).
#ifndef SALES_COMMON_CONCURRENCY_THREAD_NAME_H_
#define SALES_COMMON_CONCURRENCY_THREAD_NAME_H_

#include <pthread.h>

#include <string>

#include "absl/strings/string_view.h"

namespace sales::concurrency {

inline void NameThisThread(absl::string_view name) {
  constexpr size_t kLinuxLimit = 15;
  const std::string cut(name.substr(0, kLinuxLimit));
  pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace sales::concurrency

#endif  // SALES_COMMON_CONCURRENCY_THREAD_NAME_H_
