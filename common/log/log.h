// Structured logging: one JSON object per line on stderr.
//
//   sales::log::Info("relay.published", {{"topic", topic}, {"count", 12}});
//   // {"ts":"2026-11-23T04:19:18.123Z","level":"info","msg":"relay.published",
//   //  "topic":"sales.leads.v1","count":12}          (one line)
//
// A line always holds "ts" (UTC, milliseconds), "level" and "msg", then the fields in the order
// given. Field values are strings, integers, doubles or bools. Strings (keys, messages and
// values) are escaped so that a line is always one valid JSON object: quotes, backslashes and
// control characters are escaped and bytes that are not valid UTF-8 become U+FFFD. Doubles that
// JSON cannot represent (NaN, ±Inf) are written as the strings "nan", "inf" and "-inf". Field
// keys should not repeat "ts", "level" or "msg" (the line would hold the key twice).
//
// Thread-safety: every function may be called from any thread. A line is formatted by the
// calling thread and handed to the sink whole, under a mutex, so lines never interleave.
#ifndef SALES_COMMON_LOG_LOG_H_
#define SALES_COMMON_LOG_LOG_H_

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sales::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error".
absl::string_view LevelName(Level level);

// A field's value. Implicitly constructible from the usual scalar types so that call sites can
// write {"count", 12}. A string value is NOT copied: it must outlive the logging call, which a
// temporary such as {"id", absl::StrCat(...)} does (it lives to the end of the full expression).
class FieldValue {
 public:
  FieldValue(absl::string_view s) : value_(s) {}                      // NOLINT: implicit by design
  FieldValue(const std::string& s) : value_(absl::string_view(s)) {}  // NOLINT
  FieldValue(std::string_view s) : value_(absl::string_view(s.data(), s.size())) {}  // NOLINT
  FieldValue(const char* s) : value_(absl::string_view(s)) {}                        // NOLINT
  FieldValue(bool b) : value_(b) {}                                                  // NOLINT
  FieldValue(double d) : value_(d) {}                                                // NOLINT
  FieldValue(float f) : value_(static_cast<double>(f)) {}                            // NOLINT
  template <std::signed_integral T>
  FieldValue(T i) : value_(static_cast<int64_t>(i)) {}  // NOLINT
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) FieldValue(T u) : value_(static_cast<uint64_t>(u)) {}  // NOLINT

  using Variant = std::variant<absl::string_view, bool, int64_t, uint64_t, double>;
  const Variant& value() const { return value_; }

 private:
  Variant value_;
};

struct Field {
  absl::string_view key;
  FieldValue value;
};

using Fields = std::initializer_list<Field>;

// Lines below this level are dropped before they are formatted. Default: kInfo.
void SetMinLevel(Level level);
Level MinLevel();

// Formats and writes one line if `level` is at least MinLevel().
void Log(Level level, absl::string_view msg, Fields fields = {});

inline void Debug(absl::string_view msg, Fields fields = {}) { Log(Level::kDebug, msg, fields); }
inline void Info(absl::string_view msg, Fields fields = {}) { Log(Level::kInfo, msg, fields); }
inline void Warn(absl::string_view msg, Fields fields = {}) { Log(Level::kWarn, msg, fields); }
inline void Error(absl::string_view msg, Fields fields = {}) { Log(Level::kError, msg, fields); }

// The line Log() would write at time `ts`, without the trailing newline. Exposed so that the
// format can be tested exactly.
std::string FormatLine(absl::Time ts, Level level, absl::string_view msg, Fields fields);

// Redirects every line (without its trailing newline) to `sink` instead of stderr; an empty
// function restores stderr. The sink is called under the logging mutex, one line at a time, and
// must not log itself.
void SetSinkForTesting(std::function<void(absl::string_view line)> sink);

}  // namespace sales::log

#endif  // SALES_COMMON_LOG_LOG_H_
