// DemoClock: the clock a process gives its modules — the real clock, or a fixed distance behind
// it while demo data is written, so that seeded histories span past weeks.
//
//   DemoClock clock;
//   std::function<absl::Time()> now = [&clock] { return clock.Now(); };  // the modules' clock
//   clock.SetBehind(absl::Hours(24 * 28));  ... seed ...  clock.SetBehind(absl::ZeroDuration());
//
// Thread-safety: Now and SetBehind may be called from any thread.
#ifndef SALES_COMMON_RUNTIME_DEMO_CLOCK_H_
#define SALES_COMMON_RUNTIME_DEMO_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sales::runtime {

class DemoClock {
 public:
  absl::Time Now() const { return absl::Now() - absl::Milliseconds(behind_ms_.load()); }
  void SetBehind(absl::Duration behind) { behind_ms_.store(absl::ToInt64Milliseconds(behind)); }

 private:
  std::atomic<int64_t> behind_ms_{0};
};

// The actor of every demo command.
inline constexpr char kDemoActor[] = "system:demo";

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_DEMO_CLOCK_H_
