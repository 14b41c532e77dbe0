#include "common/log/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace sales::log {
namespace {

std::atomic<Level> min_level{Level::kInfo};

// Where lines go. Leaked on purpose: logging must keep working during static destruction.
struct Output {
  absl::Mutex mu;
  std::function<void(absl::string_view)> sink ABSL_GUARDED_BY(mu);
};

Output& GetOutput() {
  static Output* output = new Output;
  return *output;
}

// Writes all of `data` to stderr with write(2) directly (not stdio), so that the line goes out in
// as few system calls as possible and cannot sit in a buffer at a crash.
void WriteToStderr(absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(STDERR_FILENO, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // Nowhere left to report the failure.
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// Length of the well-formed UTF-8 sequence that starts at s[i] (1–4), or 0 if the bytes there are
// not one: a stray continuation byte, a truncated sequence, an overlong form, a surrogate or a
// code point above U+10FFFF.
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return 1;
  struct Form {
    unsigned char lead_mask;     // bits that identify the form
    unsigned char lead_pattern;  // their value
    size_t length;
    uint32_t smallest;  // anything below is an overlong encoding
  };
  static constexpr Form kForms[] = {
      {0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
  const Form* form = nullptr;
  for (const Form& f : kForms) {
    if ((lead & f.lead_mask) == f.lead_pattern) form = &f;
  }
  if (form == nullptr) return 0;
  const size_t length = form->length;
  const uint32_t smallest = form->smallest;
  uint32_t code_point = lead & static_cast<unsigned char>(~form->lead_mask);
  if (s.size() - i < length) return 0;
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3F);
  }
  if (code_point < smallest || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

void AppendJsonString(std::string* out, absl::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else if (size_t length = Utf8SequenceLength(s, i); length == 0) {
          out->append("\\ufffd");  // one replacement per bad byte, then resynchronise
        } else {
          out->append(s.data() + i, length);
          i += length;
          continue;
        }
    }
    ++i;
  }
  out->push_back('"');
}

void AppendJsonDouble(std::string* out, double d) {
  if (std::isnan(d)) return AppendJsonString(out, "nan");
  if (std::isinf(d)) return AppendJsonString(out, d > 0 ? "inf" : "-inf");
  char buffer[32];
  // Shortest text that reads back as the same double; always valid JSON for finite values.
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), d);
  out->append(buffer, end);
}

void AppendJsonValue(std::string* out, const FieldValue::Variant& value) {
  std::visit(
      [out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, absl::string_view>) {
          AppendJsonString(out, v);
        } else if constexpr (std::is_same_v<T, bool>) {
          out->append(v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, double>) {
          AppendJsonDouble(out, v);
        } else {
          absl::StrAppend(out, v);
        }
      },
      value);
}

}  // namespace

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "unknown";
}

void SetMinLevel(Level level) { min_level.store(level, std::memory_order_relaxed); }

Level MinLevel() { return min_level.load(std::memory_order_relaxed); }

std::string FormatLine(absl::Time ts, Level level, absl::string_view msg, Fields fields) {
  std::string line =
      absl::StrCat("{\"ts\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", ts, absl::UTCTimeZone()),
                   "\",\"level\":\"", LevelName(level), "\",\"msg\":");
  AppendJsonString(&line, msg);
  for (const Field& field : fields) {
    line.push_back(',');
    AppendJsonString(&line, field.key);
    line.push_back(':');
    AppendJsonValue(&line, field.value.value());
  }
  line.push_back('}');
  return line;
}

void Log(Level level, absl::string_view msg, Fields fields) {
  if (level < MinLevel()) return;
  std::string line = FormatLine(absl::Now(), level, msg, fields);
  Output& output = GetOutput();
  absl::MutexLock lock(&output.mu);
  if (output.sink) {
    output.sink(line);
  } else {
    line.push_back('\n');
    WriteToStderr(line);
  }
}

void SetSinkForTesting(std::function<void(absl::string_view line)> sink) {
  Output& output = GetOutput();
  absl::MutexLock lock(&output.mu);
  output.sink = std::move(sink);
}

}  // namespace sales::log
