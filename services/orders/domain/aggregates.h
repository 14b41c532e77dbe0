// The orders context's aggregates and their Decide/Evolve:
//   Customer  stream "customer-<id>": master data, credit grade and limit, payment terms, and the
//             credit account — each open order's exposure (ExposureChanged);
//   Order     stream "order-<id>": lines priced and checked when placed, lifecycle, shipment,
//             invoice, payments, returns;
//   Stock     stream "stock-<sku>": on hand, reserved, and the holds of orders' lines.
//
// A command on one aggregate is Decide(state, command, context) → its events. A command that
// changes several (confirm: the order, its customer's account and every line's stock; cancel,
// ship, invoice, pay, return: the order and its customer's account, and stock where it moves;
// receive stock: the stock and the orders whose back-orders it fills) is decided by one function
// on all their states and returns every stream's events, which the app appends in one
// multi-stream append with each stream's expected version: all or nothing, so an order is never
// confirmed without its reservations, nor stock reserved for an order that was not confirmed.
//
// Decide checks every field first (INVALID_ARGUMENT naming it), then existence (NOT_FOUND /
// ALREADY_EXISTS), then the rules (FAILED_PRECONDITION "rule <name>: …"). Rules:
// illegal_status_change (lifecycle.h), order_not_on_credit_hold, currency_mismatch,
// insufficient_stock (naming the SKU and the shortfall), backorder_pending (ship),
// payment_exceeds_balance, return_exceeds_delivered, not_delivered (returns), nothing_to_return.
// Evolve is total and deterministic: every event folds; an empty event changes nothing.
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_ORDERS_DOMAIN_AGGREGATES_H_
#define SALES_SERVICES_ORDERS_DOMAIN_AGGREGATES_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "sales/channels/v1/model.pb.h"
#include "sales/orders/v1/commands.pb.h"
#include "sales/orders/v1/events.pb.h"
#include "sales/orders/v1/model.pb.h"
#include "sales/org/v1/model.pb.h"

namespace sales::orders {

using CustomerEvents = std::vector<v1::CustomerEvent>;
using OrderEvents = std::vector<v1::OrderEvent>;
using StockEvents = std::vector<v1::StockEvent>;

inline constexpr absl::string_view kCustomerStreamPrefix = "customer-";
inline constexpr absl::string_view kOrderStreamPrefix = "order-";
inline constexpr absl::string_view kStockStreamPrefix = "stock-";
std::string CustomerStreamId(absl::string_view customer_id);
std::string OrderStreamId(absl::string_view order_id);
std::string StockStreamId(absl::string_view sku);

// What Decide may know besides the aggregates: the clock and the business day, and the
// organisation (the org replica).
struct OrdersContext {
  absl::Time now;
  absl::CivilDay today;  // in the business time zone
  const org::v1::SalesOrganisation& org;
  std::string actor;  // the command's (CommandMeta.actor)
};

// ---- Customer ----

absl::StatusOr<CustomerEvents> Decide(const v1::Customer& customer,
                                      const v1::RegisterCustomerRequest& c,
                                      const OrdersContext& ctx);
absl::StatusOr<CustomerEvents> Decide(const v1::Customer& customer,
                                      const v1::ChangeCustomerCreditRequest& c,
                                      const OrdersContext& ctx);
v1::Customer Evolve(v1::Customer customer, const v1::CustomerEvent& event);

// ---- Stock ----

v1::Stock Evolve(v1::Stock stock, const v1::StockEvent& event);
// Units a new order can reserve: on hand − reserved, and none while back-orders wait (they keep
// their place); 0 without a stock stream (null).
int64_t AvailableStock(const v1::Stock* stock);

// ---- Order ----

// What placing an order looks up besides its customer: the channels replica and the leads deals.
struct PlacementLookups {
  // The channel with its prices for the order's SKUs (channels::PriceDecisionView); null when the
  // channel is unknown.
  const channels::v1::Channel* channel = nullptr;
  std::function<const channels::v1::Product*(absl::string_view sku)> products;
  // Whether a deal is won; nullopt when there is no such deal.
  std::function<std::optional<bool>(absl::string_view deal_id)> deal_won;
};

// Place: validated (ValidatePlaceOrder), then the customer (NOT_FOUND), the rep (org, NOT_FOUND),
// the channel (NOT_FOUND), the deal (NOT_FOUND; FAILED_PRECONDITION "rule deal_not_won"); the
// lines priced (pricing.h) in the customer's currency (a given unit price in another one is
// INVALID_ARGUMENT "lines[i].unit_price.currency"); then CheckOrderEligibility on the channel
// (FAILED_PRECONDITION "rule <first problem's rule>: …" listing every problem). OrderPlaced
// records the agreement version, the price-list versions and the price flags it passed with.
absl::StatusOr<OrderEvents> DecidePlace(const v1::Order& order, const v1::Customer& customer,
                                        const v1::PlaceOrderRequest& c,
                                        const PlacementLookups& lookups, const OrdersContext& ctx);
v1::Order Evolve(v1::Order order, const v1::OrderEvent& event);

// InvoiceOverdue when the order's invoice is past its due date on `today` with a balance and not
// yet reported (the overdue scanner's decision); nullopt otherwise.
std::optional<v1::OrderEvent> DetectOverdue(const v1::Order& order, const OrdersContext& ctx);

// The events of a command that changes an order and the aggregates around it, by stream.
struct OrderChange {
  OrderEvents order;
  CustomerEvents customer;                   // the order's customer's account
  std::map<std::string, StockEvents> stock;  // by SKU
  // Orders other than the command's (receiving stock fills their back-orders), by order id.
  std::map<std::string, OrderEvents> other_orders;
  bool empty() const;
};

// Stock states by SKU (null: no stream yet, i.e. nothing on hand).
using StockStates = std::map<std::string, const v1::Stock*>;

// Confirm: within the credit limit, every line reserved (or back-ordered when the order allows
// it, else FAILED_PRECONDITION "rule insufficient_stock" naming the SKU and the shortfall) and the
// order's total added to the customer's exposure; beyond it, OrderPutOnCreditHold (nothing
// reserved). `stock` holds every line's SKU.
absl::StatusOr<OrderChange> DecideConfirm(const v1::Order& order, const v1::Customer& customer,
                                          const StockStates& stock,
                                          const v1::ConfirmOrderRequest& c,
                                          const OrdersContext& ctx);
// Release a credit hold: confirmed (and reserved) whatever the exposure, with the reason.
absl::StatusOr<OrderChange> DecideRelease(const v1::Order& order, const v1::Customer& customer,
                                          const StockStates& stock,
                                          const v1::ReleaseCreditHoldRequest& c,
                                          const OrdersContext& ctx);
// Cancel before shipping: holds released, the exposure removed.
absl::StatusOr<OrderChange> DecideCancel(const v1::Order& order, const v1::Customer& customer,
                                         const v1::CancelOrderRequest& c, const OrdersContext& ctx);
// Ship: every unit reserved (no back-order pending); the holds consumed (on hand drops).
absl::StatusOr<OrderChange> DecideShip(const v1::Order& order, const v1::ShipOrderRequest& c,
                                       const OrdersContext& ctx);
absl::StatusOr<OrderChange> DecideDeliver(const v1::Order& order, const v1::DeliverOrderRequest& c,
                                          const OrdersContext& ctx);
// Invoice a delivered order: amount = total − returns so far; due = issue day + the customer's
// payment terms. The exposure becomes the invoice's balance.
absl::StatusOr<OrderChange> DecideInvoice(const v1::Order& order, const v1::Customer& customer,
                                          const v1::InvoiceOrderRequest& c,
                                          const OrdersContext& ctx);
// A payment of at most the balance ("rule payment_exceeds_balance"); the last one makes it PAID.
absl::StatusOr<OrderChange> DecidePayment(const v1::Order& order, const v1::Customer& customer,
                                          const v1::RecordPaymentRequest& c,
                                          const OrdersContext& ctx);
// A return of delivered units (by line, at most what was delivered and not yet returned): a
// credit note of the lines' amounts (half-even per line) reduces the balance or the amount to
// invoice; beyond the open balance it is owed back (refund_due). The units are restocked.
absl::StatusOr<OrderChange> DecideReturn(const v1::Order& order, const v1::Customer& customer,
                                         const v1::ReturnItemsRequest& c, const OrdersContext& ctx);
// Receiving stock fills waiting back-orders in the order they were taken, for at most this many
// orders per receipt (one append holds at most 100 streams); the others wait for the next receipt
// (confirmations cannot take stock while any back-order waits).
inline constexpr size_t kMaxOrdersFilledPerReceipt = 99;
// `waiting` holds the orders of the stock's holds with back-ordered units (by order id).
absl::StatusOr<OrderChange> DecideReceive(const v1::Stock& stock,
                                          const std::map<std::string, const v1::Order*>& waiting,
                                          const v1::ReceiveStockRequest& c,
                                          const OrdersContext& ctx);

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_DOMAIN_AGGREGATES_H_
