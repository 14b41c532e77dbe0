#include "tools/loadgen/order_workload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "tools/loadgen/rpc_calls.h"

namespace sales::loadgen {
namespace {

namespace v1 = ::sales::orders::v1;
using Stub = v1::OrderService::Stub;
using ChannelStub = channels::v1::ChannelService::Stub;

constexpr int kOrdersInFlightPerClient = 4;
constexpr int kLinesPerOrder = 3;
constexpr int64_t kStockPerSku = 100'000'000;
constexpr int64_t kCreditLimitUnits = 1'000'000'000'000;  // 10 billion CNY: never reached
constexpr absl::Duration kReplicaPatience = absl::Minutes(1);

common::v1::Money Cny(int64_t units) {
  common::v1::Money money;
  money.set_units(units);
  money.set_currency("CNY");
  return money;
}

// Places and cancels a probe order until the orders service's replicas know the channel and the
// SKUs (NOT_FOUND or a refused channel check until then).
absl::Status AwaitReplicas(Stub& stub, const OrderWorld& world) {
  // Idempotency keys name the run's own probe order: a second run against the same server has
  // another prefix, and must not replay (or collide with) the first run's setup.
  const std::string probe = absl::StrCat(world.prefix, "-probe");
  absl::Status placed;
  for (const absl::Time until = absl::Now() + kReplicaPatience; absl::Now() < until;) {
    v1::PlaceOrderRequest place;
    place.set_order_id(probe);
    place.set_customer_id(world.customers.front());
    place.set_channel_id(world.channel_id);
    place.set_rep_id(world.reps.front());
    for (const std::string& sku : world.skus) {
      v1::PlaceOrderLine& line = *place.add_lines();
      line.set_sku(sku);
      line.set_quantity(1);
      if (place.lines_size() == 98) break;
    }
    placed = SetupCall(stub, &Stub::PlaceOrder, std::move(place), absl::StrCat("order ", probe));
    if (placed.ok() || absl::IsAlreadyExists(placed)) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  RETURN_IF_ERROR(placed);
  v1::CancelOrderRequest cancel;
  cancel.set_order_id(probe);
  cancel.set_reason("probe");
  const absl::Status cancelled =
      SetupCall(stub, &Stub::CancelOrder, std::move(cancel), absl::StrCat("cancel of ", probe));
  return absl::IsFailedPrecondition(cancelled) ? absl::OkStatus() : cancelled;
}

}  // namespace

absl::StatusOr<OrderWorld> SetUpOrderWorld(ChannelStub& channels, Stub& orders,
                                           const Organisation& org, const Catalogue& catalogue,
                                           int clients) {
  OrderWorld world{.prefix = org.prefix,
                   .channel_id = absl::StrCat(org.prefix, "-web"),
                   .skus = catalogue.skus,
                   .list_price_units = catalogue.list_price_units,
                   .reps = org.reps};
  channels::v1::RegisterChannelRequest reg;
  reg.set_channel_id(world.channel_id);
  reg.set_name("Load-generator web store");
  reg.set_type(channels::v1::CHANNEL_TYPE_WEBSITE);
  RETURN_IF_ERROR(
      SetupCall(channels, &ChannelStub::RegisterChannel, std::move(reg), world.channel_id));
  channels::v1::ChangeChannelStatusRequest activate;
  activate.set_channel_id(world.channel_id);
  activate.set_status(channels::v1::CHANNEL_STATUS_ACTIVE);
  RETURN_IF_ERROR(SetupCall(channels, &ChannelStub::ChangeChannelStatus, std::move(activate),
                            absl::StrCat(world.channel_id, "-active")));
  for (int i = 0; i < clients; ++i) {
    v1::RegisterCustomerRequest customer;
    customer.set_customer_id(absl::StrCat(org.prefix, "-cust-", i));
    customer.set_name(absl::StrCat("Customer ", i));
    customer.set_region_id(org.regions[i % org.regions.size()]);
    customer.set_segment(org.segments[i % org.segments.size()]);
    customer.set_credit_grade(v1::CREDIT_GRADE_A);
    *customer.mutable_credit_limit() = Cny(kCreditLimitUnits);
    customer.set_payment_terms_days(30);
    world.customers.push_back(customer.customer_id());
    const std::string id = customer.customer_id();
    RETURN_IF_ERROR(SetupCall(orders, &Stub::RegisterCustomer, std::move(customer), id));
  }
  // Stock is only received for SKUs the orders service's catalogue replica knows.
  RETURN_IF_ERROR(AwaitReplicas(orders, world));
  for (const std::string& sku : world.skus) {
    v1::ReceiveStockRequest receive;
    receive.set_sku(sku);
    receive.set_quantity(kStockPerSku);
    RETURN_IF_ERROR(
        SetupCall(orders, &Stub::ReceiveStock, std::move(receive), absl::StrCat(sku, "-stock")));
  }
  return world;
}

OrderClient::OrderClient(Stub* stub, const OrderWorld& world, int client_index)
    : stub_(stub), world_(world), client_index_(client_index), random_(client_index + 1) {}

CallOutcome OrderClient::RunNext() {
  if (in_flight_.size() < kOrdersInFlightPerClient) return Place();
  const size_t index = next_in_turn_++ % in_flight_.size();
  OrderInFlight& order = in_flight_[index];
  const Step step = order.steps.front();
  order.steps.pop_front();
  CallOutcome outcome = RunStep(order, step);
  if (!outcome.status.ok() || order.steps.empty()) {
    in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(index));
  }
  return outcome;
}

CallOutcome OrderClient::Place() {
  OrderInFlight order{
      .order_id = absl::StrCat(world_.prefix, "-o", client_index_, "-", orders_started_++),
      .steps = {Step::kConfirm, Step::kShip, Step::kDeliver, Step::kInvoice, Step::kPay}};
  v1::PlaceOrderRequest request;
  request.set_order_id(order.order_id);
  request.set_customer_id(world_.customers[static_cast<size_t>(client_index_)]);
  request.set_channel_id(world_.channel_id);
  request.set_rep_id(world_.reps[static_cast<size_t>(client_index_) % world_.reps.size()]);
  // Consecutive SKUs from a random one: distinct, as an order names a SKU once.
  const int skus = static_cast<int>(world_.skus.size());
  const int first = Uniform(0, skus - 1);
  for (int i = 0; i < kLinesPerOrder && i < skus; ++i) {
    v1::PlaceOrderLine& line = *request.add_lines();
    line.set_sku(world_.skus[static_cast<size_t>((first + i) % skus)]);
    line.set_quantity(Uniform(1, 3));
    order.total_units += line.quantity();
  }
  Stamp(request, NextKey());
  v1::OrdersCommandResponse response;
  CallOutcome outcome = TimedCall(*stub_, "PlaceOrder", &Stub::PlaceOrder, request, &response);
  if (outcome.status.ok()) in_flight_.push_back(std::move(order));
  return outcome;
}

CallOutcome OrderClient::RunStep(OrderInFlight& order, Step step) {
  v1::OrdersCommandResponse response;
  switch (step) {
    case Step::kConfirm: {
      v1::ConfirmOrderRequest request;
      request.set_order_id(order.order_id);
      Stamp(request, NextKey());
      return TimedCall(*stub_, "ConfirmOrder", &Stub::ConfirmOrder, request, &response);
    }
    case Step::kShip: {
      v1::ShipOrderRequest request;
      request.set_order_id(order.order_id);
      request.set_carrier("SF Express");
      request.set_tracking_number(absl::StrCat("SF-", order.order_id));
      Stamp(request, NextKey());
      return TimedCall(*stub_, "ShipOrder", &Stub::ShipOrder, request, &response);
    }
    case Step::kDeliver: {
      v1::DeliverOrderRequest request;
      request.set_order_id(order.order_id);
      Stamp(request, NextKey());
      return TimedCall(*stub_, "DeliverOrder", &Stub::DeliverOrder, request, &response);
    }
    case Step::kInvoice: {
      v1::InvoiceOrderRequest request;
      request.set_order_id(order.order_id);
      Stamp(request, NextKey());
      return TimedCall(*stub_, "InvoiceOrder", &Stub::InvoiceOrder, request, &response);
    }
    case Step::kPay: {
      v1::RecordPaymentRequest request;
      request.set_order_id(order.order_id);
      // The whole balance: every unit at the catalogue's list price.
      *request.mutable_amount() = Cny(order.total_units * world_.list_price_units);
      Stamp(request, NextKey());
      return TimedCall(*stub_, "RecordPayment", &Stub::RecordPayment, request, &response);
    }
  }
  return {};
}

std::string OrderClient::NextKey() {
  return absl::StrCat(world_.prefix, "-oc", client_index_, "-k", commands_sent_++);
}

int OrderClient::Uniform(int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(random_);
}

}  // namespace sales::loadgen
