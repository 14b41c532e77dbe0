#include "services/projections/performance/model/performance_projection.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "common/eventsourcing/event_codec.h"
#include "common/projection/counter_row.h"
#include "common/projection/row_codec.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/orders/v1/events.pb.h"
#include "sales/projections/v1/performance_state.pb.h"
#include "services/projections/performance/model/keys.h"

namespace sales::performance {
namespace {

namespace orders_v1 = ::sales::orders::v1;
namespace incentives_v1 = ::sales::incentives::v1;
using ::google::protobuf::Timestamp;
using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionTxn;

// Stream names of the topics' contracts (orders' and incentives' events.proto).
constexpr absl::string_view kOrderStreamPrefix = "order-";
constexpr absl::string_view kTargetsStreamPrefix = "targets-";
constexpr absl::string_view kLedgerStreamPrefix = "ledger-";

// When the fact happened: the payload's `at`, or the envelope's occurred_at without one.
absl::StatusOr<absl::Time> FactTime(const Timestamp& at, const EventEnvelope& envelope) {
  const Timestamp& chosen = (at.seconds() != 0 || at.nanos() != 0) ? at : envelope.occurred_at();
  if (!IsValidTimestamp(chosen)) return InvalidField("at", "not a valid timestamp");
  return FromTimestamp(chosen);
}

uint32_t CurrencySub(absl::string_view currency) {
  return static_cast<uint32_t>(periods::CurrencyCode(currency));
}

struct Scope {
  int dimension;
  std::string value;
};

// Adds deltas to the cells of one instant: every stored granularity's period holding it.
class Cells {
 public:
  Cells(ProjectionTxn& txn, absl::Time at) : txn_(txn) {
    for (int g = 0; g < kGranularityCount; ++g) {
      periods_[g] = periods::PeriodIndexOf(periods::kGranularities[g], at);
    }
  }

  absl::Status Add(const Scope& scope, uint32_t slot, int64_t delta) {
    if (delta == 0) return absl::OkStatus();
    for (int g = 0; g < kGranularityCount; ++g) {
      ASSIGN_OR_RETURN(
          projection::CounterRow * row,
          projection::MutableCounterRow(txn_, CellKey(periods::kGranularities[g], periods_[g],
                                                      scope.dimension, scope.value)));
      row->Add(slot, delta);
    }
    return absl::OkStatus();
  }

  absl::Status Add(const std::vector<Scope>& scopes, uint32_t slot, int64_t delta) {
    for (const Scope& scope : scopes) RETURN_IF_ERROR(Add(scope, slot, delta));
    return absl::OkStatus();
  }

  // One more (`delta` 1) or one fewer (−1: a cancellation) confirmed order of `customer` in
  // every period of `scope`: a buyer from the first, a repeat buyer from the second.
  absl::Status AddPurchase(const Scope& scope, const std::string& customer, int delta) {
    for (int g = 0; g < kGranularityCount; ++g) {
      const std::string key =
          BuyerKey(periods::kGranularities[g], periods_[g], scope.dimension, scope.value, customer);
      if (key.empty()) continue;
      ASSIGN_OR_RETURN(std::optional<std::string> stored, txn_.Get(key));
      int64_t before = 0;
      if (stored.has_value() && !absl::SimpleAtoi(*stored, &before)) {
        return absl::DataLossError("performance: a buyer row does not decode");
      }
      const int64_t after = before + delta;
      if (after <= 0) {
        txn_.Delete(key);
      } else {
        txn_.Put(key, std::to_string(after));
      }
      // The count crossed 1 (a buyer) or 2 (a repeat buyer), up or down.
      const int64_t crossed = delta > 0 ? after : before;
      if (crossed != 1 && crossed != 2) continue;
      ASSIGN_OR_RETURN(
          projection::CounterRow * row,
          projection::MutableCounterRow(txn_, CellKey(periods::kGranularities[g], periods_[g],
                                                      scope.dimension, scope.value)));
      row->Add(Slot(crossed == 1 ? SlotKind::kBuyers : SlotKind::kRepeatBuyers), delta);
    }
    return absl::OkStatus();
  }

 private:
  static constexpr int kGranularityCount = 5;
  ProjectionTxn& txn_;
  int64_t periods_[kGranularityCount];
};

// ---- Orders ----

// The scopes an order counts under as a whole.
std::vector<Scope> OrderScopes(const v1::PerformanceOrderState& order) {
  return {{kAllDimension, ""},
          {v1::PERFORMANCE_DIMENSION_REP, order.rep_id()},
          {v1::PERFORMANCE_DIMENSION_TEAM, order.team_id()},
          {v1::PERFORMANCE_DIMENSION_REGION, order.region_id()},
          {v1::PERFORMANCE_DIMENSION_CHANNEL, order.channel_id()}};
}

// Per product line of the order: `amount_of(line)` summed over its lines.
template <typename AmountOf>
std::map<std::string, int64_t> ByProductLine(const v1::PerformanceOrderState& order,
                                             AmountOf amount_of) {
  std::map<std::string, int64_t> sums;
  for (const v1::PerformanceOrderLine& line : order.lines()) {
    sums[line.product_line_id()] += amount_of(line);
  }
  return sums;
}

Scope ProductLineScope(const std::string& product_line) {
  return {v1::PERFORMANCE_DIMENSION_PRODUCT_LINE, product_line};
}

int64_t Unreturned(const v1::PerformanceOrderLine& line) {
  return line.net_amount() - line.returned();
}

absl::Status CheckPlaced(const orders_v1::OrderPlaced& placed) {
  RETURN_IF_ERROR(ValidateCurrency("currency", placed.currency()));
  RETURN_IF_ERROR(ValidateMoney("total", placed.total()));
  for (const orders_v1::OrderLine& line : placed.lines()) {
    RETURN_IF_ERROR(ValidateMoney("lines.net_amount", line.net_amount()));
  }
  return absl::OkStatus();
}

absl::Status Place(const orders_v1::OrderPlaced& placed, v1::PerformanceOrderState& order) {
  RETURN_IF_ERROR(CheckPlaced(placed));
  order.set_customer_id(placed.customer_id());
  order.set_rep_id(placed.rep_id());
  order.set_team_id(placed.team_id());
  order.set_region_id(placed.region_id());
  order.set_channel_id(placed.channel_id());
  order.set_currency(placed.currency());
  order.set_total(placed.total().units());
  for (const orders_v1::OrderLine& line : placed.lines()) {
    v1::PerformanceOrderLine& kept = *order.add_lines();
    kept.set_line_no(line.line_no());
    kept.set_product_line_id(line.product_line_id());
    kept.set_net_amount(line.net_amount().units());
  }
  return absl::OkStatus();
}

// Every scope of the order: its own and its lines' product lines.
std::vector<Scope> AllScopes(const v1::PerformanceOrderState& order) {
  std::vector<Scope> scopes = OrderScopes(order);
  for (const auto& [product_line, amount] :
       ByProductLine(order, [](const auto& line) { return line.net_amount(); })) {
    scopes.push_back(ProductLineScope(product_line));
  }
  return scopes;
}

absl::Status Confirm(const orders_v1::OrderConfirmed& confirmed, absl::Time at,
                     v1::PerformanceOrderState& order, Cells& cells) {
  order.set_confirmed(true);
  order.set_confirmed_at(absl::ToUnixSeconds(at));
  order.set_first_order(confirmed.first_order_of_customer());
  const uint32_t currency = CurrencySub(order.currency());
  const std::vector<Scope> scopes = OrderScopes(order);
  const int64_t new_customer = order.first_order() ? 1 : 0;
  for (const Scope& scope : scopes) {
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kBooked, currency), order.total()));
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kOrders, currency), 1));
  }
  for (const auto& [product_line, amount] :
       ByProductLine(order, [](const auto& line) { return line.net_amount(); })) {
    const Scope scope = ProductLineScope(product_line);
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kBooked, currency), amount));
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kOrders, currency), 1));
  }
  for (const Scope& scope : AllScopes(order)) {
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kNewCustomers), new_customer));
    RETURN_IF_ERROR(cells.AddPurchase(scope, order.customer_id(), 1));
  }
  return absl::OkStatus();
}

// A cancelled order: its revenue, order and new customer are taken back in the period of the
// cancellation (like a clawback); its purchase leaves the periods it was confirmed in (a
// cancelled order is no purchase).
absl::Status Cancel(v1::PerformanceOrderState& order, ProjectionTxn& txn, Cells& cells) {
  order.set_cancelled(true);
  if (!order.confirmed()) return absl::OkStatus();
  Cells at_confirmation(txn, absl::FromUnixSeconds(order.confirmed_at()));
  for (const Scope& scope : AllScopes(order)) {
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kNewCustomers), order.first_order() ? -1 : 0));
    RETURN_IF_ERROR(at_confirmation.AddPurchase(scope, order.customer_id(), -1));
  }
  const uint32_t currency = CurrencySub(order.currency());
  int64_t unreturned = 0;
  for (const auto& line : order.lines()) unreturned += Unreturned(line);
  for (const Scope& scope : OrderScopes(order)) {
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kBooked, currency), -unreturned));
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kOrders, currency), -1));
  }
  for (const auto& [product_line, amount] : ByProductLine(order, Unreturned)) {
    const Scope scope = ProductLineScope(product_line);
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kBooked, currency), -amount));
    RETURN_IF_ERROR(cells.Add(scope, Slot(SlotKind::kOrders, currency), -1));
  }
  return absl::OkStatus();
}

absl::Status Invoice(const orders_v1::OrderInvoiced& invoiced, v1::PerformanceOrderState& order,
                     Cells& cells) {
  order.set_invoiced(true);
  const uint32_t currency = CurrencySub(order.currency());
  RETURN_IF_ERROR(cells.Add(OrderScopes(order), Slot(SlotKind::kInvoiced, currency),
                            invoiced.invoice().amount().units()));
  for (const auto& [product_line, amount] : ByProductLine(order, Unreturned)) {
    RETURN_IF_ERROR(
        cells.Add(ProductLineScope(product_line), Slot(SlotKind::kInvoiced, currency), amount));
  }
  return absl::OkStatus();
}

absl::Status Return(const orders_v1::OrderReturn& returned, v1::PerformanceOrderState& order,
                    Cells& cells) {
  const uint32_t currency = CurrencySub(order.currency());
  const int64_t credit = returned.credit_amount().units();
  std::vector<uint32_t> slots = {Slot(SlotKind::kBooked, currency)};
  if (order.invoiced()) slots.push_back(Slot(SlotKind::kInvoiced, currency));
  for (const uint32_t slot : slots) RETURN_IF_ERROR(cells.Add(OrderScopes(order), slot, -credit));
  std::map<std::string, int64_t> by_product_line;
  for (const orders_v1::ReturnLine& line : returned.lines()) {
    for (v1::PerformanceOrderLine& kept : *order.mutable_lines()) {
      if (kept.line_no() != line.line_no()) continue;
      kept.set_returned(kept.returned() + line.amount().units());
      by_product_line[kept.product_line_id()] += line.amount().units();
    }
  }
  for (const auto& [product_line, amount] : by_product_line) {
    for (const uint32_t slot : slots) {
      RETURN_IF_ERROR(cells.Add(ProductLineScope(product_line), slot, -amount));
    }
  }
  return absl::OkStatus();
}

// The event's poison checks (before any counter row is touched) and its time.
absl::StatusOr<absl::Time> CheckOrderEvent(const orders_v1::OrderEvent& event,
                                           const EventEnvelope& envelope) {
  switch (event.event_case()) {
    case orders_v1::OrderEvent::kOrderPlaced:
      RETURN_IF_ERROR(CheckPlaced(event.order_placed()));
      return FactTime(event.order_placed().at(), envelope);
    case orders_v1::OrderEvent::kOrderConfirmed:
      return FactTime(event.order_confirmed().at(), envelope);
    case orders_v1::OrderEvent::kOrderCancelled:
      return FactTime(event.order_cancelled().at(), envelope);
    case orders_v1::OrderEvent::kOrderInvoiced:
      RETURN_IF_ERROR(ValidateMoney("invoice.amount", event.order_invoiced().invoice().amount()));
      return FactTime(event.order_invoiced().at(), envelope);
    case orders_v1::OrderEvent::kPaymentReceived:
      RETURN_IF_ERROR(ValidateMoney("payment.amount", event.payment_received().payment().amount()));
      return FactTime(event.payment_received().at(), envelope);
    case orders_v1::OrderEvent::kReturnAccepted: {
      const orders_v1::OrderReturn& returned = event.return_accepted().order_return();
      RETURN_IF_ERROR(ValidateMoney("order_return.credit_amount", returned.credit_amount()));
      for (const orders_v1::ReturnLine& line : returned.lines()) {
        RETURN_IF_ERROR(ValidateMoney("order_return.lines.amount", line.amount()));
      }
      return FactTime(event.return_accepted().at(), envelope);
    }
    default:
      return absl::Time();  // not counted
  }
}

absl::Status ApplyOrder(absl::string_view stream_id, const EventEnvelope& envelope,
                        ProjectionTxn& txn) {
  orders_v1::OrderEvent event;
  RETURN_IF_ERROR(
      eventsourcing::UnpackProjectedEvent(PerformanceProjection::kName, envelope.payload(), event));
  ASSIGN_OR_RETURN(const absl::Time at, CheckOrderEvent(event, envelope));
  const std::string key = OrderKey(stream_id);
  ASSIGN_OR_RETURN(v1::PerformanceOrderState order, projection::LoadRow<v1::PerformanceOrderState>(
                                                        txn, key, PerformanceProjection::kName));
  const bool placed = !order.currency().empty();
  Cells cells(txn, at);
  switch (event.event_case()) {
    case orders_v1::OrderEvent::kOrderPlaced:
      if (placed) return absl::OkStatus();
      RETURN_IF_ERROR(Place(event.order_placed(), order));
      break;
    case orders_v1::OrderEvent::kOrderConfirmed:
      if (!placed || order.confirmed() || order.cancelled()) return absl::OkStatus();
      RETURN_IF_ERROR(Confirm(event.order_confirmed(), at, order, cells));
      break;
    case orders_v1::OrderEvent::kOrderCancelled:
      if (!placed || order.cancelled()) return absl::OkStatus();
      RETURN_IF_ERROR(Cancel(order, txn, cells));
      break;
    case orders_v1::OrderEvent::kOrderInvoiced:
      if (!placed || order.invoiced()) return absl::OkStatus();
      RETURN_IF_ERROR(Invoice(event.order_invoiced(), order, cells));
      break;
    case orders_v1::OrderEvent::kPaymentReceived:
      if (!placed) return absl::OkStatus();
      return cells.Add(OrderScopes(order),
                       Slot(SlotKind::kCollected, CurrencySub(order.currency())),
                       event.payment_received().payment().amount().units());
    case orders_v1::OrderEvent::kReturnAccepted:
      if (!placed) return absl::OkStatus();
      RETURN_IF_ERROR(Return(event.return_accepted().order_return(), order, cells));
      break;
    default:
      return absl::OkStatus();
  }
  txn.Put(key, order.SerializeAsString());
  return absl::OkStatus();
}

// ---- Incentives ----

// "2026" → YEAR 2026, "2026-Q2" → QUARTER, "2026-05" → MONTH (incentives' Target.period).
absl::StatusOr<std::pair<v1::PeriodGranularity, int64_t>> TargetPeriod(absl::string_view text) {
  int year = 0;
  int part = 0;
  const auto bad = [] { return InvalidField("target.period", "not YYYY, YYYY-Qn or YYYY-MM"); };
  if (text.size() < 4 || !absl::SimpleAtoi(text.substr(0, 4), &year)) return bad();
  if (text.size() == 4) return std::make_pair(v1::PERIOD_GRANULARITY_YEAR, int64_t{year});
  if (text.size() == 7 && text[4] == '-' && text[5] == 'Q' &&
      absl::SimpleAtoi(text.substr(6), &part) && part >= 1 && part <= 4) {
    return std::make_pair(v1::PERIOD_GRANULARITY_QUARTER, int64_t{year} * 4 + part - 1);
  }
  if (text.size() == 7 && text[4] == '-' && absl::SimpleAtoi(text.substr(5), &part) && part >= 1 &&
      part <= 12) {
    return std::make_pair(v1::PERIOD_GRANULARITY_MONTH, int64_t{year} * 12 + part - 1);
  }
  return bad();
}

// The scope of a target's node: nullopt for one the dashboards have no cell for (a product
// line below the company).
std::optional<Scope> TargetScope(const incentives_v1::Target& target) {
  const std::string& node = target.node_id();
  const std::string& product_line = target.product_line_id();
  if (node == "company") {
    if (product_line.empty()) return Scope{kAllDimension, ""};
    return ProductLineScope(product_line);
  }
  if (!product_line.empty()) return std::nullopt;
  static constexpr std::pair<absl::string_view, int> kNodes[] = {
      {"region:", v1::PERFORMANCE_DIMENSION_REGION},
      {"team:", v1::PERFORMANCE_DIMENSION_TEAM},
      {"rep:", v1::PERFORMANCE_DIMENSION_REP}};
  for (const auto& [prefix, dimension] : kNodes) {
    if (absl::StartsWith(node, prefix)) {
      return Scope{dimension, std::string(absl::string_view(node).substr(prefix.size()))};
    }
  }
  return std::nullopt;
}

absl::Status ApplyTargets(const EventEnvelope& envelope, ProjectionTxn& txn) {
  incentives_v1::TargetsEvent event;
  RETURN_IF_ERROR(
      eventsourcing::UnpackProjectedEvent(PerformanceProjection::kName, envelope.payload(), event));
  if (!event.has_target_set()) return absl::OkStatus();
  const incentives_v1::TargetSet& set = event.target_set();
  RETURN_IF_ERROR(
      ValidateEnum("target.metric", set.target().metric(), &incentives_v1::Metric_IsValid));
  ASSIGN_OR_RETURN(const auto period, TargetPeriod(set.target().period()));
  const std::optional<Scope> scope = TargetScope(set.target());
  if (!scope.has_value()) return absl::OkStatus();
  const auto& [granularity, index] = period;
  ASSIGN_OR_RETURN(projection::CounterRow * row,
                   projection::MutableCounterRow(
                       txn, CellKey(granularity, index, scope->dimension, scope->value)));
  row->Add(Slot(SlotKind::kTarget, set.target().metric()),
           set.target().value() - set.previous_value());
  return absl::OkStatus();
}

absl::Status ApplyLedger(absl::string_view rep_id, const EventEnvelope& envelope,
                         ProjectionTxn& txn) {
  incentives_v1::LedgerEvent event;
  RETURN_IF_ERROR(
      eventsourcing::UnpackProjectedEvent(PerformanceProjection::kName, envelope.payload(), event));
  if (!event.has_ledger_lines_recorded()) return absl::OkStatus();
  const incentives_v1::LedgerLinesRecorded& recorded = event.ledger_lines_recorded();
  ASSIGN_OR_RETURN(const absl::Time at, FactTime(recorded.at(), envelope));
  for (const incentives_v1::MetricCredit& credit : recorded.credits()) {
    RETURN_IF_ERROR(
        ValidateEnum("credits.metric", credit.metric(), &incentives_v1::Metric_IsValid));
  }
  for (const incentives_v1::LedgerLine& line : recorded.lines()) {
    RETURN_IF_ERROR(ValidateCurrency("lines.amount.currency", line.amount().currency()));
  }
  const std::vector<Scope> scopes = {{kAllDimension, ""},
                                     {v1::PERFORMANCE_DIMENSION_REP, std::string(rep_id)},
                                     {v1::PERFORMANCE_DIMENSION_TEAM, recorded.team_id()},
                                     {v1::PERFORMANCE_DIMENSION_REGION, recorded.region_id()}};
  Cells cells(txn, at);
  for (const incentives_v1::MetricCredit& credit : recorded.credits()) {
    const uint32_t slot = Slot(SlotKind::kActual, credit.metric());
    RETURN_IF_ERROR(cells.Add(scopes, slot, credit.amount()));
    if (!credit.product_line_id().empty()) {
      RETURN_IF_ERROR(cells.Add(ProductLineScope(credit.product_line_id()), slot, credit.amount()));
    }
  }
  for (const incentives_v1::LedgerLine& line : recorded.lines()) {
    RETURN_IF_ERROR(cells.Add(scopes,
                              Slot(SlotKind::kCommission, CurrencySub(line.amount().currency())),
                              line.amount().units()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PerformanceProjection::Apply(const EventEnvelope& event, ProjectionTxn& txn) {
  const absl::string_view type = event.payload().type_url();
  const absl::string_view stream = event.stream_id();
  if (absl::StrContains(type, "/sales.orders.v1.")) {
    if (!absl::StartsWith(stream, kOrderStreamPrefix)) return absl::OkStatus();
    return ApplyOrder(stream, event, txn);
  }
  if (absl::StrContains(type, "/sales.incentives.v1.")) {
    if (absl::StartsWith(stream, kTargetsStreamPrefix)) return ApplyTargets(event, txn);
    if (absl::StartsWith(stream, kLedgerStreamPrefix)) {
      return ApplyLedger(stream.substr(kLedgerStreamPrefix.size()), event, txn);
    }
  }
  return absl::OkStatus();
}

}  // namespace sales::performance
