#include "services/incentives/demo_data.h"

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::incentives {
namespace {

constexpr int64_t kYuan = 100;  // minor units

common::v1::Money Cny(int64_t yuan) {
  common::v1::Money money;
  money.set_units(yuan * kYuan);
  money.set_currency("CNY");
  return money;
}

common::v1::Date Day(int year, int month, int day) {
  common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// Bands 2 % to 100k, 3 % to 300k, 4 % above (CNY).
void AddBands(v1::CompensationPlan& plan) {
  for (const auto& [up_to, rate] : std::vector<std::pair<int64_t, int32_t>>{
           {100'000 * kYuan, 200}, {300'000 * kYuan, 300}, {0, 400}}) {
    v1::TierBand& band = *plan.add_bands();
    band.set_up_to(up_to);
    band.set_rate_bp(rate);
  }
}

v1::CompensationPlan StepPlan() {
  v1::CompensationPlan plan;
  plan.set_plan_id("field-step-2026");
  plan.set_name("外勤销售 2026 阶梯提成 (step)");
  *plan.mutable_base_pay() = Cny(9'000);
  plan.set_basis(v1::COMMISSION_BASIS_BOOKED);
  plan.set_tier_mode(v1::TIER_MODE_STEP);
  AddBands(plan);
  v1::MarginClassRate& high = *plan.add_margin_class_rates();
  high.set_margin_class(channels::v1::MARGIN_CLASS_HIGH);
  high.set_extra_rate_bp(100);
  *plan.mutable_new_customer_bonus() = Cny(1'000);
  v1::Spiff& spiff = *plan.add_spiffs();
  spiff.set_spiff_id("crm-ai-launch");
  spiff.set_sku("CRM-AI");
  *spiff.mutable_from() = Day(2026, 11, 1);
  *spiff.mutable_to() = Day(2026, 12, 31);
  *spiff.mutable_per_unit() = Cny(200);
  *plan.mutable_cap_per_period() = Cny(50'000);
  plan.set_reversals_reduce_attainment(true);
  return plan;
}

v1::CompensationPlan KeyAccountPlan() {
  v1::CompensationPlan plan;
  plan.set_plan_id("key-account-retro-2026");
  plan.set_name("大客户 2026 全额累进 (retroactive)");
  *plan.mutable_base_pay() = Cny(12'000);
  plan.set_basis(v1::COMMISSION_BASIS_INVOICED);
  plan.set_tier_mode(v1::TIER_MODE_RETROACTIVE);
  AddBands(plan);
  plan.set_accelerator_bp(15'000);  // ×1.5 beyond the monthly target
  plan.set_reversals_reduce_attainment(false);
  return plan;
}

class Seeder {
 public:
  Seeder(IncentivesApp& app, runtime::DemoClock& clock) : app_(app), clock_(clock) {}

  absl::StatusOr<DemoIncentivesSummary> Seed() {
    clock_.SetBehind(absl::ZeroDuration());
    DemoIncentivesSummary summary;
    for (const v1::CompensationPlan& plan : {StepPlan(), KeyAccountPlan()}) {
      auto request = WithMeta<v1::PublishPlanRequest>();
      *request.mutable_plan() = plan;
      RETURN_IF_ERROR(Run(absl::StrCat("publish ", plan.plan_id()),
                          app_.PublishPlan(request, Origin()).status()));
      ++summary.plans;
    }
    for (const auto& [rep, plan] :
         std::vector<std::pair<const char*, const char*>>{{"zhang.min", "key-account-retro-2026"},
                                                          {"wang.hao", "key-account-retro-2026"},
                                                          {"li.xue", "field-step-2026"},
                                                          {"zhou.peng", "field-step-2026"},
                                                          {"chen.yu", "field-step-2026"},
                                                          {"huang.lan", "field-step-2026"}}) {
      auto request = WithMeta<v1::AssignPlanRequest>();
      request.mutable_assignment()->set_rep_id(rep);
      request.mutable_assignment()->set_plan_id(plan);
      request.mutable_assignment()->set_from_period("2026-01");
      RETURN_IF_ERROR(
          Run(absl::StrCat("assign ", rep), app_.AssignPlan(request, Origin()).status()));
    }
    {
      auto request = WithMeta<v1::SetCreditSplitRequest>();
      request.set_deal_id("D-2026-001");
      request.set_reason("陪同拜访: the manager closed it with the owner");
      for (const auto& [rep, role, bp] : std::vector<std::tuple<const char*, v1::SplitRole, int>>{
               {"wang.hao", v1::SPLIT_ROLE_OWNER, 7'000},
               {"zhang.min", v1::SPLIT_ROLE_MANAGER, 3'000}}) {
        v1::SplitShare& share = *request.add_shares();
        share.set_rep_id(rep);
        share.set_role(role);
        share.set_share_bp(bp);
      }
      RETURN_IF_ERROR(Run("split D-2026-001", app_.SetCreditSplit(request, Origin()).status()));
      ++summary.splits;
    }
    RETURN_IF_ERROR(SeedTargets(summary));
    {
      auto close = WithMeta<v1::ClosePeriodRequest>();
      close.set_period("2026-10");
      RETURN_IF_ERROR(Run("close 2026-10", app_.ClosePeriod(close, Origin()).status()));
      auto approve = WithMeta<v1::ApprovePeriodRequest>();
      approve.mutable_meta()->set_actor("zhang.min");
      approve.set_period("2026-10");
      RETURN_IF_ERROR(Run("approve 2026-10", app_.ApprovePeriod(approve, Origin()).status()));
    }
    return summary;
  }

 private:
  absl::Status SeedTargets(DemoIncentivesSummary& summary) {
    auto set = WithMeta<v1::SetTargetRequest>();
    set.mutable_target()->set_node_id("company");
    set.mutable_target()->set_period("2026");
    set.mutable_target()->set_metric(v1::METRIC_REVENUE);
    set.mutable_target()->set_value(12'000'000 * kYuan);
    RETURN_IF_ERROR(Run("company target", app_.SetTarget(set, Origin()).status()));
    ++summary.targets;
    // The company into quarters, and down the org: east twice south.
    RETURN_IF_ERROR(Decompose("company", "2026", v1::DECOMPOSE_INTO_SUB_PERIODS, {}, summary));
    RETURN_IF_ERROR(Decompose("company", "2026", v1::DECOMPOSE_INTO_ORG_CHILDREN, {2, 1}, summary));
    // The demo has a region and a team both called "south": name them by kind.
    for (const char* node :
         {"region:east", "region:south", "team:east-ent", "team:east-smb", "team:south"}) {
      RETURN_IF_ERROR(Decompose(node, "2026", v1::DECOMPOSE_INTO_ORG_CHILDREN, {}, summary));
    }
    for (const char* rep : {"zhang.min", "wang.hao", "li.xue", "zhou.peng", "chen.yu"}) {
      RETURN_IF_ERROR(Decompose(rep, "2026", v1::DECOMPOSE_INTO_SUB_PERIODS, {}, summary));
      RETURN_IF_ERROR(Decompose(rep, "2026-Q4", v1::DECOMPOSE_INTO_SUB_PERIODS, {}, summary));
    }
    // The gap: huang.lan's year below her share of the south team's (2,000,000).
    set.mutable_target()->set_node_id("huang.lan");
    set.mutable_target()->set_value(1'500'000 * kYuan);
    RETURN_IF_ERROR(Run("huang.lan's target", app_.SetTarget(set, Origin()).status()));
    RETURN_IF_ERROR(Decompose("huang.lan", "2026", v1::DECOMPOSE_INTO_SUB_PERIODS, {}, summary));
    RETURN_IF_ERROR(Decompose("huang.lan", "2026-Q4", v1::DECOMPOSE_INTO_SUB_PERIODS, {}, summary));
    // The KPI scorecard beyond revenue: visits and proposals for December.
    for (const auto& [metric, value] : std::vector<std::pair<v1::Metric, int64_t>>{
             {v1::METRIC_VISITS, 20}, {v1::METRIC_PROPOSALS, 6}}) {
      for (const char* rep : {"wang.hao", "huang.lan"}) {
        set.mutable_target()->set_node_id(rep);
        set.mutable_target()->set_period("2026-12");
        set.mutable_target()->set_metric(metric);
        set.mutable_target()->set_value(value);
        RETURN_IF_ERROR(
            Run(absl::StrCat(rep, "'s December target"), app_.SetTarget(set, Origin()).status()));
        ++summary.targets;
      }
    }
    return absl::OkStatus();
  }

  absl::Status Decompose(const std::string& node, const std::string& period, v1::DecomposeInto into,
                         const std::vector<int64_t>& weights, DemoIncentivesSummary& summary) {
    auto request = WithMeta<v1::DecomposeTargetRequest>();
    request.set_node_id(node);
    request.set_period(period);
    request.set_metric(v1::METRIC_REVENUE);
    request.set_into(into);
    for (int64_t weight : weights) request.add_weights(weight);
    RETURN_IF_ERROR(Run(absl::StrCat("decompose ", node, " ", period),
                        app_.DecomposeTarget(request, Origin()).status()));
    ++summary.targets;
    return absl::OkStatus();
  }

  template <typename Request>
  static Request WithMeta() {
    Request request;
    request.mutable_meta()->set_actor(runtime::kDemoActor);
    return request;
  }
  CallOrigin Origin() { return {.correlation_id = absl::StrCat("demo-incentives-", ++calls_)}; }
  static absl::Status Run(absl::string_view what, const absl::Status& status) {
    if (status.ok()) return status;
    return absl::Status(status.code(),
                        absl::StrCat("demo incentives: ", what, ": ", status.message()));
  }

  IncentivesApp& app_;
  runtime::DemoClock& clock_;
  int calls_ = 0;
};

}  // namespace

absl::StatusOr<DemoIncentivesSummary> SeedDemoData(IncentivesApp& app, runtime::DemoClock& clock) {
  return Seeder(app, clock).Seed();
}

}  // namespace sales::incentives
