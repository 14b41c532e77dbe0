// The orders domain's decisions on states folded by its own Evolve: a whole journey, credit
// control, stock and back-orders, returns and receivables, and the refusals.
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/orders/domain/aggregates.h"
#include "services/orders/domain/test_fixtures.h"

namespace sales::orders {
namespace {

using testing::Cny;
using ::testing::HasSubstr;
using testing::Meta;
using testing::OrderLine;
using testing::World;

// The states a command sees, folded from the events decided so far.
class OrdersDomainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registered = Decide(customer_, testing::RegisterCustomer("C1", 10'000), world_.Context());
    ASSERT_TRUE(registered.ok()) << registered.status();
    for (const auto& event : *registered) customer_ = Evolve(customer_, event);
  }

  void Apply(const OrderChange& change) {
    for (const auto& event : change.order) order_ = Evolve(order_, event);
    for (const auto& event : change.customer) customer_ = Evolve(customer_, event);
    for (const auto& [sku, events] : change.stock) {
      for (const auto& event : events) stock_[sku] = Evolve(stock_[sku], event);
    }
    for (const auto& [order_id, events] : change.other_orders) {
      for (const auto& event : events) others_[order_id] = Evolve(others_[order_id], event);
    }
  }

  absl::Status Place(const v1::PlaceOrderRequest& request) {
    auto placed = DecidePlace(order_, customer_, request, world_.Lookups(), world_.Context());
    if (!placed.ok()) return placed.status();
    for (const auto& event : *placed) order_ = Evolve(order_, event);
    return absl::OkStatus();
  }

  StockStates Stocks() const {
    StockStates states;
    for (const auto& [sku, stock] : stock_) states[sku] = &stock;
    return states;
  }

  template <typename Decision>
  absl::Status Run(Decision decision) {
    absl::StatusOr<OrderChange> change = decision();
    if (!change.ok()) return change.status();
    Apply(*change);
    return absl::OkStatus();
  }

  absl::Status Receive(const std::string& sku, int64_t quantity) {
    v1::ReceiveStockRequest c;
    *c.mutable_meta() = Meta();
    c.set_sku(sku);
    c.set_quantity(quantity);
    std::map<std::string, const v1::Order*> waiting;
    if (!order_.order_id().empty()) waiting[order_.order_id()] = &order_;
    absl::StatusOr<OrderChange> change = DecideReceive(stock_[sku], waiting, c, world_.Context());
    if (!change.ok()) return change.status();
    // Back-orders filled for the order under test fold into it.
    if (auto it = change->other_orders.find(order_.order_id()); it != change->other_orders.end()) {
      for (const auto& event : it->second) order_ = Evolve(order_, event);
      change->other_orders.erase(it);
    }
    Apply(*change);
    return absl::OkStatus();
  }

  v1::ConfirmOrderRequest Confirm() {
    v1::ConfirmOrderRequest c;
    *c.mutable_meta() = Meta();
    c.set_order_id(order_.order_id());
    return c;
  }
  template <typename Request>
  Request For() {
    Request c;
    *c.mutable_meta() = Meta();
    c.set_order_id(order_.order_id());
    return c;
  }

  World world_;
  v1::Customer customer_;
  v1::Order order_;
  std::map<std::string, v1::Stock> stock_;
  std::map<std::string, v1::Order> others_;
};

TEST_F(OrdersDomainTest, AJourneyFromPlacedToPaidWithAPartialReturn) {
  ASSERT_TRUE(Receive("CRM-STD", 10).ok());
  ASSERT_TRUE(Receive("CRM-PRO", 5).ok());
  v1::PlaceOrderRequest place = testing::PlaceOrder("O-1", "C1");
  place.set_deal_id("D-won");
  *place.add_lines() = OrderLine("CRM-STD", 4);              // 4 × 980 = 3,920
  *place.add_lines() = OrderLine("CRM-PRO", 1, 3'400, 500);  // 3,400 × 0.95 = 3,230
  ASSERT_TRUE(Place(place).ok());
  EXPECT_EQ(order_.status(), v1::ORDER_STATUS_PLACED);
  EXPECT_EQ(order_.total().units(), 7'150);
  EXPECT_EQ(order_.team_id(), "t-east");
  EXPECT_EQ(order_.region_id(), "east");
  EXPECT_EQ(order_.deal_id(), "D-won");
  EXPECT_EQ(order_.agreement_version(), 1);
  EXPECT_EQ(order_.lines(0).price_list_version(), 3);

  ASSERT_TRUE(Run([&] {
                return DecideConfirm(order_, customer_, Stocks(), Confirm(), world_.Context());
              }).ok());
  EXPECT_EQ(order_.status(), v1::ORDER_STATUS_CONFIRMED);
  EXPECT_TRUE(order_.first_order_of_customer());
  EXPECT_EQ(customer_.exposure(), 7'150);
  EXPECT_EQ(stock_["CRM-STD"].reserved(), 4);
  EXPECT_EQ(stock_["CRM-PRO"].reserved(), 1);

  auto ship = For<v1::ShipOrderRequest>();
  ship.set_carrier("SF Express");
  ship.set_tracking_number("SF123");
  ASSERT_TRUE(Run([&] { return DecideShip(order_, ship, world_.Context()); }).ok());
  EXPECT_EQ(stock_["CRM-STD"].on_hand(), 6);
  EXPECT_EQ(stock_["CRM-STD"].reserved(), 0);
  ASSERT_TRUE(Run([&] {
                return DecideDeliver(order_, For<v1::DeliverOrderRequest>(), world_.Context());
              }).ok());

  // A partial return before invoicing: one unit of line 1 (980), restocked.
  auto ret = For<v1::ReturnItemsRequest>();
  ret.set_return_id("RET-1");
  ret.set_reason("damaged");
  ret.add_lines()->set_line_no(1);
  ret.mutable_lines(0)->set_quantity(1);
  ASSERT_TRUE(Run([&] { return DecideReturn(order_, customer_, ret, world_.Context()); }).ok());
  EXPECT_EQ(order_.returned_amount().units(), 980);
  EXPECT_EQ(customer_.exposure(), 6'170);
  EXPECT_EQ(stock_["CRM-STD"].on_hand(), 7);

  auto invoice = For<v1::InvoiceOrderRequest>();
  invoice.set_invoice_id("INV-1");
  ASSERT_TRUE(
      Run([&] { return DecideInvoice(order_, customer_, invoice, world_.Context()); }).ok());
  EXPECT_EQ(order_.invoice().amount().units(), 6'170);
  EXPECT_EQ(order_.invoice().due_on().month(), 6);  // 2026-05-20 + 30 days
  EXPECT_EQ(order_.invoice().due_on().day(), 19);

  auto pay = For<v1::RecordPaymentRequest>();
  pay.set_payment_id("PAY-1");
  *pay.mutable_amount() = Cny(6'000);
  ASSERT_TRUE(Run([&] { return DecidePayment(order_, customer_, pay, world_.Context()); }).ok());
  EXPECT_EQ(order_.invoice().balance().units(), 170);
  EXPECT_EQ(order_.status(), v1::ORDER_STATUS_INVOICED);
  // Over-payment refused, writing nothing.
  pay.set_payment_id("PAY-2");
  *pay.mutable_amount() = Cny(171);
  auto over = DecidePayment(order_, customer_, pay, world_.Context());
  EXPECT_THAT(over.status().message(), HasSubstr("payment_exceeds_balance"));
  *pay.mutable_amount() = Cny(170);
  ASSERT_TRUE(Run([&] { return DecidePayment(order_, customer_, pay, world_.Context()); }).ok());
  EXPECT_EQ(order_.status(), v1::ORDER_STATUS_PAID);
  EXPECT_EQ(customer_.exposure(), 0);
  EXPECT_TRUE(customer_.exposure_by_order().empty());

  std::vector<v1::OrderStatus> statuses;
  for (const auto& step : order_.history()) statuses.push_back(step.to());
  EXPECT_THAT(statuses, ::testing::ElementsAre(v1::ORDER_STATUS_PLACED, v1::ORDER_STATUS_CONFIRMED,
                                               v1::ORDER_STATUS_SHIPPED, v1::ORDER_STATUS_DELIVERED,
                                               v1::ORDER_STATUS_INVOICED, v1::ORDER_STATUS_PAID));

  // A return after payment is owed back.
  ret.set_return_id("RET-2");
  ASSERT_TRUE(Run([&] { return DecideReturn(order_, customer_, ret, world_.Context()); }).ok());
  EXPECT_EQ(order_.returns(1).refund_due().units(), 980);
  // No more of line 1 than was delivered (4, 2 returned).
  ret.set_return_id("RET-3");
  ret.mutable_lines(0)->set_quantity(3);
  auto too_many = DecideReturn(order_, customer_, ret, world_.Context());
  EXPECT_THAT(too_many.status().message(), HasSubstr("return_exceeds_delivered"));
}

TEST_F(OrdersDomainTest, OverTheLimitGoesOnCreditHoldAndAManagerReleasesIt) {
  ASSERT_TRUE(Receive("CRM-STD", 100).ok());
  v1::PlaceOrderRequest place = testing::PlaceOrder("O-big", "C1");
  *place.add_lines() = OrderLine("CRM-STD", 11);  // 10,780 > 10,000
  ASSERT_TRUE(Place(place).ok());
  ASSERT_TRUE(Run([&] {
                return DecideConfirm(order_, customer_, Stocks(), Confirm(), world_.Context());
              }).ok());
  EXPECT_EQ(order_.status(), v1::ORDER_STATUS_CREDIT_HOLD);
  EXPECT_EQ(stock_["CRM-STD"].reserved(), 0);  // nothing held
  EXPECT_EQ(customer_.exposure(), 0);
  auto again = DecideConfirm(order_, customer_, Stocks(), Confirm(), world_.Context());
  EXPECT_THAT(again.status().message(), HasSubstr("order_on_credit_hold"));

  auto release = For<v1::ReleaseCreditHoldRequest>();
  *release.mutable_meta() = Meta("user:manager");
  EXPECT_EQ(DecideRelease(order_, customer_, Stocks(), release, world_.Context()).status().code(),
            absl::StatusCode::kInvalidArgument);  // a reason is required
  release.set_reason("long-standing customer, paid on time");
  ASSERT_TRUE(Run([&] {
                return DecideRelease(order_, customer_, Stocks(), release, world_.Context());
              }).ok());
  EXPECT_EQ(order_.status(), v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(customer_.exposure(), 10'780);
  EXPECT_EQ(stock_["CRM-STD"].reserved(), 11);

  // Cancelling releases the stock and the exposure.
  auto cancel = For<v1::CancelOrderRequest>();
  cancel.set_reason("customer withdrew");
  ASSERT_TRUE(Run([&] { return DecideCancel(order_, customer_, cancel, world_.Context()); }).ok());
  EXPECT_EQ(order_.status(), v1::ORDER_STATUS_CANCELLED);
  EXPECT_EQ(stock_["CRM-STD"].reserved(), 0);
  EXPECT_EQ(customer_.exposure(), 0);
}

TEST_F(OrdersDomainTest, ShortStockIsRefusedNamingEverySkuOrBackOrderedAndFilledOnReceipt) {
  ASSERT_TRUE(Receive("CRM-STD", 2).ok());
  v1::PlaceOrderRequest place = testing::PlaceOrder("O-short", "C1");
  *place.add_lines() = OrderLine("CRM-STD", 5);
  *place.add_lines() = OrderLine("CRM-PRO", 1);
  ASSERT_TRUE(Place(place).ok());
  auto refused = DecideConfirm(order_, customer_, Stocks(), Confirm(), world_.Context());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("insufficient_stock"));
  EXPECT_THAT(refused.status().message(), HasSubstr("SKU CRM-STD short by 3"));
  EXPECT_THAT(refused.status().message(), HasSubstr("SKU CRM-PRO short by 1"));

  order_ = v1::Order();
  place.set_order_id("O-back");
  place.set_allow_backorder(true);
  ASSERT_TRUE(Place(place).ok());
  ASSERT_TRUE(Run([&] {
                return DecideConfirm(order_, customer_, Stocks(), Confirm(), world_.Context());
              }).ok());
  EXPECT_EQ(order_.fulfilment(0).reserved(), 2);
  EXPECT_EQ(order_.fulfilment(0).backordered(), 3);
  EXPECT_EQ(stock_["CRM-STD"].backordered(), 3);
  auto ship = For<v1::ShipOrderRequest>();
  ship.set_carrier("SF");
  ship.set_tracking_number("T1");
  EXPECT_THAT(DecideShip(order_, ship, world_.Context()).status().message(),
              HasSubstr("backorder_pending"));

  ASSERT_TRUE(Receive("CRM-STD", 10).ok());
  ASSERT_TRUE(Receive("CRM-PRO", 1).ok());
  EXPECT_EQ(order_.fulfilment(0).reserved(), 5);
  EXPECT_EQ(order_.fulfilment(0).backordered(), 0);
  EXPECT_EQ(stock_["CRM-STD"].reserved(), 5);
  EXPECT_EQ(stock_["CRM-STD"].on_hand() - stock_["CRM-STD"].reserved(), 7);
  ASSERT_TRUE(Run([&] { return DecideShip(order_, ship, world_.Context()); }).ok());
  EXPECT_EQ(stock_["CRM-STD"].on_hand(), 7);
}

TEST_F(OrdersDomainTest, OverdueIsDetectedOncePastTheDueDate) {
  order_.set_order_id("O-1");
  order_.set_status(v1::ORDER_STATUS_INVOICED);
  *order_.mutable_invoice()->mutable_due_on() = ToDate(world_.today);
  *order_.mutable_invoice()->mutable_balance() = Cny(100);
  EXPECT_FALSE(DetectOverdue(order_, world_.Context()).has_value());  // due today: not yet
  world_.today += 1;
  auto overdue = DetectOverdue(order_, world_.Context());
  ASSERT_TRUE(overdue.has_value());
  order_ = Evolve(order_, *overdue);
  EXPECT_FALSE(DetectOverdue(order_, world_.Context()).has_value());  // once
}

struct Refusal {
  std::string name;
  std::function<void(v1::PlaceOrderRequest&, World&)> change;
  absl::StatusCode code;
  std::string message_part;
};

TEST_F(OrdersDomainTest, PlacementRefusalsNameTheFieldOrRule) {
  const std::vector<Refusal> cases = {
      {"no lines", [](auto& c, auto&) { c.clear_lines(); }, absl::StatusCode::kInvalidArgument,
       "lines"},
      {"zero quantity", [](auto& c, auto&) { c.mutable_lines(0)->set_quantity(0); },
       absl::StatusCode::kInvalidArgument, "lines[0].quantity"},
      {"discount over 100 %", [](auto& c, auto&) { c.mutable_lines(0)->set_discount_bp(10'001); },
       absl::StatusCode::kInvalidArgument, "lines[0].discount_bp"},
      {"price in another currency",
       [](auto& c, auto&) { c.mutable_lines(0)->mutable_unit_price()->set_currency("USD"); },
       absl::StatusCode::kInvalidArgument, "lines[0].unit_price.currency"},
      {"99 lines (a confirmation appends to at most 100 streams)",
       [](auto& c, auto&) {
         for (int i = 1; i < 99; ++i) *c.add_lines() = OrderLine("SKU-" + std::to_string(i), 1);
       },
       absl::StatusCode::kInvalidArgument, "more than 98 lines"},
      {"an amount beyond 10^13",
       [](auto& c, auto&) {
         *c.mutable_lines(0) = OrderLine("CRM-STD", 1'000'000'000, 10'000'000'000);
       },
       absl::StatusCode::kInvalidArgument, "lines[0]"},
      {"a SKU twice", [](auto& c, auto&) { *c.add_lines() = OrderLine("CRM-STD", 1); },
       absl::StatusCode::kInvalidArgument, "lines[1].sku"},
      {"unknown SKU", [](auto& c, auto&) { c.mutable_lines(0)->set_sku("NOPE"); },
       absl::StatusCode::kNotFound, "lines[0].sku"},
      {"unknown customer", [](auto& c, auto&) { c.set_customer_id("C-none"); },
       absl::StatusCode::kNotFound, "customer_id"},
      {"unknown rep", [](auto& c, auto&) { c.set_rep_id("r-none"); }, absl::StatusCode::kNotFound,
       "rep_id"},
      {"unknown deal", [](auto& c, auto&) { c.set_deal_id("D-none"); }, absl::StatusCode::kNotFound,
       "deal_id"},
      {"deal not won", [](auto& c, auto&) { c.set_deal_id("D-open"); },
       absl::StatusCode::kFailedPrecondition, "deal_not_won"},
      {"channel suspended",
       [](auto&, auto& w) { w.channel.set_status(channels::v1::CHANNEL_STATUS_SUSPENDED); },
       absl::StatusCode::kFailedPrecondition, "channel_not_active"},
      {"price outside the band",
       [](auto& c, auto&) { *c.mutable_lines(0) = OrderLine("CRM-STD", 1, 500); },
       absl::StatusCode::kFailedPrecondition, "price_outside_band"},
  };
  for (const Refusal& refusal : cases) {
    World world;
    v1::PlaceOrderRequest place = testing::PlaceOrder("O-x", "C1");
    *place.add_lines() = OrderLine("CRM-STD", 1, 1'000);
    refusal.change(place, world);
    const v1::Customer customer = place.customer_id() == "C1" ? customer_ : v1::Customer();
    auto placed = DecidePlace(v1::Order(), customer, place, world.Lookups(), world.Context());
    EXPECT_EQ(placed.status().code(), refusal.code) << refusal.name << ": " << placed.status();
    EXPECT_THAT(placed.status().message(), HasSubstr(refusal.message_part)) << refusal.name;
  }
}

}  // namespace
}  // namespace sales::orders
