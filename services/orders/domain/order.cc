// Decide and Evolve of the Order aggregate and of the commands that change an order together
// with its customer's account and stock (see aggregates.h).
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/eligibility.h"
#include "services/orders/domain/aggregates.h"
#include "services/orders/domain/lifecycle.h"
#include "services/orders/domain/pricing.h"
#include "services/orders/domain/validation.h"
#include "services/org/domain/org.h"

namespace sales::orders {
namespace {

absl::Status MustExist(const v1::Order& order, absl::string_view order_id) {
  if (order.order_id().empty()) {
    return absl::NotFoundError(absl::StrCat("order ", Quoted(order_id), " does not exist"));
  }
  return absl::OkStatus();
}

absl::Status ValidateOrderCommand(const common::v1::CommandMeta& meta, absl::string_view order_id) {
  RETURN_IF_ERROR(ValidateCommandMeta(meta));
  return ValidateId("order_id", order_id);
}

// The customer's account entry of the order becomes `exposure`.
v1::CustomerEvent ExposureEvent(const v1::Customer& customer, const std::string& order_id,
                                int64_t exposure, bool confirmation, const OrdersContext& ctx) {
  const auto& by_order = customer.exposure_by_order();
  const auto it = by_order.find(order_id);
  const int64_t before = it == by_order.end() ? 0 : it->second;
  v1::CustomerEvent event;
  v1::ExposureChanged& changed = *event.mutable_exposure_changed();
  changed.set_order_id(order_id);
  changed.set_exposure(exposure);
  changed.set_total_exposure(customer.exposure() - before + exposure);
  changed.set_confirmation(confirmation);
  *changed.mutable_at() = ToTimestamp(ctx.now);
  return event;
}

// What an order's customer still owes or will owe for it: the invoice's balance once invoiced,
// else its total less what was returned.
int64_t OpenAmount(const v1::Order& order) {
  if (order.has_invoice()) return order.invoice().balance().units();
  return order.total().units() - order.returned_amount().units();
}

// Reserves every line of the order (OrderConfirmed's fulfilment and the stock events): what is
// available, the rest back-ordered when the order allows it, else "rule insufficient_stock"
// naming every short SKU. Waiting back-orders keep their place: stock is available to a new
// order only when none waits.
absl::Status Reserve(const v1::Order& order, const StockStates& stock, const OrdersContext& ctx,
                     v1::OrderConfirmed& confirmed, OrderChange& change) {
  std::vector<std::string> shortfalls;
  for (const v1::OrderLine& line : order.lines()) {
    const auto it = stock.find(line.sku());
    const v1::Stock* state = it == stock.end() ? nullptr : it->second;
    const int64_t available = AvailableStock(state);
    const int64_t reserved = std::min(line.quantity(), available);
    const int64_t backordered = line.quantity() - reserved;
    if (backordered > 0 && !order.allow_backorder()) {
      shortfalls.push_back(absl::StrCat("SKU ", line.sku(), " short by ", backordered, " (ordered ",
                                        line.quantity(), ", available ", available, ")"));
      continue;
    }
    v1::LineFulfilment& fulfilment = *confirmed.add_fulfilment();
    fulfilment.set_line_no(line.line_no());
    fulfilment.set_reserved(reserved);
    fulfilment.set_backordered(backordered);
    v1::StockReserved& event = *change.stock[line.sku()].emplace_back().mutable_stock_reserved();
    event.set_order_id(order.order_id());
    event.set_line_no(line.line_no());
    event.set_reserved(reserved);
    event.set_backordered(backordered);
    *event.mutable_at() = ToTimestamp(ctx.now);
  }
  if (!shortfalls.empty()) {
    return RuleViolated(
        "insufficient_stock",
        absl::StrCat("order ", order.order_id(), ": ", absl::StrJoin(shortfalls, "; "),
                     "; the order does not allow back-orders"));
  }
  return absl::OkStatus();
}

// Confirmation with every line reserved and the order's open amount on the account.
absl::StatusOr<OrderChange> Confirm(const v1::Order& order, const v1::Customer& customer,
                                    const StockStates& stock, const OrdersContext& ctx,
                                    absl::string_view released_by, absl::string_view reason) {
  OrderChange change;
  v1::OrderConfirmed confirmed;
  RETURN_IF_ERROR(Reserve(order, stock, ctx, confirmed, change));
  const int64_t open = OpenAmount(order);
  v1::CustomerEvent exposure = ExposureEvent(customer, order.order_id(), open, true, ctx);
  confirmed.set_exposure_after(exposure.exposure_changed().total_exposure());
  confirmed.set_credit_limit(customer.credit_limit().units());
  confirmed.set_first_order_of_customer(customer.confirmed_orders() == 0);
  confirmed.set_released_by(std::string(released_by));
  confirmed.set_release_reason(std::string(reason));
  *confirmed.mutable_at() = ToTimestamp(ctx.now);
  *change.order.emplace_back().mutable_order_confirmed() = std::move(confirmed);
  change.customer.push_back(std::move(exposure));
  return change;
}

const v1::LineFulfilment* FulfilmentOf(const v1::Order& order, int32_t line_no) {
  for (const v1::LineFulfilment& fulfilment : order.fulfilment()) {
    if (fulfilment.line_no() == line_no) return &fulfilment;
  }
  return nullptr;
}

v1::LineFulfilment* MutableFulfilmentOf(v1::Order& order, int32_t line_no) {
  for (v1::LineFulfilment& fulfilment : *order.mutable_fulfilment()) {
    if (fulfilment.line_no() == line_no) return &fulfilment;
  }
  return nullptr;
}

// Status changes are recorded in the history as they are folded.
void MoveTo(v1::Order& order, v1::OrderStatus to, absl::string_view reason,
            const google::protobuf::Timestamp& at) {
  v1::StatusChange& step = *order.add_history();
  step.set_from(order.status());
  step.set_to(to);
  step.set_reason(std::string(reason));
  *step.mutable_at() = at;
  order.set_status(to);
}

// The first eligibility problem's rule, and every problem, as one refusal.
absl::Status NotEligible(const channels::v1::EligibilityVerdict& verdict) {
  std::vector<std::string> problems;
  for (const channels::v1::EligibilityProblem& problem : verdict.problems()) {
    problems.push_back(problem.line() >= 0 ? absl::StrCat("lines[", problem.line(), "] ",
                                                          problem.rule(), ": ", problem.detail())
                                           : absl::StrCat(problem.rule(), ": ", problem.detail()));
  }
  return RuleViolated(
      verdict.problems(0).rule(),
      absl::StrCat("the channel does not allow this order: ", absl::StrJoin(problems, "; ")));
}

}  // namespace

std::string OrderStreamId(absl::string_view order_id) {
  return absl::StrCat(kOrderStreamPrefix, order_id);
}

bool OrderChange::empty() const {
  return order.empty() && customer.empty() && stock.empty() && other_orders.empty();
}

absl::StatusOr<OrderEvents> DecidePlace(const v1::Order& order, const v1::Customer& customer,
                                        const v1::PlaceOrderRequest& c,
                                        const PlacementLookups& lookups, const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidatePlaceOrder(c));
  if (!order.order_id().empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("order ", Quoted(c.order_id()), " already exists"));
  }
  if (customer.customer_id().empty()) {
    return absl::NotFoundError(
        absl::StrCat("customer_id: customer ", Quoted(c.customer_id()), " does not exist"));
  }
  const std::string& currency = customer.credit_limit().currency();
  for (int i = 0; i < c.lines_size(); ++i) {
    if (c.lines(i).has_unit_price() && c.lines(i).unit_price().currency() != currency) {
      return InvalidField(absl::StrCat("lines[", i, "].unit_price.currency"),
                          absl::StrCat("the order is in the customer's currency, ", currency));
    }
  }
  const org::v1::Rep* rep = org::FindRep(ctx.org, c.rep_id());
  if (rep == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("rep_id: rep ", Quoted(c.rep_id()), " is not in the organisation"));
  }
  if (lookups.channel == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("channel_id: channel ", Quoted(c.channel_id()), " does not exist"));
  }
  if (!c.deal_id().empty()) {
    const std::optional<bool> won = lookups.deal_won(c.deal_id());
    if (!won.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("deal_id: deal ", Quoted(c.deal_id()), " does not exist"));
    }
    if (!*won) {
      return RuleViolated("deal_not_won",
                          absl::StrCat("deal ", Quoted(c.deal_id()), " is not won"));
    }
  }
  const absl::CivilDay day = c.has_order_date() ? ToCivilDay(c.order_date()) : ctx.today;
  ASSIGN_OR_RETURN(PricedLines priced,
                   PriceLines(c.lines(), currency, *lookups.channel, lookups.products, day));
  if (priced.total > kMaxMoneyUnits) {
    return InvalidField("lines", "the order's total is above 10^13 minor units");
  }

  channels::v1::OrderCheck check;
  check.set_channel_id(c.channel_id());
  check.set_customer_region_id(customer.region_id());
  *check.mutable_date() = ToDate(day);
  for (const v1::OrderLine& line : priced.lines) {
    channels::v1::OrderCheckLine& checked = *check.add_lines();
    checked.set_sku(line.sku());
    checked.set_quantity(line.quantity());
    *checked.mutable_unit_price() = line.unit_price();
  }
  const channels::v1::EligibilityVerdict verdict = channels::CheckOrderEligibility(
      *lookups.channel, [&](absl::string_view sku) { return lookups.products(sku); }, check);
  if (!verdict.eligible()) return NotEligible(verdict);

  OrderEvents events;
  v1::OrderPlaced& placed = *events.emplace_back().mutable_order_placed();
  placed.set_order_id(c.order_id());
  placed.set_customer_id(c.customer_id());
  placed.set_deal_id(c.deal_id());
  placed.set_channel_id(c.channel_id());
  placed.set_rep_id(c.rep_id());
  placed.set_team_id(rep->team_id());
  placed.set_region_id(customer.region_id());
  placed.set_currency(currency);
  for (int i = 0; i < static_cast<int>(priced.lines.size()); ++i) {
    v1::OrderLine& line = priced.lines[i];
    if (line.price_list_version() == 0 && i < verdict.price_list_versions_size()) {
      line.set_price_list_version(verdict.price_list_versions(i));
    }
    *placed.add_lines() = std::move(line);
  }
  placed.mutable_total()->set_units(priced.total);
  placed.mutable_total()->set_currency(currency);
  placed.set_allow_backorder(c.allow_backorder());
  placed.set_agreement_version(verdict.agreement_version());
  *placed.mutable_price_flags() = verdict.flags();
  *placed.mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<OrderChange> DecideConfirm(const v1::Order& order, const v1::Customer& customer,
                                          const StockStates& stock,
                                          const v1::ConfirmOrderRequest& c,
                                          const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateOrderCommand(c.meta(), c.order_id()));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  if (order.status() == v1::ORDER_STATUS_CREDIT_HOLD) {
    return RuleViolated("order_on_credit_hold",
                        absl::StrCat("order ", order.order_id(),
                                     " is on credit hold: a manager releases it "
                                     "(ReleaseCreditHold) or it is cancelled"));
  }
  RETURN_IF_ERROR(CheckMove(order, v1::ORDER_STATUS_CONFIRMED));
  const int64_t with_order = customer.exposure() + OpenAmount(order);
  if (with_order > customer.credit_limit().units()) {
    OrderChange change;
    v1::OrderPutOnCreditHold& hold =
        *change.order.emplace_back().mutable_order_put_on_credit_hold();
    hold.set_exposure_before(customer.exposure());
    hold.set_order_total(OpenAmount(order));
    hold.set_credit_limit(customer.credit_limit().units());
    *hold.mutable_at() = ToTimestamp(ctx.now);
    return change;
  }
  return Confirm(order, customer, stock, ctx, "", "");
}

absl::StatusOr<OrderChange> DecideRelease(const v1::Order& order, const v1::Customer& customer,
                                          const StockStates& stock,
                                          const v1::ReleaseCreditHoldRequest& c,
                                          const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateOrderCommand(c.meta(), c.order_id()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/true));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  if (order.status() != v1::ORDER_STATUS_CREDIT_HOLD) {
    return RuleViolated(
        "order_not_on_credit_hold",
        absl::StrCat("order ", order.order_id(), " is ", v1::OrderStatus_Name(order.status())));
  }
  return Confirm(order, customer, stock, ctx, c.meta().actor(), c.reason());
}

absl::StatusOr<OrderChange> DecideCancel(const v1::Order& order, const v1::Customer& customer,
                                         const v1::CancelOrderRequest& c,
                                         const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateOrderCommand(c.meta(), c.order_id()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/true));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  RETURN_IF_ERROR(CheckMove(order, v1::ORDER_STATUS_CANCELLED));
  OrderChange change;
  v1::OrderCancelled& cancelled = *change.order.emplace_back().mutable_order_cancelled();
  cancelled.set_from(order.status());
  cancelled.set_reason(c.reason());
  *cancelled.mutable_at() = ToTimestamp(ctx.now);
  if (order.status() == v1::ORDER_STATUS_CONFIRMED) {
    for (const v1::OrderLine& line : order.lines()) {
      const v1::LineFulfilment* fulfilment = FulfilmentOf(order, line.line_no());
      if (fulfilment == nullptr) continue;
      v1::StockReleased& released =
          *change.stock[line.sku()].emplace_back().mutable_stock_released();
      released.set_order_id(order.order_id());
      released.set_line_no(line.line_no());
      released.set_reserved(fulfilment->reserved());
      released.set_backordered(fulfilment->backordered());
      *released.mutable_at() = ToTimestamp(ctx.now);
    }
    change.customer.push_back(ExposureEvent(customer, order.order_id(), 0, false, ctx));
  }
  return change;
}

absl::StatusOr<OrderChange> DecideShip(const v1::Order& order, const v1::ShipOrderRequest& c,
                                       const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateOrderCommand(c.meta(), c.order_id()));
  RETURN_IF_ERROR(ValidateText("carrier", c.carrier(), kMaxNameLength, /*required=*/true));
  RETURN_IF_ERROR(
      ValidateText("tracking_number", c.tracking_number(), kMaxNameLength, /*required=*/true));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  RETURN_IF_ERROR(CheckMove(order, v1::ORDER_STATUS_SHIPPED));
  std::vector<std::string> pending;
  for (const v1::LineFulfilment& fulfilment : order.fulfilment()) {
    if (fulfilment.backordered() > 0) {
      pending.push_back(absl::StrCat("line ", fulfilment.line_no(), " waits for ",
                                     fulfilment.backordered(), " units"));
    }
  }
  if (!pending.empty()) {
    return RuleViolated("backorder_pending", absl::StrCat("order ", order.order_id(), ": ",
                                                          absl::StrJoin(pending, "; ")));
  }
  OrderChange change;
  v1::OrderShipped& shipped = *change.order.emplace_back().mutable_order_shipped();
  shipped.set_carrier(c.carrier());
  shipped.set_tracking_number(c.tracking_number());
  *shipped.mutable_at() = ToTimestamp(ctx.now);
  for (const v1::OrderLine& line : order.lines()) {
    const v1::LineFulfilment* fulfilment = FulfilmentOf(order, line.line_no());
    v1::StockReleased& consumed = *change.stock[line.sku()].emplace_back().mutable_stock_released();
    consumed.set_order_id(order.order_id());
    consumed.set_line_no(line.line_no());
    consumed.set_reserved(fulfilment == nullptr ? 0 : fulfilment->reserved());
    consumed.set_shipped(true);
    *consumed.mutable_at() = ToTimestamp(ctx.now);
  }
  return change;
}

absl::StatusOr<OrderChange> DecideDeliver(const v1::Order& order, const v1::DeliverOrderRequest& c,
                                          const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateOrderCommand(c.meta(), c.order_id()));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  RETURN_IF_ERROR(CheckMove(order, v1::ORDER_STATUS_DELIVERED));
  OrderChange change;
  *change.order.emplace_back().mutable_order_delivered()->mutable_at() = ToTimestamp(ctx.now);
  return change;
}

absl::StatusOr<OrderChange> DecideInvoice(const v1::Order& order, const v1::Customer& customer,
                                          const v1::InvoiceOrderRequest& c,
                                          const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateOrderCommand(c.meta(), c.order_id()));
  RETURN_IF_ERROR(ValidateId("invoice_id", c.invoice_id()));
  if (c.has_issued_on()) RETURN_IF_ERROR(ValidateDate("issued_on", c.issued_on()));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  RETURN_IF_ERROR(CheckMove(order, v1::ORDER_STATUS_INVOICED));
  const int64_t amount = OpenAmount(order);
  if (amount <= 0) {
    return RuleViolated("nothing_to_invoice",
                        absl::StrCat("order ", order.order_id(), " was returned in full"));
  }
  const absl::CivilDay issued = c.has_issued_on() ? ToCivilDay(c.issued_on()) : ctx.today;
  OrderChange change;
  v1::OrderInvoiced& invoiced = *change.order.emplace_back().mutable_order_invoiced();
  v1::Invoice& invoice = *invoiced.mutable_invoice();
  invoice.set_invoice_id(c.invoice_id());
  invoice.mutable_amount()->set_units(amount);
  invoice.mutable_amount()->set_currency(order.currency());
  *invoice.mutable_issued_on() = ToDate(issued);
  *invoice.mutable_due_on() = ToDate(issued + customer.payment_terms_days());
  invoice.mutable_paid()->set_currency(order.currency());
  invoice.mutable_credited()->set_currency(order.currency());
  *invoice.mutable_balance() = invoice.amount();
  *invoiced.mutable_at() = ToTimestamp(ctx.now);
  change.customer.push_back(ExposureEvent(customer, order.order_id(), amount, false, ctx));
  return change;
}

absl::StatusOr<OrderChange> DecidePayment(const v1::Order& order, const v1::Customer& customer,
                                          const v1::RecordPaymentRequest& c,
                                          const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateRecordPayment(c));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  if (c.amount().currency() != order.currency()) {
    return InvalidField("amount.currency", absl::StrCat("the order is in ", order.currency()));
  }
  if (order.status() != v1::ORDER_STATUS_INVOICED) {
    return RuleViolated(
        "not_invoiced",
        absl::StrCat("order ", order.order_id(), " is ", v1::OrderStatus_Name(order.status()),
                     ": only an invoiced order with a balance takes payments"));
  }
  const int64_t balance = order.invoice().balance().units();
  if (c.amount().units() > balance) {
    return RuleViolated("payment_exceeds_balance",
                        absl::StrCat("order ", order.order_id(), ": payment of ",
                                     c.amount().units(), " is more than the balance of ", balance));
  }
  OrderChange change;
  v1::PaymentReceived& received = *change.order.emplace_back().mutable_payment_received();
  v1::Payment& payment = *received.mutable_payment();
  payment.set_payment_id(c.payment_id());
  *payment.mutable_amount() = c.amount();
  *payment.mutable_received_on() = c.has_received_on() ? c.received_on() : ToDate(ctx.today);
  payment.set_reference(c.reference());
  received.mutable_balance_after()->set_units(balance - c.amount().units());
  received.mutable_balance_after()->set_currency(order.currency());
  *received.mutable_at() = ToTimestamp(ctx.now);
  change.customer.push_back(
      ExposureEvent(customer, order.order_id(), balance - c.amount().units(), false, ctx));
  return change;
}

absl::StatusOr<OrderChange> DecideReturn(const v1::Order& order, const v1::Customer& customer,
                                         const v1::ReturnItemsRequest& c,
                                         const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateReturnItems(c));
  RETURN_IF_ERROR(MustExist(order, c.order_id()));
  if (!IsDelivered(order.status())) {
    return RuleViolated("not_delivered", absl::StrCat("order ", order.order_id(), " is ",
                                                      v1::OrderStatus_Name(order.status()),
                                                      ": only delivered units can be returned"));
  }
  OrderChange change;
  v1::ReturnAccepted& accepted = *change.order.emplace_back().mutable_return_accepted();
  v1::OrderReturn& order_return = *accepted.mutable_order_return();
  order_return.set_return_id(c.return_id());
  order_return.set_reason(c.reason());
  *order_return.mutable_at() = ToTimestamp(ctx.now);
  int64_t credit = 0;
  for (int i = 0; i < c.lines_size(); ++i) {
    const v1::ReturnLineRequest& request = c.lines(i);
    if (request.line_no() > order.lines_size()) {
      return InvalidField(
          absl::StrCat("lines[", i, "].line_no"),
          absl::StrCat("order ", order.order_id(), " has ", order.lines_size(), " lines"));
    }
    const v1::OrderLine& line = order.lines(request.line_no() - 1);
    const v1::LineFulfilment* fulfilment = FulfilmentOf(order, line.line_no());
    const int64_t delivered = fulfilment == nullptr ? 0 : fulfilment->shipped();
    const int64_t returned = fulfilment == nullptr ? 0 : fulfilment->returned();
    if (request.quantity() > delivered - returned) {
      return RuleViolated("return_exceeds_delivered",
                          absl::StrCat("line ", line.line_no(), " (SKU ", line.sku(),
                                       "): ", request.quantity(), " returned, but only ",
                                       delivered - returned, " delivered and not yet returned"));
    }
    v1::ReturnLine& returned_line = *order_return.add_lines();
    returned_line.set_line_no(line.line_no());
    returned_line.set_quantity(request.quantity());
    const int64_t amount = ReturnAmount(line, returned, request.quantity());
    returned_line.mutable_amount()->set_units(amount);
    returned_line.mutable_amount()->set_currency(order.currency());
    credit += amount;
    v1::StockRestocked& restocked =
        *change.stock[line.sku()].emplace_back().mutable_stock_restocked();
    restocked.set_order_id(order.order_id());
    restocked.set_line_no(line.line_no());
    restocked.set_quantity(request.quantity());
    restocked.set_return_id(c.return_id());
    *restocked.mutable_at() = ToTimestamp(ctx.now);
  }
  order_return.mutable_credit_amount()->set_units(credit);
  order_return.mutable_credit_amount()->set_currency(order.currency());
  const int64_t open = OpenAmount(order);
  const int64_t applied = std::min(credit, std::max<int64_t>(open, 0));
  order_return.mutable_refund_due()->set_units(credit - applied);
  order_return.mutable_refund_due()->set_currency(order.currency());
  accepted.mutable_balance_after()->set_units(open - applied);
  accepted.mutable_balance_after()->set_currency(order.currency());
  *accepted.mutable_at() = ToTimestamp(ctx.now);
  if (applied > 0) {
    change.customer.push_back(
        ExposureEvent(customer, order.order_id(), open - applied, false, ctx));
  }
  return change;
}

absl::StatusOr<OrderChange> DecideReceive(const v1::Stock& stock,
                                          const std::map<std::string, const v1::Order*>& waiting,
                                          const v1::ReceiveStockRequest& c,
                                          const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateReceiveStock(c));
  OrderChange change;
  StockEvents& events = change.stock[c.sku()];
  v1::StockReceived& received = *events.emplace_back().mutable_stock_received();
  received.set_quantity(c.quantity());
  received.set_reference(c.reference());
  *received.mutable_at() = ToTimestamp(ctx.now);
  // Waiting back-orders are filled first, in the order they were taken.
  int64_t left = stock.on_hand() + c.quantity() - stock.reserved();
  for (const v1::Stock::Hold& hold : stock.holds()) {
    if (left <= 0) break;
    if (hold.backordered() == 0) continue;
    if (change.other_orders.size() >= kMaxOrdersFilledPerReceipt &&
        !change.other_orders.contains(hold.order_id())) {
      break;  // the rest wait for the next receipt (one append holds at most 100 streams)
    }
    if (!waiting.contains(hold.order_id())) {
      return absl::InternalError(absl::StrCat("back-ordered order ", hold.order_id(), " of SKU ",
                                              c.sku(), " was not loaded"));
    }
    const int64_t filled = std::min(left, hold.backordered());
    left -= filled;
    v1::BackorderFilled& fill = *events.emplace_back().mutable_backorder_filled();
    fill.set_order_id(hold.order_id());
    fill.set_line_no(hold.line_no());
    fill.set_quantity(filled);
    *fill.mutable_at() = ToTimestamp(ctx.now);
    v1::BackorderReserved& reserved =
        *change.other_orders[hold.order_id()].emplace_back().mutable_backorder_reserved();
    reserved.set_line_no(hold.line_no());
    reserved.set_quantity(filled);
    *reserved.mutable_at() = ToTimestamp(ctx.now);
  }
  return change;
}

std::optional<v1::OrderEvent> DetectOverdue(const v1::Order& order, const OrdersContext& ctx) {
  if (order.status() != v1::ORDER_STATUS_INVOICED || order.invoice().overdue_reported() ||
      order.invoice().balance().units() <= 0 || ToCivilDay(order.invoice().due_on()) >= ctx.today) {
    return std::nullopt;
  }
  v1::OrderEvent event;
  v1::InvoiceOverdue& overdue = *event.mutable_invoice_overdue();
  overdue.set_invoice_id(order.invoice().invoice_id());
  *overdue.mutable_due_on() = order.invoice().due_on();
  *overdue.mutable_balance() = order.invoice().balance();
  *overdue.mutable_at() = ToTimestamp(ctx.now);
  return event;
}

v1::Order Evolve(v1::Order order, const v1::OrderEvent& event) {
  switch (event.event_case()) {
    case v1::OrderEvent::kOrderPlaced: {
      const v1::OrderPlaced& e = event.order_placed();
      order.set_order_id(e.order_id());
      order.set_customer_id(e.customer_id());
      order.set_deal_id(e.deal_id());
      order.set_channel_id(e.channel_id());
      order.set_rep_id(e.rep_id());
      order.set_team_id(e.team_id());
      order.set_region_id(e.region_id());
      order.set_currency(e.currency());
      *order.mutable_lines() = e.lines();
      *order.mutable_total() = e.total();
      order.set_allow_backorder(e.allow_backorder());
      order.set_agreement_version(e.agreement_version());
      *order.mutable_price_flags() = e.price_flags();
      *order.mutable_placed_at() = e.at();
      order.mutable_returned_amount()->set_currency(e.currency());
      MoveTo(order, v1::ORDER_STATUS_PLACED, "", e.at());
      break;
    }
    case v1::OrderEvent::kOrderConfirmed: {
      const v1::OrderConfirmed& e = event.order_confirmed();
      *order.mutable_fulfilment() = e.fulfilment();
      order.set_first_order_of_customer(e.first_order_of_customer());
      MoveTo(order, v1::ORDER_STATUS_CONFIRMED, e.release_reason(), e.at());
      break;
    }
    case v1::OrderEvent::kOrderPutOnCreditHold: {
      const v1::OrderPutOnCreditHold& e = event.order_put_on_credit_hold();
      MoveTo(order, v1::ORDER_STATUS_CREDIT_HOLD,
             absl::StrCat("exposure ", e.exposure_before(), " + ", e.order_total(),
                          " above the credit limit ", e.credit_limit()),
             e.at());
      break;
    }
    case v1::OrderEvent::kOrderCancelled:
      MoveTo(order, v1::ORDER_STATUS_CANCELLED, event.order_cancelled().reason(),
             event.order_cancelled().at());
      break;
    case v1::OrderEvent::kBackorderReserved: {
      const v1::BackorderReserved& e = event.backorder_reserved();
      if (v1::LineFulfilment* fulfilment = MutableFulfilmentOf(order, e.line_no())) {
        fulfilment->set_reserved(fulfilment->reserved() + e.quantity());
        fulfilment->set_backordered(fulfilment->backordered() - e.quantity());
      }
      break;
    }
    case v1::OrderEvent::kOrderShipped: {
      const v1::OrderShipped& e = event.order_shipped();
      order.mutable_shipment()->set_carrier(e.carrier());
      order.mutable_shipment()->set_tracking_number(e.tracking_number());
      *order.mutable_shipment()->mutable_shipped_at() = e.at();
      for (v1::LineFulfilment& fulfilment : *order.mutable_fulfilment()) {
        fulfilment.set_shipped(fulfilment.shipped() + fulfilment.reserved());
        fulfilment.set_reserved(0);
      }
      MoveTo(order, v1::ORDER_STATUS_SHIPPED, "", e.at());
      break;
    }
    case v1::OrderEvent::kOrderDelivered:
      *order.mutable_shipment()->mutable_delivered_at() = event.order_delivered().at();
      MoveTo(order, v1::ORDER_STATUS_DELIVERED, "", event.order_delivered().at());
      break;
    case v1::OrderEvent::kOrderInvoiced:
      *order.mutable_invoice() = event.order_invoiced().invoice();
      MoveTo(order, v1::ORDER_STATUS_INVOICED, "", event.order_invoiced().at());
      break;
    case v1::OrderEvent::kPaymentReceived: {
      const v1::PaymentReceived& e = event.payment_received();
      *order.add_payments() = e.payment();
      v1::Invoice& invoice = *order.mutable_invoice();
      invoice.mutable_paid()->set_units(invoice.paid().units() + e.payment().amount().units());
      *invoice.mutable_balance() = e.balance_after();
      if (e.balance_after().units() == 0 && order.status() == v1::ORDER_STATUS_INVOICED) {
        MoveTo(order, v1::ORDER_STATUS_PAID, "", e.at());
      }
      break;
    }
    case v1::OrderEvent::kReturnAccepted: {
      const v1::ReturnAccepted& e = event.return_accepted();
      const v1::OrderReturn& order_return = e.order_return();
      *order.add_returns() = order_return;
      order.mutable_returned_amount()->set_units(order.returned_amount().units() +
                                                 order_return.credit_amount().units());
      for (const v1::ReturnLine& line : order_return.lines()) {
        if (v1::LineFulfilment* fulfilment = MutableFulfilmentOf(order, line.line_no())) {
          fulfilment->set_returned(fulfilment->returned() + line.quantity());
        }
      }
      if (order.has_invoice()) {
        v1::Invoice& invoice = *order.mutable_invoice();
        invoice.mutable_credited()->set_units(invoice.credited().units() +
                                              order_return.credit_amount().units() -
                                              order_return.refund_due().units());
        *invoice.mutable_balance() = e.balance_after();
        if (e.balance_after().units() == 0 && order.status() == v1::ORDER_STATUS_INVOICED) {
          MoveTo(order, v1::ORDER_STATUS_PAID, "settled by a credit note", e.at());
        }
      }
      break;
    }
    case v1::OrderEvent::kInvoiceOverdue:
      order.mutable_invoice()->set_overdue_reported(true);
      break;
    case v1::OrderEvent::EVENT_NOT_SET:
      break;
  }
  return order;
}

}  // namespace sales::orders
