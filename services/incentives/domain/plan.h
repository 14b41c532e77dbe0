// Compensation plans (薪酬体系): the rules a plan version must keep before it is published.
//
//   RETURN_IF_ERROR(ValidatePlan(request.plan()));   // INVALID_ARGUMENT "field plan.bands[1]…"
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_PLAN_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_PLAN_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sales/incentives/v1/model.pb.h"

namespace sales::incentives {

// INVALID_ARGUMENT naming the field under `prefix` ("plan"): the plan id and name; the base pay's
// currency (every amount of the plan in it); a basis and a tier mode; the tier bands
// (ValidateSchedule: ascending, contiguous, the last unbounded, rates 0–10,000 bp — overlapping
// bands refused); an accelerator of 0 (none) or 10,000–100,000 bp; margin-class rates of
// 1–10,000 bp, one per class; a bonus ≥ 0; SPIFFs with an id, a SKU or a product line (not
// both), real dates in order and an amount > 0 per unit; a cap ≥ 0. The version is the store's
// to number and is ignored.
absl::Status ValidatePlan(const v1::CompensationPlan& plan, absl::string_view prefix = "plan");

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_PLAN_H_
