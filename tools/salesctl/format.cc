#include "tools/salesctl/format.h"

#include <cstdlib>
#include <limits>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/status/errors.h"
#include "common/time/civil_date.h"

namespace sales::salesctl {
namespace {

using ::google::protobuf::EnumDescriptor;
using ::google::protobuf::EnumValueDescriptor;

constexpr char kTimeFormat[] = "%Y-%m-%d %H:%M";

// "1234567" → "1,234,567".
std::string GroupThousands(absl::string_view digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "LEAD_STAGE_" for LeadStage: the zero value's name up to "UNSPECIFIED".
std::string EnumPrefix(const EnumDescriptor& descriptor) {
  const EnumValueDescriptor* zero = descriptor.FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  return absl::ConsumeSuffix(&name, "UNSPECIFIED") ? std::string(name) : "";
}

}  // namespace

BusinessZone LoadBusinessZone() {
  BusinessZone result{.name = kBusinessTimeZone};
  if (!absl::LoadTimeZone(kBusinessTimeZone, &result.zone)) {
    result.zone = absl::UTCTimeZone();
    result.name = "UTC";
    result.fell_back = true;
  }
  return result;
}

int MinorUnitDigits(absl::string_view currency) {
  static constexpr absl::string_view kNoDecimals[] = {"JPY", "KRW", "VND", "CLP", "ISK",
                                                      "UGX", "XAF", "XOF", "PYG", "RWF"};
  static constexpr absl::string_view kThreeDecimals[] = {"BHD", "IQD", "JOD", "KWD",
                                                         "LYD", "OMR", "TND"};
  for (absl::string_view code : kNoDecimals) {
    if (currency == code) return 0;
  }
  for (absl::string_view code : kThreeDecimals) {
    if (currency == code) return 3;
  }
  return 2;
}

std::string FormatMoney(const sales::common::v1::Money& money) {
  if (money.currency().empty()) return "-";
  const int digits = MinorUnitDigits(money.currency());
  // Magnitude as unsigned so that INT64_MIN does not overflow.
  const uint64_t magnitude = money.units() < 0 ? 0 - static_cast<uint64_t>(money.units())
                                               : static_cast<uint64_t>(money.units());
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string text =
      absl::StrCat(money.units() < 0 ? "-" : "", GroupThousands(absl::StrCat(magnitude / scale)));
  if (digits > 0) {
    std::string fraction = absl::StrCat(magnitude % scale);
    text += absl::StrCat(".", std::string(digits - fraction.size(), '0'), fraction);
  }
  return absl::StrCat(text, " ", money.currency());
}

absl::StatusOr<sales::common::v1::Money> ParseMoney(absl::string_view text,
                                                    absl::string_view currency,
                                                    absl::string_view flag) {
  const absl::Status bad =
      InvalidField(flag, absl::StrCat("not an amount: \"", text, "\" (e.g. 1234.56 or 1,234.56)"));
  const std::string plain = absl::StrReplaceAll(text, {{",", ""}});
  std::vector<absl::string_view> parts = absl::StrSplit(plain, '.');
  const int digits = MinorUnitDigits(currency);
  if (parts.size() > 2 || parts[0].empty()) return bad;
  absl::string_view fraction = parts.size() == 2 ? parts[1] : "";
  if (static_cast<int>(fraction.size()) > digits || (parts.size() == 2 && fraction.empty())) {
    return bad;
  }
  for (absl::string_view part : parts) {
    for (char c : part) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad;
    }
  }
  const std::string minor =
      absl::StrCat(parts[0], fraction, std::string(digits - fraction.size(), '0'));
  int64_t units = 0;
  if (minor.size() > 18 || !absl::SimpleAtoi(minor, &units)) return bad;
  sales::common::v1::Money money;
  money.set_units(units);
  money.set_currency(std::string(currency));
  return money;
}

std::string FormatTime(const google::protobuf::Timestamp& time, const absl::TimeZone& zone) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime(kTimeFormat, absl::FromUnixSeconds(time.seconds()), zone);
}

absl::StatusOr<google::protobuf::Timestamp> ParseTime(absl::string_view text,
                                                      const absl::TimeZone& zone,
                                                      absl::string_view flag) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(kTimeFormat, text, zone, &time, &error) &&
      !absl::ParseTime("%Y-%m-%d", text, zone, &time, &error)) {
    return InvalidField(flag, absl::StrCat("not a time: \"", text,
                                           "\" (expected YYYY-MM-DD or \"YYYY-MM-DD HH:MM\")"));
  }
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(absl::ToUnixSeconds(time));
  return timestamp;
}

std::string EnumShortName(const EnumDescriptor& descriptor, int value) {
  if (value == 0) return "-";
  const EnumValueDescriptor* found = descriptor.FindValueByNumber(value);
  if (found == nullptr) return absl::StrCat("unknown(", value, ")");
  absl::string_view name = found->name();
  absl::ConsumePrefix(&name, EnumPrefix(descriptor));
  return absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}});
}

absl::StatusOr<int> ParseEnum(const EnumDescriptor& descriptor, absl::string_view text,
                              absl::string_view flag) {
  const std::string wanted = absl::StrReplaceAll(absl::AsciiStrToUpper(text), {{"-", "_"}});
  const std::string prefix = EnumPrefix(descriptor);
  std::vector<std::string> accepted;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const EnumValueDescriptor* value = descriptor.value(i);
    if (value->number() == 0) continue;
    if (value->name() == wanted || value->name() == prefix + wanted) return value->number();
    accepted.push_back(EnumShortName(descriptor, value->number()));
  }
  return InvalidField(
      flag, absl::StrCat("unknown value \"", text, "\"; one of ", absl::StrJoin(accepted, ", ")));
}

std::string FormatDate(const sales::common::v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

absl::StatusOr<sales::common::v1::Date> ParseDate(absl::string_view text, absl::string_view flag) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    return InvalidField(flag, absl::StrCat("not a date: \"", text, "\" (e.g. 2026-11-23)"));
  }
  return ToDate(day);
}

}  // namespace sales::salesctl
