#include "common/runtime/protobuf_log.h"

#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "google/protobuf/stubs/logging.h"

namespace sales::runtime {
namespace {

// The rate limit's state: one window of a second.
struct Limiter {
  absl::Mutex mu;
  int per_second = 5;
  absl::Time window_start ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  int in_window ABSL_GUARDED_BY(mu) = 0;
  uint64_t suppressed ABSL_GUARDED_BY(mu) = 0;
};

Limiter& TheLimiter() {
  static Limiter* limiter = new Limiter();  // never destroyed: protobuf may log at exit
  return *limiter;
}

void Handle(google::protobuf::LogLevel level, const char* filename, int line,
            const std::string& message) {
  Limiter& limiter = TheLimiter();
  uint64_t suppressed = 0;
  {
    absl::MutexLock lock(&limiter.mu);
    const absl::Time now = absl::Now();
    if (now - limiter.window_start >= absl::Seconds(1)) {
      limiter.window_start = now;
      limiter.in_window = 0;
    }
    if (++limiter.in_window > limiter.per_second) {
      ++limiter.suppressed;
      return;
    }
    suppressed = limiter.suppressed;
    limiter.suppressed = 0;
  }
  const log::Level ours = level >= google::protobuf::LOGLEVEL_ERROR     ? log::Level::kError
                          : level == google::protobuf::LOGLEVEL_WARNING ? log::Level::kWarn
                                                                        : log::Level::kInfo;
  log::Log(ours, "protobuf.log",
           {{"message", message},
            {"file", filename == nullptr ? "" : filename},
            {"line", line},
            {"suppressed_before", suppressed}});
}

}  // namespace

void RouteProtobufLogs(int per_second) {
  {
    Limiter& limiter = TheLimiter();
    absl::MutexLock lock(&limiter.mu);
    limiter.per_second = per_second;
  }
  google::protobuf::SetLogHandler(&Handle);
}

}  // namespace sales::runtime
