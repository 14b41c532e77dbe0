// Formatting and parsing of values for command-line output and flags: money ("1,234.56 CNY"),
// timestamps in the business time zone, and enum values by their short lower-case names
// ("opportunity" for LEAD_STAGE_OPPORTUNITY).
//
//   BusinessZone zone = LoadBusinessZone();          // Asia/Shanghai, or UTC if no tzdata
//   FormatMoney(money);                               // "1,234.56 CNY"
//   FormatTime(lead.captured_at(), zone.zone);        // "2026-11-23 13:24"
//   EnumShortName(*v1::LeadStage_descriptor(), v1::LEAD_STAGE_WON);   // "won"
//   ASSIGN_OR_RETURN(int stage, ParseEnum(*v1::LeadStage_descriptor(), "won", "--stage"));
//
// Pure functions (LoadBusinessZone reads tzdata); thread-safe.
#ifndef SALES_TOOLS_SALESCTL_FORMAT_H_
#define SALES_TOOLS_SALESCTL_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "sales/common/v1/date.pb.h"
#include "sales/common/v1/money.pb.h"

namespace sales::salesctl {

// The business time zone of the sales organisation.
inline constexpr char kBusinessTimeZone[] = "Asia/Shanghai";

struct BusinessZone {
  absl::TimeZone zone;
  std::string name;        // "Asia/Shanghai", or "UTC" when tzdata is missing
  bool fell_back = false;  // true: Asia/Shanghai could not be loaded
};
BusinessZone LoadBusinessZone();

// Digits of the minor unit of `currency` (ISO 4217): 0 for JPY, KRW…, 3 for BHD, KWD…, else 2.
int MinorUnitDigits(absl::string_view currency);

// "1,234.56 CNY", "-5.00 USD", "1,000 JPY"; "-" for an unset (empty currency) amount.
std::string FormatMoney(const sales::common::v1::Money& money);

// "-" for an empty cell, else the text.
inline std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }
// "1234.56" or "1,234.56" with `currency` → minor units. INVALID_ARGUMENT naming `flag` for
// anything else (letters, too many decimals, overflow).
absl::StatusOr<sales::common::v1::Money> ParseMoney(absl::string_view text,
                                                    absl::string_view currency,
                                                    absl::string_view flag);

// "2026-11-23 13:24" in `zone`; "-" for an unset timestamp (0 seconds, 0 nanos).
std::string FormatTime(const google::protobuf::Timestamp& time, const absl::TimeZone& zone);
// "2026-11-23 13:24" or "2026-11-23" (midnight) in `zone` → a timestamp; INVALID_ARGUMENT
// naming `flag` otherwise.
absl::StatusOr<google::protobuf::Timestamp> ParseTime(absl::string_view text,
                                                      const absl::TimeZone& zone,
                                                      absl::string_view flag);

// "2026-11-23"; "-" for an unset date (all zero).
std::string FormatDate(const sales::common::v1::Date& date);
// "2026-11-23" → a date; INVALID_ARGUMENT naming `flag` for anything else (also 2026-02-30).
absl::StatusOr<sales::common::v1::Date> ParseDate(absl::string_view text, absl::string_view flag);

// The value's name without the enum's common prefix, lower case, '_' → '-':
// LEAD_SOURCE_TRADE_SHOW → "trade-show". "-" for the zero (*_UNSPECIFIED) value.
std::string EnumShortName(const google::protobuf::EnumDescriptor& descriptor, int value);
// The inverse, case-insensitive, also accepting '_' and the full name. Refuses *_UNSPECIFIED.
// INVALID_ARGUMENT naming `flag` and listing the accepted names otherwise.
absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor& descriptor,
                              absl::string_view text, absl::string_view flag);

}  // namespace sales::salesctl

#endif  // SALES_TOOLS_SALESCTL_FORMAT_H_
