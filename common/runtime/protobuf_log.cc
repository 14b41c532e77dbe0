#include "common/runtime/protobuf_log.h"

#include <cstdint>
#include <optional>
#include <string>

#include "common/log/log.h"
#include "common/log/rate_limiter.h"
#include "google/protobuf/stubs/logging.h"

namespace sales::runtime {
namespace {

log::LogRateLimiter& TheLimiter() {
  static auto* limiter = new log::LogRateLimiter(5);  // never destroyed: protobuf may log at exit
  return *limiter;
}

void Handle(google::protobuf::LogLevel level, const char* filename, int line,
            const std::string& message) {
  const std::optional<uint64_t> suppressed = TheLimiter().Admit();
  if (!suppressed.has_value()) return;
  const log::Level ours = level >= google::protobuf::LOGLEVEL_ERROR     ? log::Level::kError
                          : level == google::protobuf::LOGLEVEL_WARNING ? log::Level::kWarn
                                                                        : log::Level::kInfo;
  log::Log(ours, "protobuf.log",
           {{"message", message},
            {"file", filename == nullptr ? "" : filename},
            {"line", line},
            {"suppressed_before", *suppressed}});
}

}  // namespace

void RouteProtobufLogs(int per_second) {
  TheLimiter().SetPerSecond(per_second);
  google::protobuf::SetLogHandler(&Handle);
}

}  // namespace sales::runtime
