#include "common/storage/rocksdb_logger.h"

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log/log.h"

namespace sales::storage {
namespace {

class PlatformLogger final : public rocksdb::Logger {
 public:
  PlatformLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char buffer[1024];
    va_list copy;
    va_copy(copy, ap);
    const int length = std::vsnprintf(buffer, sizeof(buffer), format, copy);
    va_end(copy);
    if (length < 0) return;
    const std::string message(buffer,
                              std::min<size_t>(static_cast<size_t>(length), sizeof(buffer) - 1));
    log::Log(level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? log::Level::kError : log::Level::kWarn,
             "rocksdb", {{"message", message}});
  }
};

}  // namespace

absl::Status CreateDatabaseDirectory(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot create the database directory ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

std::shared_ptr<rocksdb::Logger> PlatformRocksLogger() {
  static const auto* const logger =
      new std::shared_ptr<rocksdb::Logger>(std::make_shared<PlatformLogger>());
  return *logger;
}

}  // namespace sales::storage
