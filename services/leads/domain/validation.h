// Input validation of the leads domain: a lead's details. The primitives (ids, text, money,
// percentages, enums) are common/validation/field_validation.h, re-exported here. Every failure
// is INVALID_ARGUMENT built by sales::InvalidField: "field <path>: <reason>".
//
//   RETURN_IF_ERROR(ValidateLeadDetails("details", request.details()));
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_VALIDATION_H_
#define SALES_SERVICES_LEADS_DOMAIN_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/validation/field_validation.h"
#include "sales/leads/v1/model.pb.h"

namespace sales::leads {

// Contact, company and product interest of a capture or update (syntax only; references to the
// organisation are checked by the caller). `field` is the path prefix, e.g. "details".
absl::Status ValidateLeadDetails(absl::string_view field, const v1::LeadDetails& details);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_VALIDATION_H_
