// LogRateLimiter: at most `per_second` lines of one kind a second; the rest are counted, and the
// next line that passes says how many were dropped before it. For lines a client or a data stream
// can cause at any rate (malformed requests, skipped events), so that they cannot flood the log.
//
//   static LogRateLimiter* limiter = new LogRateLimiter(5);
//   if (std::optional<uint64_t> dropped = limiter->Admit()) {
//     log::Info("thing.happened", {{"suppressed_before", *dropped}, …});
//   }
//
// Thread-safety: Admit and SetPerSecond may be called from any thread.
#ifndef SALES_COMMON_LOG_RATE_LIMITER_H_
#define SALES_COMMON_LOG_RATE_LIMITER_H_

#include <cstdint>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sales::log {

class LogRateLimiter {
 public:
  explicit LogRateLimiter(int per_second) : per_second_(per_second) {}

  // nullopt: drop this line (counted). Else: log it, saying how many were dropped since the last
  // line that passed.
  std::optional<uint64_t> Admit();
  void SetPerSecond(int per_second);

 private:
  absl::Mutex mu_;
  int per_second_ ABSL_GUARDED_BY(mu_);
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int in_window_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sales::log

#endif  // SALES_COMMON_LOG_RATE_LIMITER_H_
