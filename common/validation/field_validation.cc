#include "common/validation/field_validation.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales {
namespace {

std::string Path(absl::string_view prefix, absl::string_view field) {
  return absl::StrCat(prefix, ".", field);
}

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return InvalidField(field, "required");
  return ValidateOptionalId(field, id);
}

absl::Status ValidateOptionalId(absl::string_view field, absl::string_view id) {
  if (id.size() > kMaxIdLength) return InvalidField(field, "longer than 128 characters");
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && !absl::StrContains("._:-", c)) {
      return InvalidField(field, "may hold only letters, digits and . _ : -");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateText(absl::string_view field, absl::string_view text, size_t max_bytes,
                          bool required) {
  if (required && absl::StripAsciiWhitespace(text).empty()) return InvalidField(field, "required");
  if (text.size() > max_bytes) {
    return InvalidField(field, absl::StrCat("longer than ", max_bytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status ValidateNamed(absl::string_view prefix, absl::string_view id_field,
                           absl::string_view id, absl::string_view name) {
  RETURN_IF_ERROR(ValidateId(Path(prefix, id_field), id));
  return ValidateText(Path(prefix, "name"), name, kMaxNameLength, true);
}

absl::Status ValidateCurrency(absl::string_view field, absl::string_view currency) {
  bool three_upper = currency.size() == 3;
  for (char c : currency) three_upper = three_upper && c >= 'A' && c <= 'Z';
  if (!three_upper) {
    return InvalidField(field, "must be an ISO-4217 code (3 upper-case letters)");
  }
  return absl::OkStatus();
}

absl::Status ValidateMoney(absl::string_view field, const sales::common::v1::Money& money) {
  if (money.units() < 0) return InvalidField(Path(field, "units"), "negative");
  if (money.units() > kMaxMoneyUnits) {
    return InvalidField(Path(field, "units"), "above 10^13 minor units");
  }
  return ValidateCurrency(Path(field, "currency"), money.currency());
}

absl::Status ValidatePercent(absl::string_view field, int32_t percent) {
  if (percent < 0 || percent > 100) return InvalidField(field, "must be between 0 and 100");
  return absl::OkStatus();
}

absl::Status ValidateBasisPoints(absl::string_view field, int32_t basis_points) {
  if (basis_points < 0 || basis_points > 10'000) {
    return InvalidField(field, "must be between 0 and 10000 basis points");
  }
  return absl::OkStatus();
}

absl::Status ValidateEnum(absl::string_view field, int value, bool (*is_valid)(int)) {
  if (value == 0) return InvalidField(field, "required (UNSPECIFIED is not accepted)");
  if (!is_valid(value)) return InvalidField(field, absl::StrCat("unknown value ", value));
  return absl::OkStatus();
}

absl::Status ValidateIdList(absl::string_view field,
                            const google::protobuf::RepeatedPtrField<std::string>& ids,
                            int max_entries) {
  if (ids.size() > max_entries) {
    return InvalidField(field, absl::StrCat("at most ", max_entries, " entries"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < ids.size(); ++i) {
    RETURN_IF_ERROR(ValidateId(absl::StrCat(field, "[", i, "]"), ids.Get(i)));
    if (!seen.insert(ids.Get(i)).second) {
      return InvalidField(absl::StrCat(field, "[", i, "]"),
                          absl::StrCat("repeats ", Quoted(ids.Get(i))));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOptionalEnum(absl::string_view field, int value, bool (*is_valid)(int)) {
  return value == 0 ? absl::OkStatus() : ValidateEnum(field, value, is_valid);
}

absl::Status ValidateCommandMeta(const sales::common::v1::CommandMeta& meta) {
  RETURN_IF_ERROR(ValidateId("meta.actor", meta.actor()));
  return ValidateText("meta.idempotency_key", meta.idempotency_key(), kMaxIdLength, false);
}

}  // namespace sales
