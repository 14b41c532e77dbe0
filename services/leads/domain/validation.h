// Input validation shared by the leads domain's Decide functions. Every failure is
// INVALID_ARGUMENT built by sales::InvalidField: "field <path>: <reason>".
//
//   RETURN_IF_ERROR(ValidateId("lead_id", request.lead_id()));
//   RETURN_IF_ERROR(ValidateMoney("details.estimated_value", request.details().estimated_value()));
//
// Limits: ids 1–128 chars of [A-Za-z0-9._:-]; names 200 bytes; reasons 1000 bytes; notes 4000
// bytes; money 0 ≤ units ≤ 10^13 with a currency of three upper-case letters; percentages 0–100.
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_VALIDATION_H_
#define SALES_SERVICES_LEADS_DOMAIN_VALIDATION_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sales/leads/v1/model.pb.h"

namespace sales::leads {

inline constexpr size_t kMaxIdLength = 128;
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxReasonLength = 1000;
inline constexpr size_t kMaxNotesLength = 4000;
inline constexpr int64_t kMaxMoneyUnits = 10'000'000'000'000;

// A required id.
absl::Status ValidateId(absl::string_view field, absl::string_view id);
// An id that may be empty.
absl::Status ValidateOptionalId(absl::string_view field, absl::string_view id);
// Free text of at most `max_bytes`; `required` refuses an empty (or all-blank) value.
absl::Status ValidateText(absl::string_view field, absl::string_view text, size_t max_bytes,
                          bool required);
absl::Status ValidateMoney(absl::string_view field, const sales::common::v1::Money& money);
absl::Status ValidatePercent(absl::string_view field, int32_t percent);
// A known, non-zero value of an enum: `is_valid` is the generated <Enum>_IsValid.
absl::Status ValidateEnum(absl::string_view field, int value, bool (*is_valid)(int));
// Contact, company and product interest of a capture or update (syntax only; references to the
// organisation are checked by the caller). `field` is the path prefix, e.g. "details".
absl::Status ValidateLeadDetails(absl::string_view field, const v1::LeadDetails& details);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_VALIDATION_H_
