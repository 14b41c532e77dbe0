#include "common/log/rate_limiter.h"

#include "absl/time/clock.h"

namespace sales::log {

std::optional<uint64_t> LogRateLimiter::Admit() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (now - window_start_ >= absl::Seconds(1)) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (++in_window_ > per_second_) {
    ++suppressed_;
    return std::nullopt;
  }
  const uint64_t suppressed = suppressed_;
  suppressed_ = 0;
  return suppressed;
}

void LogRateLimiter::SetPerSecond(int per_second) {
  absl::MutexLock lock(&mu_);
  per_second_ = per_second;
}

}  // namespace sales::log
