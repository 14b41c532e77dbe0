// The syntax of every incentives request: INVALID_ARGUMENT naming the field, before anything is
// looked up (the org, the stores). Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_VALIDATION_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sales/incentives/v1/incentives.pb.h"

namespace sales::incentives {

// A ledger month "YYYY-MM".
absl::Status ValidateMonth(absl::string_view field, absl::string_view period);
// A target: node id, period (year, quarter or month), metric, optional product line, value ≥ 0.
absl::Status ValidateTarget(absl::string_view prefix, const v1::Target& target);

absl::Status ValidateSetTarget(const v1::SetTargetRequest& r);
absl::Status ValidateDecomposeTarget(const v1::DecomposeTargetRequest& r);
absl::Status ValidatePublishPlan(const v1::PublishPlanRequest& r);
absl::Status ValidateAssignPlan(const v1::AssignPlanRequest& r);
absl::Status ValidateSetCreditSplit(const v1::SetCreditSplitRequest& r);
absl::Status ValidateRecordAdjustment(const v1::RecordAdjustmentRequest& r);
absl::Status ValidateClosePeriod(const v1::ClosePeriodRequest& r);
absl::Status ValidateApprovePeriod(const v1::ApprovePeriodRequest& r);
absl::Status ValidateGetStatement(const v1::GetStatementRequest& r);
absl::Status ValidateGetAttainment(const v1::GetAttainmentRequest& r);
absl::Status ValidateListTargets(const v1::ListTargetsRequest& r);
absl::Status ValidateListTargetGaps(const v1::ListTargetGapsRequest& r);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_VALIDATION_H_
