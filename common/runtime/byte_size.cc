#include "common/runtime/byte_size.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sales::runtime {
namespace {

struct Unit {
  absl::string_view name;
  size_t bytes;
};
constexpr Unit kUnits[] = {
    {"GiB", size_t{1} << 30}, {"MiB", size_t{1} << 20}, {"KiB", size_t{1} << 10}};

absl::Status NotASize(absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", absl::CEscape(text.substr(0, 64)),
                   "\" is not a byte size (e.g. 512MiB, 1GiB, 300000)"));
}

}  // namespace

absl::StatusOr<size_t> ParseByteSize(absl::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  size_t digits = 0;
  while (digits < trimmed.size() && absl::ascii_isdigit(trimmed[digits])) ++digits;
  uint64_t number = 0;
  if (digits == 0 || !absl::SimpleAtoi(trimmed.substr(0, digits), &number)) {
    return NotASize(text);
  }
  const std::string unit =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(trimmed.substr(digits)));
  size_t multiplier = 0;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else {
    for (const Unit& known : kUnits) {
      const std::string name = absl::AsciiStrToLower(known.name);  // "gib"
      if (unit == name || unit == name.substr(0, 1) || unit == name.substr(0, 1) + "b") {
        multiplier = known.bytes;
      }
    }
  }
  if (multiplier == 0 || number == 0 || number > std::numeric_limits<size_t>::max() / multiplier) {
    return NotASize(text);
  }
  return static_cast<size_t>(number) * multiplier;
}

std::string FormatByteSize(size_t bytes) {
  for (const Unit& unit : kUnits) {
    if (bytes != 0 && bytes % unit.bytes == 0) {
      return absl::StrCat(bytes / unit.bytes, " ", unit.name);
    }
  }
  return absl::StrCat(bytes, " B");
}

}  // namespace sales::runtime
