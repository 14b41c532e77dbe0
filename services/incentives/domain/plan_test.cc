#include "services/incentives/domain/plan.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/incentives/domain/test_plans.h"

namespace sales::incentives {
namespace {

using ::testing::HasSubstr;

TEST(PlanTest, TheFixturePlansAreValid) {
  EXPECT_TRUE(ValidatePlan(fixtures::StepPlan()).ok()) << ValidatePlan(fixtures::StepPlan());
  EXPECT_TRUE(ValidatePlan(fixtures::RetroactivePlan()).ok());
}

// Every rule names its field.
TEST(PlanTest, EachBrokenRuleIsRefusedNamingTheField) {
  struct Case {
    std::string field;
    std::function<void(v1::CompensationPlan&)> breaks;
  };
  const std::vector<Case> cases = {
      {"plan.plan_id", [](v1::CompensationPlan& p) { p.clear_plan_id(); }},
      {"plan.name", [](v1::CompensationPlan& p) { p.clear_name(); }},
      {"plan.base_pay", [](v1::CompensationPlan& p) { p.mutable_base_pay()->set_units(-1); }},
      {"plan.basis", [](v1::CompensationPlan& p) { p.clear_basis(); }},
      {"plan.tier_mode",
       [](v1::CompensationPlan& p) { p.set_tier_mode(static_cast<v1::TierMode>(9)); }},
      {"plan.bands", [](v1::CompensationPlan& p) { p.clear_bands(); }},
      {"plan.bands[1].up_to: overlaps bands[0]",
       [](v1::CompensationPlan& p) { p.mutable_bands(1)->set_up_to(5'000'00); }},
      {"plan.bands[2].rate_bp",
       [](v1::CompensationPlan& p) { p.mutable_bands(2)->set_rate_bp(-3); }},
      {"plan.accelerator_bp", [](v1::CompensationPlan& p) { p.set_accelerator_bp(9'000); }},
      {"plan.margin_class_rates[0].extra_rate_bp",
       [](v1::CompensationPlan& p) {
         p.add_margin_class_rates()->set_margin_class(channels::v1::MARGIN_CLASS_HIGH);
       }},
      {"plan.new_customer_bonus.currency",
       [](v1::CompensationPlan& p) { p.mutable_new_customer_bonus()->set_currency("USD"); }},
      {"plan.spiffs[0].sku",
       [](v1::CompensationPlan& p) { p.mutable_spiffs(0)->set_product_line_id("crm"); }},
      {"plan.spiffs[0].to",
       [](v1::CompensationPlan& p) { p.mutable_spiffs(0)->mutable_to()->set_month(4); }},
      {"plan.spiffs[0].per_unit",
       [](v1::CompensationPlan& p) { p.mutable_spiffs(0)->mutable_per_unit()->set_units(0); }},
      {"plan.cap_per_period",
       [](v1::CompensationPlan& p) { p.mutable_cap_per_period()->set_units(-5); }},
  };
  for (const Case& c : cases) {
    v1::CompensationPlan plan = fixtures::StepPlan();
    c.breaks(plan);
    const absl::Status status = ValidatePlan(plan);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(status.message(), HasSubstr("field " + c.field)) << status;
  }
}

}  // namespace
}  // namespace sales::incentives
