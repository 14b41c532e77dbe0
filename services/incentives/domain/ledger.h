// The commission ledger of one rep (../shared/DOMAIN.md §4 "Commission ledger"): what each causing
// event — an order credited or reversed under the rep's plan, a visit or proposal logged, a manual
// adjustment — earned the rep, as ledger lines that each name their period, base amount, rate,
// tier, plan version and the events that caused them.
//
// The ledger is a fold of its own events (LedgerLinesRecorded, one per cause), and the decisions
// below read nothing but that fold, the plan and the rep's target:
//
//   RepLedger ledger("zhang.min");
//   for (const v1::LedgerLinesRecorded& recorded : history) ledger.Apply(recorded);
//   std::optional<v1::LedgerLinesRecorded> next =
//       DecideOrderLines(ledger, {.plan = plan, .revenue_target = 50'000'00}, fact);
//   if (next) { append it; ledger.Apply(*next); }   // nullopt: the cause is already recorded
//
// Rules (DOMAIN.md Definitions):
// - A credit earns tier commission on its revenue at the period's credited revenue so far
//   (step or retroactive; a retroactive band crossing adds a TRUE_UP line), the accelerator
//   beyond the monthly revenue target, a margin class's extra rate (MARGIN_PREMIUM), SPIFFs per
//   unit in their date range, and the new-customer bonus once per order (the customer's first).
// - A reversal (cancel, return, refund) claws back −(the rate originally applied × the reversed
//   amount), per margin class, in the period of the reversal; successive reversals are rounded on
//   their running total, so a full reversal nets the order's earnings to exactly 0. A cancel
//   claws back the bonus too. The plan decides whether the revenue credited drops as well.
// - The plan's cap per period limits the month's earnings (all lines but adjustments); a capped
//   line keeps what it would have been (uncapped_amount).
// - Half-even to the minor unit, once per line.
//
// Pure; not thread-safe (a RepLedger is one aggregate's state).
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_LEDGER_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_LEDGER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/incentives/v1/model.pb.h"

namespace sales::incentives {

namespace channels_v1 = ::sales::channels::v1;

// The month of `day` as a ledger period, "YYYY-MM".
std::string LedgerPeriodOf(absl::CivilDay day);

// What the rep's ledger knows of one order: for each margin class, what was credited and earned
// and how much of it was reversed since; per SKU the SPIFF units; the bonus.
struct OrderEarnings {
  struct ByClass {
    int64_t credited = 0;    // revenue credited
    int64_t commission = 0;  // commission lines on it (true-ups excluded: they re-rate periods)
    int64_t premium = 0;     // margin premium lines
    int64_t reversed = 0;    // revenue reversed since
    int64_t commission_clawed = 0;  // ≤ 0
    int64_t premium_clawed = 0;     // ≤ 0
  };
  struct BySku {
    int64_t units = 0;
    int64_t spiff = 0;
    int64_t reversed_units = 0;
    int64_t spiff_clawed = 0;  // ≤ 0
  };
  std::map<int, ByClass> by_class;  // channels_v1::MarginClass
  std::map<std::string, BySku> spiff_by_sku;
  bool bonus_credited = false;
  int64_t bonus = 0;
  int64_t bonus_clawed = 0;  // ≤ 0
  bool new_customer_credited = false;
};

// What the rep's ledger knows of one month.
struct PeriodTotals {
  int64_t credited_revenue =
      0;               // the tier base: revenue credited (less reversals, if the plan says)
  int64_t earned = 0;  // Σ lines but adjustments: what the cap limits
};

// The fold of a rep's LedgerLinesRecorded events.
class RepLedger {
 public:
  explicit RepLedger(std::string rep_id = "") : rep_id_(std::move(rep_id)) {}

  void Apply(const v1::LedgerLinesRecorded& recorded);

  const std::string& rep_id() const { return rep_id_; }
  bool Recorded(const std::string& cause_event_id) const {
    return causes_.contains(cause_event_id);
  }
  int32_t last_line_no() const { return last_line_no_; }
  PeriodTotals Period(const std::string& period) const;
  const OrderEarnings* Order(const std::string& order_id) const;

 private:
  void ApplyLine(const v1::LedgerLine& line);

  std::string rep_id_;
  int32_t last_line_no_ = 0;
  absl::flat_hash_set<std::string> causes_;
  std::map<std::string, PeriodTotals> periods_;
  absl::flat_hash_map<std::string, OrderEarnings> orders_;
};

// One order line's share credited to (or reversed from) the rep: the split already applied.
struct LineShare {
  int32_t line_no = 0;
  std::string sku;
  std::string product_line_id;
  channels_v1::MarginClass margin_class = channels_v1::MARGIN_CLASS_STANDARD;
  int64_t units = 0;   // the rep's share of the units
  int64_t amount = 0;  // the rep's share of the revenue (minor units), > 0
};

enum class FactKind { kCredit, kReversal };

// What one order event means for one rep's ledger.
struct OrderFact {
  FactKind kind = FactKind::kCredit;
  std::string cause_event_id;
  absl::Time occurred_at;
  absl::CivilDay day;  // the business day of the event: its period and SPIFF ranges
  std::string order_id;
  std::string deal_id;
  v1::SplitRole role = v1::SPLIT_ROLE_OWNER;
  int32_t share_bp = 10'000;
  bool first_order_of_customer = false;  // credits: earns the new-customer bonus once
  bool cancels_order = false;            // reversals: the whole order (the bonus goes too)
  std::string reason;                    // reversals: "cancelled", "returned", "refunded"
  std::vector<LineShare> lines;
};

struct PlanInForce {
  const v1::CompensationPlan& plan;
  int64_t revenue_target = 0;  // the rep's target for the month (0: none, no accelerator)
};

// The lines `fact` earns the rep, or nullopt when its cause is already recorded. A credit earns
// at least its metric credits; a reversal of nothing credited records its metric credits only
// (if the plan reduces attainment) or nothing at all (an empty event is still recorded, so a
// replay is recognised).
std::optional<v1::LedgerLinesRecorded> DecideOrderLines(const RepLedger& ledger,
                                                        const PlanInForce& plan,
                                                        const OrderFact& fact);

// A visit or proposal logged (metric credit 1), or nullopt when already recorded.
std::optional<v1::LedgerLinesRecorded> DecideActivityCredit(const RepLedger& ledger,
                                                            const std::string& cause_event_id,
                                                            absl::CivilDay day, absl::Time at,
                                                            v1::Metric metric);

// A manual adjustment (any sign but 0) with its reason, or nullopt when already recorded.
std::optional<v1::LedgerLinesRecorded> DecideAdjustment(
    const RepLedger& ledger, const std::string& cause_event_id, const std::string& period,
    int64_t amount, const std::string& currency, const std::string& reason,
    const std::string& adjusted_by, absl::Time at);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_LEDGER_H_
