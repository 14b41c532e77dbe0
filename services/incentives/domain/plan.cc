#include "services/incentives/domain/plan.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/validation/field_validation.h"
#include "services/incentives/domain/tiers.h"

namespace sales::incentives {
namespace {

// An amount of the plan: valid money in the plan's currency.
absl::Status ValidatePlanMoney(const std::string& field, const common::v1::Money& money,
                               const std::string& currency, bool required) {
  if (!required && money.units() == 0 && money.currency().empty()) return absl::OkStatus();
  RETURN_IF_ERROR(ValidateMoney(field, money));
  if (money.currency() != currency) {
    return InvalidField(field + ".currency", "must be the plan's currency (base_pay.currency)");
  }
  return absl::OkStatus();
}

absl::Status ValidateTiers(const v1::CompensationPlan& plan, const std::string& prefix) {
  TierSchedule schedule{.accelerator_bp =
                            plan.accelerator_bp() == 0 ? 10'000 : plan.accelerator_bp()};
  for (const v1::TierBand& band : plan.bands()) {
    schedule.bands.push_back({.up_to = band.up_to(), .rate_bp = band.rate_bp()});
  }
  return ValidateSchedule(schedule, prefix);
}

absl::Status ValidateSpiff(const v1::Spiff& spiff, const std::string& field,
                           const std::string& currency) {
  RETURN_IF_ERROR(ValidateId(field + ".spiff_id", spiff.spiff_id()));
  if (spiff.sku().empty() == spiff.product_line_id().empty()) {
    return InvalidField(field + ".sku", "name either a SKU or a product line");
  }
  RETURN_IF_ERROR(ValidateOptionalId(field + ".sku", spiff.sku()));
  RETURN_IF_ERROR(ValidateOptionalId(field + ".product_line_id", spiff.product_line_id()));
  RETURN_IF_ERROR(ValidateDate(field + ".from", spiff.from()));
  RETURN_IF_ERROR(ValidateDate(field + ".to", spiff.to()));
  if (ToCivilDay(spiff.to()) < ToCivilDay(spiff.from())) {
    return InvalidField(field + ".to", "must not be before from");
  }
  RETURN_IF_ERROR(ValidatePlanMoney(field + ".per_unit", spiff.per_unit(), currency, true));
  if (spiff.per_unit().units() <= 0) return InvalidField(field + ".per_unit", "must be above 0");
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePlan(const v1::CompensationPlan& plan, absl::string_view prefix_view) {
  const std::string prefix(prefix_view);
  RETURN_IF_ERROR(ValidateNamed(prefix, "plan_id", plan.plan_id(), plan.name()));
  RETURN_IF_ERROR(ValidateMoney(prefix + ".base_pay", plan.base_pay()));
  const std::string& currency = plan.base_pay().currency();
  RETURN_IF_ERROR(ValidateEnum(prefix + ".basis", plan.basis(), v1::CommissionBasis_IsValid));
  RETURN_IF_ERROR(ValidateEnum(prefix + ".tier_mode", plan.tier_mode(), v1::TierMode_IsValid));
  RETURN_IF_ERROR(ValidateTiers(plan, prefix));
  std::set<int> classes;
  for (int i = 0; i < plan.margin_class_rates_size(); ++i) {
    const v1::MarginClassRate& rate = plan.margin_class_rates(i);
    const std::string field = absl::StrCat(prefix, ".margin_class_rates[", i, "]");
    RETURN_IF_ERROR(ValidateEnum(field + ".margin_class", rate.margin_class(),
                                 channels::v1::MarginClass_IsValid));
    if (!classes.insert(rate.margin_class()).second) {
      return InvalidField(field + ".margin_class", "one rate per margin class");
    }
    if (rate.extra_rate_bp() < 1 || rate.extra_rate_bp() > 10'000) {
      return InvalidField(field + ".extra_rate_bp", "must be 1–10,000 basis points");
    }
  }
  RETURN_IF_ERROR(ValidatePlanMoney(prefix + ".new_customer_bonus", plan.new_customer_bonus(),
                                    currency, false));
  std::set<std::string> spiff_ids;
  for (int i = 0; i < plan.spiffs_size(); ++i) {
    const std::string field = absl::StrCat(prefix, ".spiffs[", i, "]");
    RETURN_IF_ERROR(ValidateSpiff(plan.spiffs(i), field, currency));
    if (!spiff_ids.insert(plan.spiffs(i).spiff_id()).second) {
      return InvalidField(field + ".spiff_id", "used twice");
    }
  }
  return ValidatePlanMoney(prefix + ".cap_per_period", plan.cap_per_period(), currency, false);
}

}  // namespace sales::incentives
