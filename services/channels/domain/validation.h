// Field validation of the channels model's values (the primitives are
// common/validation/field_validation.h). Every failure is INVALID_ARGUMENT naming the field
// under `field` ("terms.region_ids[2]").
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_VALIDATION_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sales/channels/v1/model.pb.h"

namespace sales::channels {

// A real effective date and a valid price.
absl::Status ValidateListPrice(absl::string_view field, const v1::ListPrice& price);
// Real dates with term_end not before term_start; at least one region; a product scope of at
// least one product line or SKU; rates in basis points 0–10,000; a minimum volume that is valid
// money with a period when it is not zero. At most 1,000 entries per list.
absl::Status ValidateAgreementTerms(absl::string_view field, const v1::AgreementTerms& terms);
// An optional partner: when present, an id and a name.
absl::Status ValidatePartner(absl::string_view field, const v1::Partner& partner);
// A band of 0 (the default) to 10,000 bp and a known policy (UNSPECIFIED: the default).
absl::Status ValidatePriceBand(int32_t band_bp, v1::PriceBandPolicy policy);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_VALIDATION_H_
