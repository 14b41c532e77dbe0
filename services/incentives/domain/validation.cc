#include "services/incentives/domain/validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/validation/field_validation.h"
#include "services/incentives/domain/periods.h"
#include "services/incentives/domain/plan.h"
#include "services/incentives/domain/splits.h"

namespace sales::incentives {
namespace {

constexpr int64_t kMaxTargetValue = 1'000'000'000'000'000;  // 10^18: far beyond any target
constexpr int kMaxWeights = 64;

absl::Status ValidateYear(absl::string_view field, absl::string_view year) {
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(year, field));
  if (period.kind != PeriodKind::kYear) return InvalidField(field, "a year: YYYY");
  return absl::OkStatus();
}

// An optional instant: unset, or a valid Timestamp.
absl::Status ValidateAsOf(const google::protobuf::Timestamp& as_of) {
  if (as_of.seconds() < 0 || as_of.nanos() < 0 || as_of.nanos() > 999'999'999) {
    return InvalidField("as_of", "not a valid instant after 1970");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateMonth(absl::string_view field, absl::string_view period) {
  ASSIGN_OR_RETURN(const Period parsed, ParsePeriod(period, field));
  if (parsed.kind != PeriodKind::kMonth) return InvalidField(field, "a month: YYYY-MM");
  return absl::OkStatus();
}

absl::Status ValidateTarget(absl::string_view prefix_view, const v1::Target& target) {
  const std::string prefix(prefix_view);
  RETURN_IF_ERROR(ValidateId(prefix + ".node_id", target.node_id()));
  RETURN_IF_ERROR(ParsePeriod(target.period(), prefix + ".period").status());
  RETURN_IF_ERROR(ValidateEnum(prefix + ".metric", target.metric(), v1::Metric_IsValid));
  RETURN_IF_ERROR(ValidateOptionalId(prefix + ".product_line_id", target.product_line_id()));
  if (target.value() < 0 || target.value() > kMaxTargetValue) {
    return InvalidField(prefix + ".value", "must be 0 (clears it) to 10^18");
  }
  return absl::OkStatus();
}

absl::Status ValidateSetTarget(const v1::SetTargetRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  return ValidateTarget("target", r.target());
}

absl::Status ValidateDecomposeTarget(const v1::DecomposeTargetRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  RETURN_IF_ERROR(ValidateId("node_id", r.node_id()));
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(r.period(), "period"));
  RETURN_IF_ERROR(ValidateEnum("metric", r.metric(), v1::Metric_IsValid));
  RETURN_IF_ERROR(ValidateOptionalId("product_line_id", r.product_line_id()));
  RETURN_IF_ERROR(ValidateEnum("into", r.into(), v1::DecomposeInto_IsValid));
  if (r.into() == v1::DECOMPOSE_INTO_SUB_PERIODS && period.kind == PeriodKind::kMonth) {
    return InvalidField("into", "a month has no sub-periods");
  }
  if (r.weights_size() > kMaxWeights) return InvalidField("weights", "at most 64");
  for (int i = 0; i < r.weights_size(); ++i) {
    if (r.weights(i) <= 0 || r.weights(i) > 1'000'000) {
      return InvalidField(absl::StrCat("weights[", i, "]"), "must be 1–1,000,000");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePublishPlan(const v1::PublishPlanRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  return ValidatePlan(r.plan());
}

absl::Status ValidateAssignPlan(const v1::AssignPlanRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  const v1::PlanAssignment& a = r.assignment();
  RETURN_IF_ERROR(ValidateId("assignment.rep_id", a.rep_id()));
  RETURN_IF_ERROR(ValidateId("assignment.plan_id", a.plan_id()));
  if (a.plan_version() < 0) return InvalidField("assignment.plan_version", "0 (latest) or above");
  return ValidateMonth("assignment.from_period", a.from_period());
}

absl::Status ValidateSetCreditSplit(const v1::SetCreditSplitRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  RETURN_IF_ERROR(ValidateId("deal_id", r.deal_id()));
  if (r.shares_size() > kMaxWeights) return InvalidField("shares", "at most 64");
  for (int i = 0; i < r.shares_size(); ++i) {
    RETURN_IF_ERROR(ValidateId(absl::StrCat("shares[", i, "].rep_id"), r.shares(i).rep_id()));
  }
  RETURN_IF_ERROR(ValidateSplit({r.shares().begin(), r.shares().end()}));
  return ValidateText("reason", r.reason(), kMaxReasonLength, /*required=*/false);
}

absl::Status ValidateRecordAdjustment(const v1::RecordAdjustmentRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  RETURN_IF_ERROR(ValidateId("rep_id", r.rep_id()));
  RETURN_IF_ERROR(ValidateMonth("period", r.period()));
  if (r.amount().units() == 0) return InvalidField("amount.units", "must not be 0");
  if (r.amount().units() > kMaxMoneyUnits || r.amount().units() < -kMaxMoneyUnits) {
    return InvalidField("amount.units", "beyond ±10^13 minor units");
  }
  RETURN_IF_ERROR(ValidateCurrency("amount.currency", r.amount().currency()));
  return ValidateText("reason", r.reason(), kMaxReasonLength, /*required=*/true);
}

absl::Status ValidateClosePeriod(const v1::ClosePeriodRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  return ValidateMonth("period", r.period());
}

absl::Status ValidateApprovePeriod(const v1::ApprovePeriodRequest& r) {
  RETURN_IF_ERROR(ValidateCommandMeta(r.meta()));
  return ValidateMonth("period", r.period());
}

absl::Status ValidateGetStatement(const v1::GetStatementRequest& r) {
  RETURN_IF_ERROR(ValidateId("rep_id", r.rep_id()));
  RETURN_IF_ERROR(ValidateMonth("period", r.period()));
  return ValidateAsOf(r.as_of());
}

absl::Status ValidateGetAttainment(const v1::GetAttainmentRequest& r) {
  RETURN_IF_ERROR(ValidateId("node_id", r.node_id()));
  RETURN_IF_ERROR(ParsePeriod(r.period(), "period").status());
  return ValidateAsOf(r.as_of());
}

absl::Status ValidateListTargets(const v1::ListTargetsRequest& r) {
  RETURN_IF_ERROR(ValidateYear("year", r.year()));
  RETURN_IF_ERROR(ValidateOptionalId("node_id", r.node_id()));
  return ValidateOptionalEnum("metric", r.metric(), v1::Metric_IsValid);
}

absl::Status ValidateListTargetGaps(const v1::ListTargetGapsRequest& r) {
  RETURN_IF_ERROR(ValidateYear("year", r.year()));
  return ValidateOptionalEnum("metric", r.metric(), v1::Metric_IsValid);
}

}  // namespace sales::incentives
