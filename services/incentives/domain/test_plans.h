// Test fixtures of the incentives domain: the plans of DOMAIN.md's worked example and order facts.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_TEST_PLANS_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_TEST_PLANS_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/incentives/domain/ledger.h"

namespace sales::incentives::fixtures {

// Bands 1 % to 10k, 2 % to 50k, 3 % above (CNY), booked basis; a 500.00 new-customer bonus and a
// 50.00 SPIFF per CRM-AI sold in May 2026.
inline v1::CompensationPlan StepPlan() {
  v1::CompensationPlan plan;
  plan.set_plan_id("step-2026");
  plan.set_version(1);
  plan.set_name("Field sales 2026 (step)");
  plan.mutable_base_pay()->set_units(8'000'00);
  plan.mutable_base_pay()->set_currency("CNY");
  plan.set_basis(v1::COMMISSION_BASIS_BOOKED);
  plan.set_tier_mode(v1::TIER_MODE_STEP);
  for (const auto& [up_to, rate] :
       std::vector<std::pair<int64_t, int32_t>>{{10'000'00, 100}, {50'000'00, 200}, {0, 300}}) {
    v1::TierBand& band = *plan.add_bands();
    band.set_up_to(up_to);
    band.set_rate_bp(rate);
  }
  plan.mutable_new_customer_bonus()->set_units(500'00);
  plan.mutable_new_customer_bonus()->set_currency("CNY");
  v1::Spiff& spiff = *plan.add_spiffs();
  spiff.set_spiff_id("ai-launch");
  spiff.set_sku("CRM-AI");
  spiff.mutable_from()->set_year(2026);
  spiff.mutable_from()->set_month(5);
  spiff.mutable_from()->set_day(1);
  spiff.mutable_to()->set_year(2026);
  spiff.mutable_to()->set_month(5);
  spiff.mutable_to()->set_day(31);
  spiff.mutable_per_unit()->set_units(50'00);
  spiff.mutable_per_unit()->set_currency("CNY");
  return plan;
}

// The same bands, retroactive, with no bonus or SPIFF.
inline v1::CompensationPlan RetroactivePlan() {
  v1::CompensationPlan plan = StepPlan();
  plan.set_plan_id("retro-2026");
  plan.set_name("Key accounts 2026 (retroactive)");
  plan.set_tier_mode(v1::TIER_MODE_RETROACTIVE);
  plan.clear_new_customer_bonus();
  plan.clear_spiffs();
  return plan;
}

inline LineShare Line(int64_t amount,
                      channels_v1::MarginClass margin_class = channels_v1::MARGIN_CLASS_STANDARD,
                      int64_t units = 1, std::string sku = "CRM-STD") {
  return {.line_no = 1,
          .sku = std::move(sku),
          .product_line_id = "crm",
          .margin_class = margin_class,
          .units = units,
          .amount = amount};
}

// A credit of order `order_id` (deal "D-<order>") on 2026-05-20, caused by event `cause`.
inline OrderFact Credit(std::string cause, const std::string& order_id,
                        std::vector<LineShare> lines) {
  OrderFact fact{
      .kind = FactKind::kCredit,
      .cause_event_id = std::move(cause),
      .occurred_at = absl::FromCivil(absl::CivilSecond(2026, 5, 20, 10, 0, 0), absl::UTCTimeZone()),
      .day = absl::CivilDay(2026, 5, 20),
      .order_id = order_id,
      .deal_id = "D-" + order_id};
  fact.lines = std::move(lines);
  return fact;
}

inline OrderFact Reversal(std::string cause, const std::string& order_id,
                          std::vector<LineShare> lines, std::string reason) {
  OrderFact fact = Credit(std::move(cause), order_id, std::move(lines));
  fact.kind = FactKind::kReversal;
  fact.reason = std::move(reason);
  return fact;
}

}  // namespace sales::incentives::fixtures

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_TEST_PLANS_H_
