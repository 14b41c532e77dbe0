#include "services/leads/domain/validation.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/validation/contact_normalization.h"

namespace sales::leads {
namespace {

using validation::NormalizeCompany;
using validation::NormalizeEmail;
using validation::NormalizePhone;

std::string Path(absl::string_view prefix, absl::string_view field) {
  return absl::StrCat(prefix, ".", field);
}

}  // namespace

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
