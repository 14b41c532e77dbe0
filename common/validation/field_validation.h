// Field validation primitives shared by every context's domain: ids, names and free text, money,
// percentages and basis points, enums. Every failure is INVALID_ARGUMENT built by
// sales::InvalidField ("field <path>: <reason>"); no value the caller sent is echoed whole.
//
//   RETURN_IF_ERROR(ValidateId("lead_id", request.lead_id()));
//   RETURN_IF_ERROR(ValidateMoney("details.estimated_value", request.details().estimated_value()));
//
// Limits: ids 1–128 chars of [A-Za-z0-9._:-]; names 200 bytes; reasons 1000 bytes; notes 4000
// bytes; money 0 ≤ units ≤ 10^13 with a currency of three upper-case letters (ISO-4217 form);
// percentages 0–100; basis points 0–10,000.
// Pure functions (Abseil and generated messages only); thread-safe.
#ifndef SALES_COMMON_VALIDATION_FIELD_VALIDATION_H_
#define SALES_COMMON_VALIDATION_FIELD_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "sales/common/v1/command.pb.h"
#include "sales/common/v1/money.pb.h"

namespace sales {

inline constexpr size_t kMaxIdLength = 128;
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxReasonLength = 1000;
inline constexpr size_t kMaxNotesLength = 4000;
inline constexpr int64_t kMaxMoneyUnits = 10'000'000'000'000;

// A required id.
absl::Status ValidateId(absl::string_view field, absl::string_view id);
// An id that may be empty.
absl::Status ValidateOptionalId(absl::string_view field, absl::string_view id);
// A list of ids: at most `max_entries`, each an id ("field[i]: …"), none twice.
absl::Status ValidateIdList(absl::string_view field,
                            const google::protobuf::RepeatedPtrField<std::string>& ids,
                            int max_entries);
// Free text of at most `max_bytes`; `required` refuses an empty (or all-blank) value.
absl::Status ValidateText(absl::string_view field, absl::string_view text, size_t max_bytes,
                          bool required);
// An id and a required name of an entity, as "<prefix>.<id_field>" and "<prefix>.name".
absl::Status ValidateNamed(absl::string_view prefix, absl::string_view id_field,
                           absl::string_view id, absl::string_view name);
// An ISO-4217-shaped currency code (three upper-case letters).
absl::Status ValidateCurrency(absl::string_view field, absl::string_view currency);
absl::Status ValidateMoney(absl::string_view field, const sales::common::v1::Money& money);
absl::Status ValidatePercent(absl::string_view field, int32_t percent);
absl::Status ValidateBasisPoints(absl::string_view field, int32_t basis_points);
// A known, non-zero value of an enum: `is_valid` is the generated <Enum>_IsValid.
absl::Status ValidateEnum(absl::string_view field, int value, bool (*is_valid)(int));
// The same for an optional filter: 0 (UNSPECIFIED, "any") is accepted.
absl::Status ValidateOptionalEnum(absl::string_view field, int value, bool (*is_valid)(int));
// A command's meta: the actor is a required id, the idempotency key at most 128 bytes.
absl::Status ValidateCommandMeta(const sales::common::v1::CommandMeta& meta);

}  // namespace sales

#endif  // SALES_COMMON_VALIDATION_FIELD_VALIDATION_H_
