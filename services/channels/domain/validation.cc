#include "services/channels/domain/validation.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/validation/field_validation.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace sales::channels {
namespace {

constexpr int kMaxListEntries = 1000;

}  // namespace

absl::Status ValidateListPrice(absl::string_view field, const v1::ListPrice& price) {
  RETURN_IF_ERROR(ValidateDate(absl::StrCat(field, ".effective_from"), price.effective_from()));
  return ValidateMoney(absl::StrCat(field, ".price"), price.price());
}

absl::Status ValidateAgreementTerms(absl::string_view field, const v1::AgreementTerms& terms) {
  RETURN_IF_ERROR(ValidateDate(absl::StrCat(field, ".term_start"), terms.term_start()));
  RETURN_IF_ERROR(ValidateDate(absl::StrCat(field, ".term_end"), terms.term_end()));
  if (ToCivilDay(terms.term_end()) < ToCivilDay(terms.term_start())) {
    return InvalidField(absl::StrCat(field, ".term_end"), "before term_start");
  }
  if (terms.region_ids().empty()) {
    return InvalidField(absl::StrCat(field, ".region_ids"), "the territory needs a region");
  }
  RETURN_IF_ERROR(
      ValidateIdList(absl::StrCat(field, ".region_ids"), terms.region_ids(), kMaxListEntries));
  if (terms.product_line_ids().empty() && terms.skus().empty()) {
    return InvalidField(absl::StrCat(field, ".product_line_ids"),
                        "the product scope needs a product line or a SKU");
  }
  RETURN_IF_ERROR(ValidateIdList(absl::StrCat(field, ".product_line_ids"), terms.product_line_ids(),
                                 kMaxListEntries));
  RETURN_IF_ERROR(ValidateIdList(absl::StrCat(field, ".skus"), terms.skus(), kMaxListEntries));
  RETURN_IF_ERROR(
      ValidateBasisPoints(absl::StrCat(field, ".partner_margin_bp"), terms.partner_margin_bp()));
  RETURN_IF_ERROR(ValidateBasisPoints(absl::StrCat(field, ".rebate_bp"), terms.rebate_bp()));
  RETURN_IF_ERROR(ValidateOptionalEnum(absl::StrCat(field, ".minimum_volume_period"),
                                       terms.minimum_volume_period(), v1::VolumePeriod_IsValid));
  if (terms.has_minimum_volume() && terms.minimum_volume().units() != 0) {
    RETURN_IF_ERROR(ValidateMoney(absl::StrCat(field, ".minimum_volume"), terms.minimum_volume()));
    RETURN_IF_ERROR(ValidateEnum(absl::StrCat(field, ".minimum_volume_period"),
                                 terms.minimum_volume_period(), v1::VolumePeriod_IsValid));
  }
  return absl::OkStatus();
}

absl::Status ValidatePartner(absl::string_view field, const v1::Partner& partner) {
  return ValidateNamed(field, "partner_id", partner.partner_id(), partner.name());
}

absl::Status ValidatePriceBand(int32_t band_bp, v1::PriceBandPolicy policy) {
  RETURN_IF_ERROR(ValidateBasisPoints("price_band_bp", band_bp));
  if (!v1::PriceBandPolicy_IsValid(policy)) {
    return InvalidField("price_band_policy", "not a known policy");
  }
  return absl::OkStatus();
}

}  // namespace sales::channels
