// PerformanceScript: orders-topic and incentives-topic events as the orders and incentives
// services would emit them, for the performance read model's tests and benchmarks. Each stream
// gets consecutive versions; every event carries its `at` in the payload and the envelope.
//
//   PerformanceScript script;
//   script.Order("O1", {.customer = "C1", .rep = "R-01", .team = "T-1", .region = "north",
//                       .channel = "ch-web", .lines = {{"P1", 60000}, {"P2", 40000}}}, at);
//   script.Confirm("O1", at, /*first_order_of_customer=*/true);
//   for (const EventEnvelope& event : script.events()) ...
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_TESTING_PERFORMANCE_SCRIPT_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_TESTING_PERFORMANCE_SCRIPT_H_

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/eventsourcing/event_codec.h"
#include "common/time/proto_time.h"
#include "sales/common/v1/envelope.pb.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/orders/v1/events.pb.h"

namespace sales::performance::testing {

namespace orders_v1 = ::sales::orders::v1;
namespace incentives_v1 = ::sales::incentives::v1;
using ::sales::common::v1::EventEnvelope;

struct ScriptLine {
  std::string product_line;
  int64_t net_amount = 0;  // CNY minor units
};

struct ScriptOrder {
  std::string customer;
  std::string rep;
  std::string team;
  std::string region;
  std::string channel;
  std::vector<ScriptLine> lines;
};

class PerformanceScript {
 public:
  void Order(const std::string& order_id, const ScriptOrder& order, absl::Time at) {
    orders_v1::OrderEvent event;
    orders_v1::OrderPlaced& placed = *event.mutable_order_placed();
    placed.set_order_id(order_id);
    placed.set_customer_id(order.customer);
    placed.set_rep_id(order.rep);
    placed.set_team_id(order.team);
    placed.set_region_id(order.region);
    placed.set_channel_id(order.channel);
    placed.set_currency("CNY");
    int64_t total = 0;
    for (const ScriptLine& line : order.lines) {
      orders_v1::OrderLine& added = *placed.add_lines();
      added.set_line_no(placed.lines_size());
      added.set_product_line_id(line.product_line);
      SetMoney(*added.mutable_net_amount(), line.net_amount);
      total += line.net_amount;
    }
    SetMoney(*placed.mutable_total(), total);
    *placed.mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Confirm(const std::string& order_id, absl::Time at, bool first_order_of_customer) {
    orders_v1::OrderEvent event;
    event.mutable_order_confirmed()->set_first_order_of_customer(first_order_of_customer);
    *event.mutable_order_confirmed()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Cancel(const std::string& order_id, absl::Time at) {
    orders_v1::OrderEvent event;
    event.mutable_order_cancelled()->set_from(orders_v1::ORDER_STATUS_CONFIRMED);
    *event.mutable_order_cancelled()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Invoice(const std::string& order_id, int64_t amount, absl::Time at) {
    orders_v1::OrderEvent event;
    SetMoney(*event.mutable_order_invoiced()->mutable_invoice()->mutable_amount(), amount);
    *event.mutable_order_invoiced()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  void Pay(const std::string& order_id, int64_t amount, absl::Time at) {
    orders_v1::OrderEvent event;
    SetMoney(*event.mutable_payment_received()->mutable_payment()->mutable_amount(), amount);
    *event.mutable_payment_received()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  // The order's invoice passed its due date owing `balance`.
  void Overdue(const std::string& order_id, int64_t balance, absl::Time at) {
    orders_v1::OrderEvent event;
    SetMoney(*event.mutable_invoice_overdue()->mutable_balance(), balance);
    *event.mutable_invoice_overdue()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  // A return of `amount` of line `line_no`.
  void Return(const std::string& order_id, int line_no, int64_t amount, absl::Time at) {
    orders_v1::OrderEvent event;
    orders_v1::OrderReturn& returned = *event.mutable_return_accepted()->mutable_order_return();
    orders_v1::ReturnLine& line = *returned.add_lines();
    line.set_line_no(line_no);
    SetMoney(*line.mutable_amount(), amount);
    SetMoney(*returned.mutable_credit_amount(), amount);
    *event.mutable_return_accepted()->mutable_at() = ToTimestamp(at);
    Add(OrderStream(order_id), event, at);
  }
  // A target of `node` ("rep:R-01", "company", …) for `period` ("2026-11"), replacing
  // `previous`.
  void Target(const std::string& node, const std::string& period, incentives_v1::Metric metric,
              int64_t value, int64_t previous, absl::Time at,
              const std::string& product_line = "") {
    incentives_v1::TargetsEvent event;
    incentives_v1::TargetSet& set = *event.mutable_target_set();
    set.mutable_target()->set_node_id(node);
    set.mutable_target()->set_period(period);
    set.mutable_target()->set_metric(metric);
    set.mutable_target()->set_product_line_id(product_line);
    set.mutable_target()->set_value(value);
    set.set_previous_value(previous);
    *set.mutable_at() = ToTimestamp(at);
    Add(absl::StrCat("targets-", period.substr(0, 4)), event, at);
  }
  // Ledger lines of `rep` (in `team`, `region`): a revenue credit and one commission line.
  void Credit(const std::string& rep, const std::string& team, const std::string& region,
              int64_t revenue, int64_t commission, absl::Time at,
              const std::string& product_line = "") {
    incentives_v1::LedgerEvent event;
    incentives_v1::LedgerLinesRecorded& recorded = *event.mutable_ledger_lines_recorded();
    recorded.set_cause_event_id(absl::StrCat("cause-", events_.size()));
    recorded.set_team_id(team);
    recorded.set_region_id(region);
    incentives_v1::MetricCredit& credit = *recorded.add_credits();
    credit.set_metric(incentives_v1::METRIC_REVENUE);
    credit.set_amount(revenue);
    credit.set_product_line_id(product_line);
    incentives_v1::LedgerLine& line = *recorded.add_lines();
    line.set_kind(incentives_v1::LINE_KIND_COMMISSION);
    line.set_rep_id(rep);
    SetMoney(*line.mutable_amount(), commission);
    *recorded.mutable_at() = ToTimestamp(at);
    Add(absl::StrCat("ledger-", rep), event, at);
  }

  const std::vector<EventEnvelope>& events() const { return events_; }

 private:
  static std::string OrderStream(const std::string& order_id) {
    return absl::StrCat("order-", order_id);
  }
  static void SetMoney(sales::common::v1::Money& money, int64_t units) {
    money.set_units(units);
    money.set_currency("CNY");
  }
  void Add(const std::string& stream, const google::protobuf::Message& wrapper, absl::Time at) {
    EventEnvelope& envelope = events_.emplace_back();
    envelope.set_event_id(absl::StrCat("e-", events_.size()));
    envelope.set_stream_id(stream);
    envelope.set_stream_version(++versions_[stream]);
    *envelope.mutable_occurred_at() = ToTimestamp(at);
    absl::StatusOr<google::protobuf::Any> payload = eventsourcing::PackEvent(wrapper);
    if (payload.ok()) envelope.mutable_payload()->Swap(&*payload);
  }

  std::vector<EventEnvelope> events_;
  std::map<std::string, uint64_t> versions_;
};

// One random order's events from `start` (and its rep's ledger event): 200 reps in 20 teams
// ("T<rep % 20>") and 5 regions, 12 channels, 8 product lines, 5000 customers; 90 % confirmed
// (the customer's first one time in five), of those 6 % cancelled, the rest invoiced, 5 % with a
// return, paid in one or two payments.
inline void AddRandomOrder(std::mt19937_64& rng, int n, absl::Time start,
                           PerformanceScript& script) {
  const int rep = static_cast<int>(rng() % 200);
  const std::string order_id = absl::StrCat("O", n);
  ScriptOrder order{.customer = absl::StrCat("C", rng() % 5000),
                    .rep = absl::StrCat("R", rep),
                    .team = absl::StrCat("T", rep % 20),
                    .region = absl::StrCat("G", rep % 5),
                    .channel = absl::StrCat("CH", rng() % 12)};
  const int lines = 1 + static_cast<int>(rng() % 3);
  int64_t total = 0;
  for (int i = 0; i < lines; ++i) {
    const int64_t amount = 10000 + static_cast<int64_t>(rng() % 500000);
    order.lines.push_back({absl::StrCat("P", rng() % 8), amount});
    total += amount;
  }
  absl::Time at = start;
  const auto later = [&](int max_hours) {
    at += absl::Hours(1 + static_cast<int64_t>(rng() % max_hours));
    return at;
  };
  script.Order(order_id, order, at);
  if (rng() % 10 == 0) return;
  script.Confirm(order_id, later(48), rng() % 5 == 0);
  script.Credit(order.rep, order.team, order.region, total, total / 100, at);
  if (rng() % 100 < 6) {
    script.Cancel(order_id, later(72));
    return;
  }
  script.Invoice(order_id, total, later(240));
  if (rng() % 20 == 0) script.Return(order_id, 1, order.lines[0].net_amount / 2, later(240));
  if (rng() % 2 == 0) {
    script.Pay(order_id, total / 2, later(500));
    script.Pay(order_id, total - total / 2, later(500));
  } else {
    script.Pay(order_id, total, later(700));
  }
}

}  // namespace sales::performance::testing

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_TESTING_PERFORMANCE_SCRIPT_H_
