#include "services/leads/domain/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "services/leads/domain/normalize.h"

namespace sales::leads {
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

absl::Status ValidateMoney(absl::string_view field, const sales::common::v1::Money& money) {
  if (money.units() < 0) return InvalidField(Path(field, "units"), "negative");
  if (money.units() > kMaxMoneyUnits) {
    return InvalidField(Path(field, "units"), "above 10^13 minor units");
  }
  const std::string& currency = money.currency();
  bool three_upper = currency.size() == 3;
  for (char c : currency) {
    three_upper = three_upper && c >= 'A' && c <= 'Z';
  }
  if (!three_upper) {
    return InvalidField(Path(field, "currency"), "must be an ISO-4217 code (3 upper-case letters)");
  }
  return absl::OkStatus();
}

absl::Status ValidatePercent(absl::string_view field, int32_t percent) {
  if (percent < 0 || percent > 100) return InvalidField(field, "must be between 0 and 100");
  return absl::OkStatus();
}

absl::Status ValidateEnum(absl::string_view field, int value, bool (*is_valid)(int)) {
  if (value == 0) return InvalidField(field, "required (UNSPECIFIED is not accepted)");
  if (!is_valid(value)) return InvalidField(field, absl::StrCat("unknown value ", value));
  return absl::OkStatus();
}

absl::Status ValidateLeadDetails(absl::string_view field, const v1::LeadDetails& details) {
  const v1::Contact& contact = details.contact();
  RETURN_IF_ERROR(ValidateText(Path(field, "contact.name"), contact.name(), kMaxNameLength, true));
  if (contact.email().empty() && contact.phone().empty()) {
    return InvalidField(Path(field, "contact"), "an e-mail address or a phone number is required");
  }
  if (!contact.email().empty()) {
    if (absl::Status s = NormalizeEmail(contact.email()).status(); !s.ok()) {
      return InvalidField(Path(field, "contact.email"), s.message());
    }
  }
  if (!contact.phone().empty()) {
    RETURN_IF_ERROR(
        ValidateText(Path(field, "contact.phone"), contact.phone(), kMaxNameLength, false));
    if (absl::Status s = NormalizePhone(contact.phone()).status(); !s.ok()) {
      return InvalidField(Path(field, "contact.phone"), s.message());
    }
  }
  const v1::Company& company = details.company();
  RETURN_IF_ERROR(ValidateText(Path(field, "company.name"), company.name(), kMaxNameLength, true));
  if (absl::Status s = NormalizeCompany(company.name()).status(); !s.ok()) {
    return InvalidField(Path(field, "company.name"), s.message());
  }
  RETURN_IF_ERROR(
      ValidateText(Path(field, "company.industry"), company.industry(), kMaxNameLength, false));
  RETURN_IF_ERROR(
      ValidateEnum(Path(field, "company.size"), company.size(), v1::CompanySize_IsValid));
  RETURN_IF_ERROR(ValidateId(Path(field, "company.region_id"), company.region_id()));
  RETURN_IF_ERROR(ValidateId(Path(field, "product_line_id"), details.product_line_id()));
  RETURN_IF_ERROR(ValidateId(Path(field, "segment_id"), details.segment_id()));
  if (details.has_estimated_value()) {
    RETURN_IF_ERROR(ValidateMoney(Path(field, "estimated_value"), details.estimated_value()));
  }
  return absl::OkStatus();
}

}  // namespace sales::leads
