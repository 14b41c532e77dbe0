// A randomized property test of the rep's ledger: random orders credited and then returned in
// parts or cancelled, their events interleaved at random (each order's own in order) and some
// delivered twice, under random step or retroactive plans. What the ledger records must equal a
// direct computation from the same history:
//   * the period's commission (commission and true-up lines) is the tier commission of its
//     total credited revenue (DOMAIN.md's definitions, computed at once), up to each line's
//     half-unit of rounding;
//   * each order's clawbacks per margin class are exactly −round(its commission × reversed ÷
//     credited), and an order reversed in full nets to exactly 0;
//   * the revenue credited is Σ credits − Σ reversals (when the plan reduces attainment);
//   * a duplicate changes nothing.
#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/money/rounding.h"
#include "gtest/gtest.h"
#include "services/incentives/domain/ledger.h"
#include "services/incentives/domain/test_plans.h"
#include "services/incentives/domain/tiers.h"

namespace sales::incentives {
namespace {

struct GeneratedOrder {
  std::string id;
  std::vector<LineShare> lines;
  std::vector<OrderFact> facts;  // the credit, then its reversals, in order
};

class History {
 public:
  explicit History(uint32_t seed) : random_(seed) {}

  std::vector<GeneratedOrder> Orders(int count) {
    std::vector<GeneratedOrder> orders;
    for (int i = 0; i < count; ++i) {
      GeneratedOrder order{.id = absl::StrCat("O-", i)};
      const int lines = Uniform(1, 3);
      for (int n = 1; n <= lines; ++n) {
        LineShare line = fixtures::Line(Uniform(1, 3'000'000),
                                        Uniform(0, 1) == 0 ? channels_v1::MARGIN_CLASS_STANDARD
                                                           : channels_v1::MARGIN_CLASS_HIGH,
                                        Uniform(1, 20), n == 1 ? "CRM-AI" : "ERP-CORE");
        line.line_no = n;
        order.lines.push_back(line);
      }
      OrderFact credit = fixtures::Credit(absl::StrCat(order.id, ":credit"), order.id, order.lines);
      credit.first_order_of_customer = Uniform(0, 3) == 0;
      order.facts.push_back(credit);
      const int outcome = Uniform(0, 3);  // 0 kept, 1 cancelled, 2 partial returns, 3 all returned
      if (outcome == 1) {
        OrderFact cancel = fixtures::Reversal(absl::StrCat(order.id, ":cancel"), order.id,
                                              order.lines, "cancelled");
        cancel.cancels_order = true;
        order.facts.push_back(cancel);
      } else if (outcome >= 2) {
        std::vector<LineShare> left = order.lines;
        for (int r = 0; r < 3; ++r) {
          std::vector<LineShare> returned;
          for (LineShare& line : left) {
            const bool last = r == 2 && outcome == 3;
            const int64_t units = last ? line.units : Uniform(0, static_cast<int>(line.units));
            if (units == 0) continue;
            LineShare part = line;
            part.units = units;
            part.amount =
                units == line.units
                    ? line.amount
                    : money::DivideHalfEven(static_cast<__int128>(line.amount) * units, line.units);
            line.units -= units;
            line.amount -= part.amount;
            returned.push_back(part);
          }
          if (returned.empty()) continue;
          OrderFact reversal = fixtures::Reversal(absl::StrCat(order.id, ":return-", r), order.id,
                                                  returned, "returned");
          reversal.day = absl::CivilDay(2026, 5, 25 + r);
          order.facts.push_back(reversal);
        }
      }
      orders.push_back(std::move(order));
    }
    return orders;
  }

  // Every order's facts interleaved at random, each order's in its own order; some twice.
  std::vector<OrderFact> Interleave(const std::vector<GeneratedOrder>& orders) {
    std::vector<size_t> next(orders.size(), 0);
    std::vector<OrderFact> sequence;
    std::vector<size_t> pending;
    for (size_t i = 0; i < orders.size(); ++i) pending.push_back(i);
    while (!pending.empty()) {
      const size_t pick = static_cast<size_t>(Uniform(0, static_cast<int>(pending.size()) - 1));
      const size_t order = pending[pick];
      sequence.push_back(orders[order].facts[next[order]]);
      if (Uniform(0, 9) == 0) sequence.push_back(sequence.back());  // redelivered
      if (++next[order] == orders[order].facts.size()) {
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
      }
    }
    return sequence;
  }

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

 private:
  std::mt19937 random_;
};

TierSchedule ScheduleOf(const v1::CompensationPlan& plan, int64_t target) {
  TierSchedule schedule{
      .mode =
          plan.tier_mode() == v1::TIER_MODE_RETROACTIVE ? TierMode::kRetroactive : TierMode::kStep,
      .accelerator_bp = plan.accelerator_bp() == 0 ? 10'000 : plan.accelerator_bp(),
      .target = target};
  for (const v1::TierBand& band : plan.bands()) {
    schedule.bands.push_back({.up_to = band.up_to(), .rate_bp = band.rate_bp()});
  }
  return schedule;
}

TEST(LedgerPropertyTest, RecordedTotalsEqualADirectComputationFromTheSameHistory) {
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    History history(seed);
    v1::CompensationPlan plan =
        history.Uniform(0, 1) == 0 ? fixtures::StepPlan() : fixtures::RetroactivePlan();
    plan.set_reversals_reduce_attainment(history.Uniform(0, 1) == 0);
    plan.set_accelerator_bp(history.Uniform(0, 1) == 0 ? 0 : 12'500);
    const int64_t target = history.Uniform(0, 1) == 0 ? 0 : 100'000'00;
    const std::vector<GeneratedOrder> orders = history.Orders(history.Uniform(1, 12));

    RepLedger ledger("zhang.min");
    std::vector<v1::LedgerLinesRecorded> recorded;
    for (const OrderFact& fact : history.Interleave(orders)) {
      std::optional<v1::LedgerLinesRecorded> next =
          DecideOrderLines(ledger, {.plan = plan, .revenue_target = target}, fact);
      if (!next) continue;  // a duplicate
      ledger.Apply(*next);
      recorded.push_back(*std::move(next));
    }

    // Per order and class: credited, commission, reversed, clawed; per period: revenue credits.
    struct ClassFigures {
      int64_t credited = 0, commission = 0, reversed = 0, clawed = 0;
    };
    std::map<std::string, std::map<int, ClassFigures>> by_order;
    std::map<std::string, int64_t> order_net;
    int64_t tier_lines = 0, tier_total = 0, credited = 0, revenue_credits = 0;
    for (const v1::LedgerLinesRecorded& event : recorded) {
      for (const v1::MetricCredit& credit : event.credits()) {
        if (credit.metric() == v1::METRIC_REVENUE) revenue_credits += credit.amount();
      }
      for (const v1::LedgerLine& line : event.lines()) {
        // A true-up re-rates the period's earlier credit, not the order that crossed the band.
        if (line.kind() != v1::LINE_KIND_TRUE_UP) {
          order_net[line.order_id()] += line.amount().units();
        }
        ClassFigures& figures = by_order[line.order_id()][line.margin_class()];
        if (line.kind() == v1::LINE_KIND_COMMISSION || line.kind() == v1::LINE_KIND_TRUE_UP) {
          ++tier_lines;
          tier_total += line.amount().units();
        }
        if (line.kind() == v1::LINE_KIND_COMMISSION) {
          figures.credited += line.base_amount();
          figures.commission += line.amount().units();
          credited += line.base_amount();
        }
        if (line.kind() == v1::LINE_KIND_CLAWBACK &&
            line.reverses_kind() == v1::LINE_KIND_COMMISSION) {
          figures.reversed += line.base_amount();
          figures.clawed += line.amount().units();
        }
      }
    }

    // Duplicates were recognised: one event per distinct fact.
    size_t facts = 0;
    for (const GeneratedOrder& order : orders) facts += order.facts.size();
    EXPECT_EQ(recorded.size(), facts);

    // Revenue: every credit, less the reversals when the plan says so.
    int64_t expected_credited = 0, expected_reversed = 0;
    for (const GeneratedOrder& order : orders) {
      for (const OrderFact& fact : order.facts) {
        for (const LineShare& line : fact.lines) {
          (fact.kind == FactKind::kCredit ? expected_credited : expected_reversed) += line.amount;
        }
      }
    }
    EXPECT_EQ(credited, expected_credited);
    EXPECT_EQ(revenue_credits, plan.reversals_reduce_attainment()
                                   ? expected_credited - expected_reversed
                                   : expected_credited);

    // Without reversals lowering the tier base, the period's tier earnings are the definition's
    // commission of its total, up to each line's half unit.
    if (!plan.reversals_reduce_attainment()) {
      const LineCommission direct =
          CommissionOnCredit(ScheduleOf(plan, target), 0, expected_credited);
      EXPECT_LE(std::abs(tier_total - direct.commission), (tier_lines + 1) / 2 + 1)
          << "ledger " << tier_total << " direct " << direct.commission;
    }

    // Clawbacks: exactly −round(commission × reversed ÷ credited), per order and class; a full
    // reversal nets the order to 0.
    for (const GeneratedOrder& order : orders) {
      int64_t reversed_total = 0;
      for (const OrderFact& fact : order.facts) {
        if (fact.kind != FactKind::kReversal) continue;
        for (const LineShare& line : fact.lines) reversed_total += line.amount;
      }
      int64_t order_total = 0;
      for (const LineShare& line : order.lines) order_total += line.amount;
      for (const auto& [margin_class, figures] : by_order[order.id]) {
        EXPECT_EQ(figures.clawed, Clawback(figures.commission, figures.credited, figures.reversed))
            << order.id;
      }
      if (reversed_total == order_total && order.facts.back().cancels_order) {
        EXPECT_EQ(order_net[order.id], 0) << order.id << " cancelled";
      }
      if (reversed_total == order_total) {
        for (const auto& [margin_class, figures] : by_order[order.id]) {
          EXPECT_EQ(figures.commission + figures.clawed, 0) << order.id;
        }
      }
    }
  }
}

}  // namespace
}  // namespace sales::incentives
