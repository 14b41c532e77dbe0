#include "services/incentives/domain/ledger.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/money/rounding.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "services/incentives/domain/tiers.h"

namespace sales::incentives {
namespace {

constexpr int64_t kBp = 10'000;

TierSchedule ScheduleOf(const PlanInForce& in_force) {
  const v1::CompensationPlan& plan = in_force.plan;
  TierSchedule schedule{.mode = plan.tier_mode() == v1::TIER_MODE_RETROACTIVE
                                    ? TierMode::kRetroactive
                                    : TierMode::kStep,
                        .accelerator_bp = plan.accelerator_bp() == 0 ? static_cast<int32_t>(kBp)
                                                                     : plan.accelerator_bp(),
                        .target = in_force.revenue_target};
  schedule.bands.reserve(plan.bands_size());
  for (const v1::TierBand& band : plan.bands()) {
    schedule.bands.push_back({.up_to = band.up_to(), .rate_bp = band.rate_bp()});
  }
  return schedule;
}

int32_t ExtraRateBp(const v1::CompensationPlan& plan, channels_v1::MarginClass margin_class) {
  for (const v1::MarginClassRate& rate : plan.margin_class_rates()) {
    if (rate.margin_class() == margin_class) return rate.extra_rate_bp();
  }
  return 0;
}

bool InRange(const common::v1::Date& from, const common::v1::Date& to, absl::CivilDay day) {
  return day >= ToCivilDay(from) && day <= ToCivilDay(to);
}

// The SPIFF of `plan` that pays for `line` on `day`, if any (the first that matches).
const v1::Spiff* SpiffFor(const v1::CompensationPlan& plan, const LineShare& line,
                          absl::CivilDay day) {
  for (const v1::Spiff& spiff : plan.spiffs()) {
    const bool product = spiff.sku().empty() ? spiff.product_line_id() == line.product_line_id
                                             : spiff.sku() == line.sku;
    if (product && InRange(spiff.from(), spiff.to(), day)) return &spiff;
  }
  return nullptr;
}

// Builds one cause's event: numbers lines, applies the period's cap to what is earned.
class LinesBuilder {
 public:
  LinesBuilder(const RepLedger& ledger, const std::string& period, const std::string& cause,
               absl::Time at)
      : ledger_(ledger), totals_(ledger.Period(period)) {
    recorded_.set_cause_event_id(cause);
    recorded_.set_period(period);
    *recorded_.mutable_at() = ToTimestamp(at);
  }

  v1::LedgerLinesRecorded& recorded() { return recorded_; }
  PeriodTotals& totals() { return totals_; }

  // A new line of `kind`, numbered, with the fact's common fields.
  v1::LedgerLine& Line(v1::LineKind kind, const std::string& currency) {
    v1::LedgerLine& line = *recorded_.add_lines();
    line.set_line_no(ledger_.last_line_no() + recorded_.lines_size());
    line.set_kind(kind);
    line.set_rep_id(ledger_.rep_id());
    line.set_period(recorded_.period());
    line.mutable_amount()->set_currency(currency);
    line.add_cause_event_ids(recorded_.cause_event_id());
    *line.mutable_occurred_at() = recorded_.at();
    return line;
  }

  // Sets what `line` earns: `amount`, limited by the plan's cap for the period when positive.
  void Earn(v1::LedgerLine& line, int64_t amount, int64_t cap) {
    int64_t earned = amount;
    if (cap > 0 && amount > 0) earned = std::clamp<int64_t>(cap - totals_.earned, 0, amount);
    line.mutable_amount()->set_units(earned);
    line.set_uncapped_amount(amount);
    totals_.earned += earned;
  }

  void Credit(v1::Metric metric, int64_t amount, const std::string& product_line) {
    if (amount == 0) return;
    for (v1::MetricCredit& credit : *recorded_.mutable_credits()) {
      if (credit.metric() == metric && credit.product_line_id() == product_line) {
        credit.set_amount(credit.amount() + amount);
        return;
      }
    }
    v1::MetricCredit& credit = *recorded_.add_credits();
    credit.set_metric(metric);
    credit.set_amount(amount);
    credit.set_product_line_id(product_line);
  }

 private:
  const RepLedger& ledger_;
  PeriodTotals totals_;
  v1::LedgerLinesRecorded recorded_;
};

void SetOrderFields(v1::LedgerLine& line, const OrderFact& fact, const v1::CompensationPlan& plan) {
  line.set_order_id(fact.order_id);
  line.set_deal_id(fact.deal_id);
  line.set_plan_id(plan.plan_id());
  line.set_plan_version(plan.version());
  line.set_split_role(fact.role);
  line.set_share_bp(fact.share_bp);
}

// The revenue and units of `lines` per margin class, in class order.
std::map<int, int64_t> RevenueByClass(const std::vector<LineShare>& lines) {
  std::map<int, int64_t> revenue;
  for (const LineShare& line : lines) revenue[line.margin_class] += line.amount;
  return revenue;
}

void DecideCredit(const OrderFact& fact, const PlanInForce& in_force, const OrderEarnings* order,
                  LinesBuilder& builder) {
  const v1::CompensationPlan& plan = in_force.plan;
  const std::string& currency = plan.base_pay().currency();
  const int64_t cap = plan.cap_per_period().units();
  const TierSchedule schedule = ScheduleOf(in_force);
  for (const auto& [margin_class, revenue] : RevenueByClass(fact.lines)) {
    if (revenue <= 0) continue;
    if (schedule.bands.empty()) {  // no plan: attainment only
      builder.totals().credited_revenue += revenue;
      continue;
    }
    const LineCommission commission =
        CommissionOnCredit(schedule, builder.totals().credited_revenue, revenue);
    v1::LedgerLine& line = builder.Line(v1::LINE_KIND_COMMISSION, currency);
    SetOrderFields(line, fact, plan);
    line.set_margin_class(static_cast<channels_v1::MarginClass>(margin_class));
    line.set_base_amount(revenue);
    line.set_rate_centi_bp(commission.rate_centi_bp);
    line.set_tier(commission.tier);
    builder.Earn(line, commission.commission, cap);
    if (commission.true_up != 0) {
      v1::LedgerLine& true_up = builder.Line(v1::LINE_KIND_TRUE_UP, currency);
      SetOrderFields(true_up, fact, plan);
      true_up.set_base_amount(builder.totals().credited_revenue);
      true_up.set_tier(commission.tier);
      builder.Earn(true_up, commission.true_up, cap);
    }
    builder.totals().credited_revenue += revenue;
    if (const int32_t extra_bp = ExtraRateBp(plan, line.margin_class()); extra_bp > 0) {
      v1::LedgerLine& premium = builder.Line(v1::LINE_KIND_MARGIN_PREMIUM, currency);
      SetOrderFields(premium, fact, plan);
      premium.set_margin_class(line.margin_class());
      premium.set_base_amount(revenue);
      premium.set_rate_centi_bp(int64_t{extra_bp} * 100);
      builder.Earn(premium, money::ApplyBasisPoints(revenue, extra_bp), cap);
    }
  }
  for (const LineShare& share : fact.lines) {
    const v1::Spiff* spiff = SpiffFor(plan, share, fact.day);
    if (spiff == nullptr || share.units <= 0) continue;
    v1::LedgerLine& line = builder.Line(v1::LINE_KIND_SPIFF, currency);
    SetOrderFields(line, fact, plan);
    line.set_sku(share.sku);
    line.set_base_amount(share.units);
    line.set_reason(spiff->spiff_id());
    builder.Earn(line, share.units * spiff->per_unit().units(), cap);
  }
  const bool first_credit_of_order = order == nullptr || !order->bonus_credited;
  if (fact.first_order_of_customer && first_credit_of_order) {
    if (const int64_t bonus = plan.new_customer_bonus().units(); bonus > 0) {
      v1::LedgerLine& line = builder.Line(v1::LINE_KIND_NEW_CUSTOMER_BONUS, currency);
      SetOrderFields(line, fact, plan);
      builder.Earn(line, money::ApplyBasisPoints(bonus, fact.share_bp), cap);
    }
  }
  for (const LineShare& share : fact.lines) {
    builder.Credit(v1::METRIC_REVENUE, share.amount, share.product_line_id);
    builder.Credit(v1::METRIC_VOLUME, share.units, share.product_line_id);
  }
  if (fact.first_order_of_customer && (order == nullptr || !order->new_customer_credited)) {
    builder.Credit(v1::METRIC_NEW_CUSTOMERS, 1, "");
  }
}

// The clawback of `reversed` more out of `credited` that earned `earned`, of which `clawed` was
// already clawed back after `reversed_before`: rounded on the running total.
int64_t RunningClawback(int64_t earned, int64_t credited, int64_t reversed_before, int64_t reversed,
                        int64_t clawed) {
  return Clawback(earned, credited, reversed_before + reversed) - clawed;
}

void DecideReversal(const OrderFact& fact, const PlanInForce& in_force, const OrderEarnings* order,
                    LinesBuilder& builder) {
  const v1::CompensationPlan& plan = in_force.plan;
  const std::string& currency = plan.base_pay().currency();
  const bool reduce = plan.reversals_reduce_attainment();
  auto add_clawback = [&](v1::LineKind reverses, int64_t base, int64_t amount) -> v1::LedgerLine& {
    v1::LedgerLine& line = builder.Line(v1::LINE_KIND_CLAWBACK, currency);
    SetOrderFields(line, fact, plan);
    line.set_reverses_kind(reverses);
    line.set_base_amount(base);
    line.set_reason(fact.reason);
    builder.Earn(line, amount, /*cap=*/0);
    return line;
  };
  std::map<int, std::pair<int64_t, int64_t>> reversed_by_class;  // requested, reversed
  if (order != nullptr) {
    for (const auto& [margin_class, requested] : RevenueByClass(fact.lines)) {
      const auto found = order->by_class.find(margin_class);
      if (found == order->by_class.end()) continue;
      const OrderEarnings::ByClass& earned = found->second;
      const int64_t reversed = std::min(requested, earned.credited - earned.reversed);
      if (reversed <= 0) continue;
      reversed_by_class[margin_class] = {requested, reversed};
      const int64_t commission = RunningClawback(
          earned.commission, earned.credited, earned.reversed, reversed, earned.commission_clawed);
      v1::LedgerLine& line = add_clawback(v1::LINE_KIND_COMMISSION, reversed, commission);
      line.set_margin_class(static_cast<channels_v1::MarginClass>(margin_class));
      if (earned.credited > 0) {
        line.set_rate_centi_bp(money::DivideHalfEven(
            static_cast<__int128>(earned.commission) * 1'000'000, earned.credited));
      }
      if (earned.premium != 0) {
        const int64_t premium = RunningClawback(earned.premium, earned.credited, earned.reversed,
                                                reversed, earned.premium_clawed);
        add_clawback(v1::LINE_KIND_MARGIN_PREMIUM, reversed, premium)
            .set_margin_class(static_cast<channels_v1::MarginClass>(margin_class));
      }
      if (reduce) builder.totals().credited_revenue -= reversed;
    }
    for (const LineShare& share : fact.lines) {
      const auto found = order->spiff_by_sku.find(share.sku);
      if (found == order->spiff_by_sku.end()) continue;
      const OrderEarnings::BySku& spiff = found->second;
      const int64_t units = std::min(share.units, spiff.units - spiff.reversed_units);
      if (units <= 0) continue;
      add_clawback(v1::LINE_KIND_SPIFF, units,
                   RunningClawback(spiff.spiff, spiff.units, spiff.reversed_units, units,
                                   spiff.spiff_clawed))
          .set_sku(share.sku);
    }
    if (fact.cancels_order && order->bonus + order->bonus_clawed > 0) {
      add_clawback(v1::LINE_KIND_NEW_CUSTOMER_BONUS, 1, -(order->bonus + order->bonus_clawed));
    }
  }
  if (!reduce) return;
  // Attainment drops by what was credited and is now reversed: each line its own amount, or,
  // when less of its class remained credited than asked, its part of that, half-even.
  for (const LineShare& share : fact.lines) {
    const int64_t requested = reversed_by_class[share.margin_class].first;
    const int64_t reversed = reversed_by_class[share.margin_class].second;
    if (reversed <= 0) continue;
    auto part = [&](int64_t value) {
      return reversed == requested
                 ? value
                 : money::DivideHalfEven(static_cast<__int128>(value) * reversed, requested);
    };
    builder.Credit(v1::METRIC_REVENUE, -part(share.amount), share.product_line_id);
    builder.Credit(v1::METRIC_VOLUME, -part(share.units), share.product_line_id);
  }
  if (fact.cancels_order && order != nullptr && order->new_customer_credited) {
    builder.Credit(v1::METRIC_NEW_CUSTOMERS, -1, "");
  }
}

}  // namespace

std::string LedgerPeriodOf(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d", day.year(), day.month());
}

void RepLedger::Apply(const v1::LedgerLinesRecorded& recorded) {
  causes_.insert(recorded.cause_event_id());
  PeriodTotals& totals = periods_[recorded.period()];
  for (const v1::MetricCredit& credit : recorded.credits()) {
    if (credit.metric() == v1::METRIC_REVENUE) totals.credited_revenue += credit.amount();
    if (credit.metric() == v1::METRIC_NEW_CUSTOMERS && !recorded.order_id().empty()) {
      orders_[recorded.order_id()].new_customer_credited = credit.amount() > 0;
    }
  }
  for (const v1::LedgerLine& line : recorded.lines()) ApplyLine(line);
}

void RepLedger::ApplyLine(const v1::LedgerLine& line) {
  last_line_no_ = std::max(last_line_no_, line.line_no());
  const int64_t amount = line.amount().units();
  if (line.kind() != v1::LINE_KIND_ADJUSTMENT) periods_[line.period()].earned += amount;
  if (line.order_id().empty()) return;
  OrderEarnings& order = orders_[line.order_id()];
  switch (line.kind()) {
    case v1::LINE_KIND_COMMISSION: {
      OrderEarnings::ByClass& by_class = order.by_class[line.margin_class()];
      by_class.credited += line.base_amount();
      by_class.commission += amount;
      break;
    }
    case v1::LINE_KIND_MARGIN_PREMIUM:
      order.by_class[line.margin_class()].premium += amount;
      break;
    case v1::LINE_KIND_SPIFF: {
      OrderEarnings::BySku& spiff = order.spiff_by_sku[line.sku()];
      spiff.units += line.base_amount();
      spiff.spiff += amount;
      break;
    }
    case v1::LINE_KIND_NEW_CUSTOMER_BONUS:
      order.bonus_credited = true;
      order.bonus += amount;
      break;
    case v1::LINE_KIND_CLAWBACK:
      switch (line.reverses_kind()) {
        case v1::LINE_KIND_COMMISSION: {
          OrderEarnings::ByClass& by_class = order.by_class[line.margin_class()];
          by_class.reversed += line.base_amount();
          by_class.commission_clawed += amount;
          break;
        }
        case v1::LINE_KIND_MARGIN_PREMIUM:
          order.by_class[line.margin_class()].premium_clawed += amount;
          break;
        case v1::LINE_KIND_SPIFF: {
          OrderEarnings::BySku& spiff = order.spiff_by_sku[line.sku()];
          spiff.reversed_units += line.base_amount();
          spiff.spiff_clawed += amount;
          break;
        }
        case v1::LINE_KIND_NEW_CUSTOMER_BONUS:
          order.bonus_clawed += amount;
          break;
        default:
          break;
      }
      break;
    default:
      break;  // true-ups re-rate the period, not an order; adjustments name no order
  }
}

PeriodTotals RepLedger::Period(const std::string& period) const {
  const auto found = periods_.find(period);
  return found == periods_.end() ? PeriodTotals{} : found->second;
}

const OrderEarnings* RepLedger::Order(const std::string& order_id) const {
  const auto found = orders_.find(order_id);
  return found == orders_.end() ? nullptr : &found->second;
}

std::optional<v1::LedgerLinesRecorded> DecideOrderLines(const RepLedger& ledger,
                                                        const PlanInForce& plan,
                                                        const OrderFact& fact) {
  if (ledger.Recorded(fact.cause_event_id)) return std::nullopt;
  LinesBuilder builder(ledger, LedgerPeriodOf(fact.day), fact.cause_event_id, fact.occurred_at);
  builder.recorded().set_order_id(fact.order_id);
  builder.recorded().set_deal_id(fact.deal_id);
  const OrderEarnings* order = ledger.Order(fact.order_id);
  if (fact.kind == FactKind::kCredit) {
    DecideCredit(fact, plan, order, builder);
  } else {
    DecideReversal(fact, plan, order, builder);
  }
  return std::move(builder.recorded());
}

std::optional<v1::LedgerLinesRecorded> DecideActivityCredit(const RepLedger& ledger,
                                                            const std::string& cause_event_id,
                                                            absl::CivilDay day, absl::Time at,
                                                            v1::Metric metric) {
  if (ledger.Recorded(cause_event_id)) return std::nullopt;
  LinesBuilder builder(ledger, LedgerPeriodOf(day), cause_event_id, at);
  builder.Credit(metric, 1, "");
  return std::move(builder.recorded());
}

std::optional<v1::LedgerLinesRecorded> DecideAdjustment(
    const RepLedger& ledger, const std::string& cause_event_id, const std::string& period,
    int64_t amount, const std::string& currency, const std::string& reason,
    const std::string& adjusted_by, absl::Time at) {
  if (ledger.Recorded(cause_event_id)) return std::nullopt;
  LinesBuilder builder(ledger, period, cause_event_id, at);
  v1::LedgerLine& line = builder.Line(v1::LINE_KIND_ADJUSTMENT, currency);
  line.set_reason(reason);
  line.set_adjusted_by(adjusted_by);
  line.mutable_amount()->set_units(amount);
  line.set_uncapped_amount(amount);
  return std::move(builder.recorded());
}

}  // namespace sales::incentives
