#include "services/projections/performance/model/performance_projection.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/types/span.h"
#include "common/eventsourcing/projected_event.h"
#include "common/eventsourcing/stack_arena_message.h"
#include "common/projection/row_codec.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/orders/v1/events.pb.h"
#include "sales/projections/v1/performance_state.pb.h"
#include "services/projections/performance/model/keys.h"
#include "services/projections/performance/model/lead_pipeline.h"
#include "services/projections/performance/model/performance_deltas.h"

namespace sales::performance {
namespace {

namespace orders_v1 = ::sales::orders::v1;
namespace leads_v1 = ::sales::leads::v1;
namespace incentives_v1 = ::sales::incentives::v1;
using ::google::protobuf::Timestamp;
using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionTxn;

// Stream names of the topics' contracts (orders' and incentives' events.proto).
constexpr absl::string_view kOrderStreamPrefix = "order-";
constexpr absl::string_view kTargetsStreamPrefix = "targets-";
constexpr absl::string_view kLedgerStreamPrefix = "ledger-";
constexpr absl::string_view kLeadStreamPrefix = "lead-";

// When the fact happened: the payload's `at`, or the envelope's occurred_at without one.
absl::StatusOr<absl::Time> FactTime(const Timestamp& at, const EventEnvelope& envelope) {
  const Timestamp& chosen = (at.seconds() != 0 || at.nanos() != 0) ? at : envelope.occurred_at();
  if (!IsValidTimestamp(chosen)) return InvalidField("at", "not a valid timestamp");
  return FromTimestamp(chosen);
}

uint32_t CurrencySub(absl::string_view currency) {
  return static_cast<uint32_t>(periods::CurrencyCode(currency));
}

// A (dimension, value) the dashboards count under. `value` points into the event or the held
// row it was taken from, which outlive the Apply call.
struct Scope {
  int dimension;
  absl::string_view value;
};

// A customer's confirmed, uncancelled orders per scope value and day
// (PerformanceCustomerPurchases), held decoded for the batch (ProjectionTxn::Mutable).
class CustomerRow final : public projection::AccumulatedRow {
 public:
  // The orders of each period of PerformanceDeltas::DayPeriods (kGranularities' order).
  using PeriodOrders = std::array<int64_t, std::size(periods::kGranularities)>;

  absl::Status Decode(const v1::PerformanceCustomerPurchases& stored) {
    for (const auto& scope : stored.scopes()) {
      if (scope.orders_size() != scope.day_steps_size()) {
        return absl::DataLossError("performance customer row: unequal day arrays");
      }
      Days& days = orders_[{scope.dimension(), scope.value()}];
      days.reserve(scope.orders_size());
      int64_t day = 0;
      for (int i = 0; i < scope.orders_size(); ++i) {
        if (i > 0 && scope.day_steps(i) <= 0) {
          return absl::DataLossError("performance customer row: days not ascending");
        }
        day += scope.day_steps(i);
        days.emplace_back(day, scope.orders(i));
      }
    }
    return absl::OkStatus();
  }
  std::string Encode() const override {
    // On an arena: a customer's row has a message and two arrays per scope.
    eventsourcing::StackArenaMessage<v1::PerformanceCustomerPurchases> row;
    for (const auto& [scope, days] : orders_) {
      if (days.empty()) continue;
      v1::PerformanceCustomerPurchases::ScopeOrders* kept = row->add_scopes();
      kept->set_dimension(scope.first);
      kept->set_value(scope.second);
      kept->mutable_day_steps()->Reserve(static_cast<int>(days.size()));
      kept->mutable_orders()->Reserve(static_cast<int>(days.size()));
      int64_t previous_day = 0;
      for (const auto& [day, orders] : days) {
        kept->add_day_steps(day - previous_day);
        kept->add_orders(orders);
        previous_day = day;
      }
    }
    return row->SerializeAsString();
  }
  // Records `delta` more orders of `scope` on `day`, and answers the scope's orders in each of
  // `periods` (those holding `day`) before it.
  PeriodOrders AddOrders(const Scope& scope, int64_t day, int64_t delta,
                         const PerformanceDeltas::DayPeriods& periods) {
    Days& days = DaysOf(scope);
    int64_t first = day;
    int64_t last = day;
    for (const PerformanceDeltas::PeriodDays& period : periods) {
      first = std::min(first, period.first_day);
      last = std::max(last, period.last_day);
    }
    PeriodOrders before{};
    const auto by_day = [](const std::pair<int64_t, int64_t>& entry, int64_t d) {
      return entry.first < d;
    };
    for (auto it = std::lower_bound(days.begin(), days.end(), first, by_day);
         it != days.end() && it->first <= last; ++it) {
      for (size_t i = 0; i < periods.size(); ++i) {
        if (it->first >= periods[i].first_day && it->first <= periods[i].last_day) {
          before[i] += it->second;
        }
      }
    }
    // Purchases mostly come in day order: the day is usually the last one or a new last one.
    auto at = std::lower_bound(days.begin(), days.end(), day, by_day);
    if (at == days.end() || at->first != day) at = days.insert(at, {day, 0});
    at->second += delta;
    if (at->second == 0) days.erase(at);  // no zero counts (equal contents, equal bytes)
    return before;
  }

 private:
  // (day, orders) ascending by day, no zero orders.
  using Days = std::vector<std::pair<int64_t, int64_t>>;
  // Transparent, so that a scope is looked up without a copy of its value.
  struct ScopeLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::tie(a.first, a.second) < std::tie(b.first, b.second);
    }
  };

  Days& DaysOf(const Scope& scope) {
    auto it = orders_.find(std::pair<int, absl::string_view>(scope.dimension, scope.value));
    if (it == orders_.end()) {
      it = orders_.try_emplace({scope.dimension, std::string(scope.value)}).first;
    }
    return it->second;
  }

  absl::btree_map<std::pair<int, std::string>, Days, ScopeLess> orders_;
};

absl::StatusOr<CustomerRow*> MutableCustomer(ProjectionTxn& txn, const std::string& customer) {
  ASSIGN_OR_RETURN(
      projection::AccumulatedRow* const held,
      txn.Mutable(CustomerKey(customer),
                  [&](std::optional<absl::string_view> stored)
                      -> absl::StatusOr<std::unique_ptr<projection::AccumulatedRow>> {
                    auto row = std::make_unique<CustomerRow>();
                    if (!stored.has_value()) return row;
                    ASSIGN_OR_RETURN(
                        const v1::PerformanceCustomerPurchases purchases,
                        projection::DecodeRow<v1::PerformanceCustomerPurchases>(
                            CustomerKey(customer), *stored, PerformanceProjection::kName));
                    RETURN_IF_ERROR(row->Decode(purchases));
                    return row;
                  }));
  return static_cast<CustomerRow*>(held);  // customer keys are only loaded here
}

// Records deltas of the cells of one instant: every granularity's period holding its day
// (PerformanceDeltas rolls the day up when the batch is folded).
class Cells {
 public:
  Cells(ProjectionTxn& txn, absl::Time at)
      : deltas_(PerformanceDeltas::Of(txn)),
        day_(periods::PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, at)) {}

  void Add(const Scope& scope, uint32_t slot, int64_t delta) {
    deltas_.Add(day_, scope.dimension, scope.value, slot, delta);
  }
  void Add(absl::Span<const Scope> scopes, uint32_t slot, int64_t delta) {
    for (const Scope& scope : scopes) Add(scope, slot, delta);
  }
  // Several (slot, delta) to the cells of one scope.
  void Add(const Scope& scope, PerformanceDeltas::SlotDeltaSpan deltas) {
    deltas_.Add(day_, scope.dimension, scope.value, deltas);
  }
  // `delta` to `slot` of the stock rows of `scopes` (not per period).
  void AddToStock(absl::Span<const Scope> scopes, uint32_t slot, int64_t delta) {
    for (const Scope& scope : scopes) {
      deltas_.AddToStock(scope.dimension, scope.value, slot, delta);
    }
  }
  // One more (`delta` 1) or one fewer (−1: a cancellation) confirmed order of `customer` in
  // every period of `scope`: the cell gains (loses) a buying customer when the customer's count
  // there crosses 1, a repeat customer when it crosses 2 — which depends only on the counts
  // before and after, never on the order in which orders of one customer arrive.
  void AddPurchase(const Scope& scope, CustomerRow& customer, int delta) {
    const PerformanceDeltas::DayPeriods& day_periods = deltas_.PeriodsOfDay(day_);
    const CustomerRow::PeriodOrders before = customer.AddOrders(scope, day_, delta, day_periods);
    PerformanceDeltas::BuyerDeltas buyers;
    for (size_t i = 0; i < day_periods.size(); ++i) {
      const int64_t after = before[i] + delta;
      const auto crossed = [&](int64_t at_least) {
        return static_cast<int64_t>(after >= at_least) -
               static_cast<int64_t>(before[i] >= at_least);
      };
      buyers[i] = {crossed(1), crossed(2)};
    }
    deltas_.AddBuyers(day_, scope.dimension, scope.value, buyers);
  }

 private:
  PerformanceDeltas& deltas_;
  const int64_t day_;
};

// ---- Orders ----

// The scopes an order counts under as a whole.
using OrderScopeList = std::array<Scope, 5>;
OrderScopeList OrderScopes(const v1::PerformanceOrderState& order) {
  return {{{kAllDimension, ""},
           {v1::PERFORMANCE_DIMENSION_REP, order.rep_id()},
           {v1::PERFORMANCE_DIMENSION_TEAM, order.team_id()},
           {v1::PERFORMANCE_DIMENSION_REGION, order.region_id()},
           {v1::PERFORMANCE_DIMENSION_CHANNEL, order.channel_id()}}};
}

// Amounts per product line, in the order the lines first name them (an order has a few lines).
using ProductLineSums = absl::InlinedVector<std::pair<absl::string_view, int64_t>, 4>;

void AddToProductLine(absl::string_view product_line, int64_t amount, ProductLineSums& sums) {
  for (auto& [kept, sum] : sums) {
    if (kept == product_line) {
      sum += amount;
      return;
    }
  }
  sums.emplace_back(product_line, amount);
}

// Per product line of the order: `amount_of(line)` summed over its lines.
template <typename AmountOf>
ProductLineSums ByProductLine(const v1::PerformanceOrderState& order, AmountOf amount_of) {
  ProductLineSums sums;
  for (const v1::PerformanceOrderLine& line : order.lines()) {
    AddToProductLine(line.product_line_id(), amount_of(line), sums);
  }
  return sums;
}

Scope ProductLineScope(absl::string_view product_line) {
  return {v1::PERFORMANCE_DIMENSION_PRODUCT_LINE, product_line};
}

// The slots booked revenue changes go to: booked, and the run rate's for an order placed
// without a deal (performance.proto, "Forecast").
using SlotList = absl::InlinedVector<uint32_t, 3>;
SlotList BookedSlots(const v1::PerformanceOrderState& order) {
  const uint32_t currency = CurrencySub(order.currency());
  SlotList slots = {Slot(SlotKind::kBooked, currency)};
  if (!order.from_deal()) slots.push_back(Slot(SlotKind::kRunRateBooked, currency));
  return slots;
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

// Keeps what the order was placed with (CheckPlaced has passed).
void Place(const orders_v1::OrderPlaced& placed, v1::PerformanceOrderState& order) {
  order.set_customer_id(placed.customer_id());
  order.set_from_deal(!placed.deal_id().empty());
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
}

// Every scope of the order: its own and its lines' product lines.
absl::InlinedVector<Scope, 8> AllScopes(const v1::PerformanceOrderState& order) {
  const OrderScopeList order_scopes = OrderScopes(order);
  absl::InlinedVector<Scope, 8> scopes(order_scopes.begin(), order_scopes.end());
  for (const auto& [product_line, amount] :
       ByProductLine(order, [](const auto& line) { return line.net_amount(); })) {
    scopes.push_back(ProductLineScope(product_line));
  }
  return scopes;
}

void Confirm(const orders_v1::OrderConfirmed& confirmed, absl::Time at,
             v1::PerformanceOrderState& order, CustomerRow& customer, Cells& cells) {
  order.set_confirmed(true);
  order.set_confirmed_at(absl::ToUnixSeconds(at));
  order.set_first_order(confirmed.first_order_of_customer());
  const uint32_t currency = CurrencySub(order.currency());
  const int64_t new_customer = order.first_order() ? 1 : 0;
  const SlotList booked = BookedSlots(order);
  // Under each of its scopes (AllScopes' order) the order adds its booked amount (its total, or a
  // product line's part of it), an order and its new customer to the day's cell, in one lookup,
  // and a purchase of its customer.
  const auto add_order = [&](const Scope& scope, int64_t amount) {
    absl::InlinedVector<std::pair<uint32_t, int64_t>, 4> deltas;
    for (const uint32_t slot : booked) deltas.emplace_back(slot, amount);
    deltas.emplace_back(Slot(SlotKind::kOrders, currency), 1);
    deltas.emplace_back(Slot(SlotKind::kNewCustomers), new_customer);
    cells.Add(scope, deltas);
    cells.AddPurchase(scope, customer, 1);
  };
  for (const Scope& scope : OrderScopes(order)) add_order(scope, order.total());
  for (const auto& [product_line, amount] :
       ByProductLine(order, [](const auto& line) { return line.net_amount(); })) {
    add_order(ProductLineScope(product_line), amount);
  }
}

// A cancelled order: its revenue, order and new customer are taken back in the period of the
// cancellation (like a clawback); its purchase leaves the periods it was confirmed in (a
// cancelled order is no purchase).
void Cancel(v1::PerformanceOrderState& order, CustomerRow& customer, ProjectionTxn& txn,
            Cells& cells) {
  order.set_cancelled(true);
  if (!order.confirmed()) return;
  Cells at_confirmation(txn, absl::FromUnixSeconds(order.confirmed_at()));
  for (const Scope& scope : AllScopes(order)) {
    cells.Add(scope, Slot(SlotKind::kNewCustomers), order.first_order() ? -1 : 0);
    at_confirmation.AddPurchase(scope, customer, -1);
  }
  const uint32_t currency = CurrencySub(order.currency());
  int64_t unreturned = 0;
  for (const auto& line : order.lines()) unreturned += Unreturned(line);
  const SlotList booked = BookedSlots(order);
  for (const Scope& scope : OrderScopes(order)) {
    for (const uint32_t slot : booked) cells.Add(scope, slot, -unreturned);
    cells.Add(scope, Slot(SlotKind::kOrders, currency), -1);
  }
  for (const auto& [product_line, amount] : ByProductLine(order, Unreturned)) {
    const Scope scope = ProductLineScope(product_line);
    for (const uint32_t slot : booked) cells.Add(scope, slot, -amount);
    cells.Add(scope, Slot(SlotKind::kOrders, currency), -1);
  }
}

void Invoice(const orders_v1::OrderInvoiced& invoiced, v1::PerformanceOrderState& order,
             Cells& cells) {
  order.set_invoiced(true);
  const uint32_t currency = CurrencySub(order.currency());
  cells.Add(OrderScopes(order), Slot(SlotKind::kInvoiced, currency),
            invoiced.invoice().amount().units());
  for (const auto& [product_line, amount] : ByProductLine(order, Unreturned)) {
    cells.Add(ProductLineScope(product_line), Slot(SlotKind::kInvoiced, currency), amount);
  }
}

void Return(const orders_v1::OrderReturn& returned, v1::PerformanceOrderState& order,
            Cells& cells) {
  const uint32_t currency = CurrencySub(order.currency());
  const int64_t credit = returned.credit_amount().units();
  SlotList slots = BookedSlots(order);
  if (order.invoiced()) slots.push_back(Slot(SlotKind::kInvoiced, currency));
  for (const uint32_t slot : slots) cells.Add(OrderScopes(order), slot, -credit);
  ProductLineSums by_product_line;
  for (const orders_v1::ReturnLine& line : returned.lines()) {
    for (v1::PerformanceOrderLine& kept : *order.mutable_lines()) {
      if (kept.line_no() != line.line_no()) continue;
      kept.set_returned(kept.returned() + line.amount().units());
      AddToProductLine(kept.product_line_id(), line.amount().units(), by_product_line);
    }
  }
  for (const auto& [product_line, amount] : by_product_line) {
    for (const uint32_t slot : slots) {
      cells.Add(ProductLineScope(product_line), slot, -amount);
    }
  }
}

// `paid` (a payment or a credit note) settles the overdue invoice's balance first: the stock of
// overdue receivables drops by what it covers, and the invoice leaves the count once nothing is
// owed. `overdue` > 0 (InvoiceOverdue) makes the invoice overdue with that balance.
void SettleOverdue(v1::PerformanceOrderState& order, int64_t paid, int64_t overdue, Cells& cells) {
  const uint32_t currency = CurrencySub(order.currency());
  const OrderScopeList scopes = OrderScopes(order);
  const int64_t before = order.overdue_balance();
  int64_t after = before;
  if (overdue > 0) after = overdue;
  after = std::max<int64_t>(0, after - paid);
  order.set_overdue_balance(after);
  cells.AddToStock(scopes, Slot(SlotKind::kOverdueBalance, currency), after - before);
  cells.AddToStock(scopes, Slot(SlotKind::kOverdueInvoices),
                   static_cast<int64_t>(after > 0) - static_cast<int64_t>(before > 0));
}

// The event's poison checks (before any counter row is touched) and its time; nullopt for an
// event the dashboard does not count.
absl::StatusOr<std::optional<absl::Time>> CheckOrderEvent(const orders_v1::OrderEvent& event,
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
    case orders_v1::OrderEvent::kInvoiceOverdue:
      RETURN_IF_ERROR(ValidateMoney("balance", event.invoice_overdue().balance()));
      return FactTime(event.invoice_overdue().at(), envelope);
    case orders_v1::OrderEvent::kReturnAccepted: {
      const orders_v1::OrderReturn& returned = event.return_accepted().order_return();
      RETURN_IF_ERROR(ValidateMoney("order_return.credit_amount", returned.credit_amount()));
      for (const orders_v1::ReturnLine& line : returned.lines()) {
        RETURN_IF_ERROR(ValidateMoney("order_return.lines.amount", line.amount()));
      }
      return FactTime(event.return_accepted().at(), envelope);
    }
    default:
      return std::nullopt;  // not counted (credit hold, back-orders, shipping, delivery)
  }
}

absl::Status ApplyOrder(absl::string_view stream_id, const EventEnvelope& envelope,
                        const orders_v1::OrderEvent& event, ProjectionTxn& txn) {
  ASSIGN_OR_RETURN(const std::optional<absl::Time> counted, CheckOrderEvent(event, envelope));
  // Events the dashboard does not count touch neither the order's row nor the accumulator.
  if (!counted.has_value()) return absl::OkStatus();
  const absl::Time at = *counted;
  // Every poison check is behind us: the order's row (held for the batch) and the cells'
  // accumulator may be touched from here on.
  ASSIGN_OR_RETURN(v1::PerformanceOrderState * order,
                   projection::MutableRow<v1::PerformanceOrderState>(txn, OrderKey(stream_id),
                                                                     PerformanceProjection::kName));
  const bool placed = !order->currency().empty();
  Cells cells(txn, at);
  switch (event.event_case()) {
    case orders_v1::OrderEvent::kOrderPlaced:
      if (!placed) Place(event.order_placed(), *order);
      break;
    case orders_v1::OrderEvent::kOrderConfirmed:
      if (placed && !order->confirmed() && !order->cancelled()) {
        ASSIGN_OR_RETURN(CustomerRow * customer, MutableCustomer(txn, order->customer_id()));
        Confirm(event.order_confirmed(), at, *order, *customer, cells);
      }
      break;
    case orders_v1::OrderEvent::kOrderCancelled:
      if (placed && !order->cancelled()) {
        ASSIGN_OR_RETURN(CustomerRow * customer, MutableCustomer(txn, order->customer_id()));
        Cancel(*order, *customer, txn, cells);
      }
      break;
    case orders_v1::OrderEvent::kOrderInvoiced:
      if (placed && !order->invoiced()) Invoice(event.order_invoiced(), *order, cells);
      break;
    case orders_v1::OrderEvent::kPaymentReceived:
      if (placed) {
        const int64_t paid = event.payment_received().payment().amount().units();
        cells.Add(OrderScopes(*order), Slot(SlotKind::kCollected, CurrencySub(order->currency())),
                  paid);
        SettleOverdue(*order, paid, 0, cells);
      }
      break;
    case orders_v1::OrderEvent::kReturnAccepted:
      if (placed) {
        Return(event.return_accepted().order_return(), *order, cells);
        SettleOverdue(*order, event.return_accepted().order_return().credit_amount().units(), 0,
                      cells);
      }
      break;
    case orders_v1::OrderEvent::kInvoiceOverdue:
      if (placed) SettleOverdue(*order, 0, event.invoice_overdue().balance().units(), cells);
      break;
    default:
      break;
  }
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
      return Scope{dimension, absl::string_view(node).substr(prefix.size())};
    }
  }
  return std::nullopt;
}

absl::Status ApplyTargets(const incentives_v1::TargetsEvent& event, ProjectionTxn& txn) {
  if (!event.has_target_set()) return absl::OkStatus();
  const incentives_v1::TargetSet& set = event.target_set();
  RETURN_IF_ERROR(
      ValidateEnum("target.metric", set.target().metric(), &incentives_v1::Metric_IsValid));
  ASSIGN_OR_RETURN(const auto period, TargetPeriod(set.target().period()));
  const std::optional<Scope> scope = TargetScope(set.target());
  if (!scope.has_value()) return absl::OkStatus();
  const auto& [granularity, index] = period;
  PerformanceDeltas::Of(txn).AddToPeriod(granularity, index, scope->dimension, scope->value,
                                         Slot(SlotKind::kTarget, set.target().metric()),
                                         set.target().value() - set.previous_value());
  return absl::OkStatus();
}

absl::Status ApplyLedger(absl::string_view rep_id, const EventEnvelope& envelope,
                         const incentives_v1::LedgerEvent& event, ProjectionTxn& txn) {
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
  const Scope scopes[] = {{kAllDimension, ""},
                          {v1::PERFORMANCE_DIMENSION_REP, rep_id},
                          {v1::PERFORMANCE_DIMENSION_TEAM, recorded.team_id()},
                          {v1::PERFORMANCE_DIMENSION_REGION, recorded.region_id()}};
  Cells cells(txn, at);
  for (const incentives_v1::MetricCredit& credit : recorded.credits()) {
    const uint32_t slot = Slot(SlotKind::kActual, credit.metric());
    cells.Add(scopes, slot, credit.amount());
    if (!credit.product_line_id().empty()) {
      cells.Add(ProductLineScope(credit.product_line_id()), slot, credit.amount());
    }
  }
  for (const incentives_v1::LedgerLine& line : recorded.lines()) {
    cells.Add(scopes, Slot(SlotKind::kCommission, CurrencySub(line.amount().currency())),
              line.amount().units());
  }
  return absl::OkStatus();
}

// Where an event of the topics read goes: the aggregate whose stream it belongs to, by its
// payload's type and its stream. Other streams of those topics (settings, claims) are not
// counted.
enum class Aggregate { kNone, kOrder, kLead, kTargets, kLedger };

Aggregate AggregateOf(const EventEnvelope& event) {
  const absl::string_view type = event.payload().type_url();
  const absl::string_view stream = event.stream_id();
  if (absl::StrContains(type, "/sales.orders.v1.")) {
    return absl::StartsWith(stream, kOrderStreamPrefix) ? Aggregate::kOrder : Aggregate::kNone;
  }
  if (absl::StrContains(type, "/sales.leads.v1.")) {
    return absl::StartsWith(stream, kLeadStreamPrefix) ? Aggregate::kLead : Aggregate::kNone;
  }
  if (absl::StrContains(type, "/sales.incentives.v1.")) {
    if (absl::StartsWith(stream, kTargetsStreamPrefix)) return Aggregate::kTargets;
    if (absl::StartsWith(stream, kLedgerStreamPrefix)) return Aggregate::kLedger;
  }
  return Aggregate::kNone;
}

// Apply and ApplyDecoded: `ahead` is the payload DecodePayload decoded, or null.
absl::Status ApplyEvent(const EventEnvelope& envelope, const google::protobuf::Message* ahead,
                        ProjectionTxn& txn) {
  using eventsourcing::WithProjectedEvent;
  // Not constexpr: under the sanitizers the array's address is no constant expression.
  const absl::string_view name = PerformanceProjection::kName;
  const google::protobuf::Any& payload = envelope.payload();
  const absl::string_view stream = envelope.stream_id();
  switch (AggregateOf(envelope)) {
    case Aggregate::kOrder:
      return WithProjectedEvent<orders_v1::OrderEvent>(
          name, payload, ahead, [&](const orders_v1::OrderEvent& event) {
            return ApplyOrder(stream, envelope, event, txn);
          });
    case Aggregate::kLead:
      return WithProjectedEvent<leads_v1::LeadEvent>(
          name, payload, ahead,
          [&](const leads_v1::LeadEvent& event) { return ApplyLeadEvent(envelope, event, txn); });
    case Aggregate::kTargets:
      return WithProjectedEvent<incentives_v1::TargetsEvent>(
          name, payload, ahead,
          [&](const incentives_v1::TargetsEvent& event) { return ApplyTargets(event, txn); });
    case Aggregate::kLedger:
      return WithProjectedEvent<incentives_v1::LedgerEvent>(
          name, payload, ahead, [&](const incentives_v1::LedgerEvent& event) {
            return ApplyLedger(stream.substr(kLedgerStreamPrefix.size()), envelope, event, txn);
          });
    case Aggregate::kNone:
      break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PerformanceProjection::Apply(const EventEnvelope& event, ProjectionTxn& txn) {
  return ApplyEvent(event, /*ahead=*/nullptr, txn);
}

const google::protobuf::Message* PerformanceProjection::DecodePayload(
    const EventEnvelope& event, google::protobuf::Arena& arena) const {
  using eventsourcing::DecodeProjectedEventOnArena;
  switch (AggregateOf(event)) {
    case Aggregate::kOrder:
      return DecodeProjectedEventOnArena<orders_v1::OrderEvent>(kName, event.payload(), arena);
    case Aggregate::kLead:
      return DecodeProjectedEventOnArena<leads_v1::LeadEvent>(kName, event.payload(), arena);
    case Aggregate::kTargets:
      return DecodeProjectedEventOnArena<incentives_v1::TargetsEvent>(kName, event.payload(),
                                                                      arena);
    case Aggregate::kLedger:
      return DecodeProjectedEventOnArena<incentives_v1::LedgerEvent>(kName, event.payload(), arena);
    case Aggregate::kNone:
      break;
  }
  return nullptr;
}

absl::Status PerformanceProjection::ApplyDecoded(const EventEnvelope& event,
                                                 const google::protobuf::Message& payload,
                                                 ProjectionTxn& txn) {
  return ApplyEvent(event, &payload, txn);
}

}  // namespace sales::performance
