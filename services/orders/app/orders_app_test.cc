// OrdersApp on a real event store and read model in a temp dir, over the test organisation and a
// fixed world of channels, products and deals (the domain's test fixtures, served by an
// in-memory PlacementSources: the replicas themselves are tested in the integration tests): the
// journey with its read model, every command's refusals writing nothing, the multi-stream
// confirmation in one commit, concurrent reservations of the last units, idempotent replays, the
// overdue scanner with its clock.
#include "services/orders/app/orders_app.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/event_codec.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/orders/domain/test_fixtures.h"

namespace sales::orders {
namespace {

using testing::Cny;
using ::testing::HasSubstr;
using testing::OrderLine;
using testing::World;

// The domain fixtures' world as the app's placement sources.
class WorldSources final : public PlacementSources {
 public:
  explicit WorldSources(const World& world) : world_(world) {}
  absl::StatusOr<std::optional<channels::v1::Channel>> Channel(
      absl::string_view channel_id, const std::vector<std::string>&) const override {
    if (channel_id != world_.channel.channel_id()) return std::nullopt;
    return world_.channel;
  }
  absl::StatusOr<std::optional<channels::v1::Product>> Product(
      absl::string_view sku) const override {
    auto it = world_.products.find(std::string(sku));
    if (it == world_.products.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::optional<bool>> DealWon(absl::string_view deal_id) const override {
    auto it = world_.deals.find(std::string(deal_id));
    if (it == world_.deals.end()) return std::nullopt;
    return it->second;
  }
  absl::Status CatchUp(absl::Duration) override {
    ++catch_ups;
    return absl::OkStatus();
  }
  std::atomic<int> catch_ups{0};

 private:
  const World& world_;
};

class OrdersAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::Open({.path = dir_.path() + "/events",
                                               .service = "orders",
                                               .clock = [this] { return now_.load(); }});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto app = OrdersApp::Create({.store = store_.get(),
                                  .org = &org_,
                                  .placement = &sources_,
                                  .read_model_path = dir_.path() + "/read-model",
                                  .clock = [this] { return now_.load(); }});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    ASSERT_TRUE(app_->RegisterCustomer(testing::RegisterCustomer("C1", 1'000'000), origin_).ok());
  }

  template <typename Request>
  static Request WithMeta(Request request, const std::string& key = "") {
    *request.mutable_meta() = testing::Meta();
    request.mutable_meta()->set_idempotency_key(key);
    return request;
  }
  void Receive(const std::string& sku, int64_t quantity) {
    v1::ReceiveStockRequest receive;
    receive.set_sku(sku);
    receive.set_quantity(quantity);
    auto received = app_->ReceiveStock(WithMeta(receive), origin_);
    ASSERT_TRUE(received.ok()) << received.status();
  }
  absl::StatusOr<v1::OrdersCommandResponse> Place(const std::string& order_id, int64_t quantity,
                                                  bool backorder = false) {
    v1::PlaceOrderRequest place = testing::PlaceOrder(order_id, "C1");
    *place.add_lines() = OrderLine("CRM-STD", quantity);
    place.set_allow_backorder(backorder);
    return app_->PlaceOrder(place, origin_);
  }
  absl::StatusOr<v1::OrdersCommandResponse> Confirm(const std::string& order_id,
                                                    const std::string& key = "") {
    v1::ConfirmOrderRequest confirm;
    confirm.set_order_id(order_id);
    return app_->ConfirmOrder(WithMeta(confirm, key), origin_);
  }
  v1::Order GetOrder(const std::string& order_id) {
    v1::GetOrderRequest get;
    get.set_order_id(order_id);
    auto order = app_->GetOrder(get);
    EXPECT_TRUE(order.ok()) << order.status();
    return order.ok() ? *order : v1::Order();
  }
  v1::StockLevel GetStock(const std::string& sku) {
    v1::GetStockRequest get;
    get.set_sku(sku);
    auto stock = app_->GetStock(get);
    EXPECT_TRUE(stock.ok()) << stock.status();
    return stock.ok() ? *stock : v1::StockLevel();
  }

  World world_;
  sales::testing::TempDir dir_;
  org::StaticOrgView org_{world_.org};
  WorldSources sources_{world_};
  std::atomic<absl::Time> now_{world_.now};
  eventsourcing::CallOrigin origin_{.correlation_id = "test"};
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<OrdersApp> app_;
};

TEST_F(OrdersAppTest, AJourneyFromPlacementToPaymentWithItsLists) {
  Receive("CRM-STD", 10);
  auto placed = Place("", 4);  // a generated id
  ASSERT_TRUE(placed.ok()) << placed.status();
  const std::string order_id = placed->order_id();
  EXPECT_THAT(order_id, ::testing::StartsWith("O-"));
  EXPECT_EQ(placed->status(), v1::ORDER_STATUS_PLACED);

  auto confirmed = Confirm(order_id);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->status(), v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(GetStock("CRM-STD").stock().reserved(), 4);
  EXPECT_EQ(GetStock("CRM-STD").available(), 6);

  v1::ShipOrderRequest ship;
  ship.set_order_id(order_id);
  ship.set_carrier("SF");
  ship.set_tracking_number("SF1");
  ASSERT_TRUE(app_->ShipOrder(WithMeta(ship), origin_).ok());
  EXPECT_EQ(GetStock("CRM-STD").stock().on_hand(), 6);
  v1::DeliverOrderRequest deliver;
  deliver.set_order_id(order_id);
  ASSERT_TRUE(app_->DeliverOrder(WithMeta(deliver), origin_).ok());
  v1::InvoiceOrderRequest invoice;
  invoice.set_order_id(order_id);
  auto invoiced = app_->InvoiceOrder(WithMeta(invoice), origin_);
  ASSERT_TRUE(invoiced.ok()) << invoiced.status();
  EXPECT_THAT(invoiced->generated_id(), ::testing::StartsWith("INV-"));
  v1::RecordPaymentRequest pay;
  pay.set_order_id(order_id);
  *pay.mutable_amount() = Cny(1'000);
  ASSERT_TRUE(app_->RecordPayment(WithMeta(pay), origin_).ok());

  const v1::Order order = GetOrder(order_id);
  EXPECT_EQ(order.status(), v1::ORDER_STATUS_INVOICED);
  EXPECT_EQ(order.total().units(), 4 * 980);  // the channel's price in force
  EXPECT_EQ(order.invoice().balance().units(), 4 * 980 - 1'000);
  EXPECT_EQ(order.history_size(), 5);  // placed, confirmed, shipped, delivered, invoiced

  ASSERT_TRUE(app_->WaitForReadModel(absl::Seconds(10)).ok());
  v1::ListOrdersRequest list;
  list.set_customer_id("C1");
  auto listed = app_->ListOrders(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->orders_size(), 1);
  EXPECT_EQ(listed->orders(0).balance().units(), 4 * 980 - 1'000);
  list.set_status(v1::ORDER_STATUS_PAID);
  EXPECT_EQ(app_->ListOrders(list)->orders_size(), 0);

  v1::GetCustomerRequest get_customer;
  get_customer.set_customer_id("C1");
  auto account = app_->GetCustomer(get_customer);
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->exposure().units(), 4 * 980 - 1'000);
  ASSERT_EQ(account->open_invoices_size(), 1);
  EXPECT_EQ(account->open_invoices(0).days_overdue(), -30);  // net 30, issued today

  // 45 days on: 15 days past due.
  v1::GetAgingReportRequest aging;
  aging.set_group_by(v1::AGING_GROUP_BY_REP);
  *aging.mutable_as_of() = ToDate(world_.today + 45);
  auto report = app_->GetAgingReport(aging);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows_size(), 1);
  EXPECT_EQ(report->rows(0).group_id(), "r1");
  EXPECT_EQ(report->rows(0).buckets(1).bucket(), "1-30");
  EXPECT_EQ(report->rows(0).buckets(1).balance(), 4 * 980 - 1'000);
  EXPECT_EQ(report->rows(0).overdue_balance(), 4 * 980 - 1'000);
  ASSERT_EQ(report->totals_size(), 1);
  EXPECT_EQ(report->totals(0).total_invoices(), 1);
}

TEST_F(OrdersAppTest, AConfirmationIsOneCommitAcrossTheOrderItsCustomerAndItsStock) {
  Receive("CRM-STD", 10);
  Receive("CRM-PRO", 10);
  v1::PlaceOrderRequest place = testing::PlaceOrder("O-1", "C1");
  *place.add_lines() = OrderLine("CRM-STD", 2);
  *place.add_lines() = OrderLine("CRM-PRO", 3);
  ASSERT_TRUE(app_->PlaceOrder(place, origin_).ok());
  const uint64_t before = store_->HeadPosition();
  ASSERT_TRUE(Confirm("O-1").ok());
  // Everything the confirmation wrote is one AppendAll — one RocksDB WriteBatch: there is no
  // state of the store with the order confirmed and a line not reserved, or the reverse.
  auto written = store_->ReadAll(before + 1, 100);
  ASSERT_TRUE(written.ok()) << written.status();
  std::vector<std::string> streams;
  for (const auto& envelope : *written) {
    streams.push_back(envelope.stream_id());
    EXPECT_EQ(envelope.correlation_id(), "test");
    EXPECT_EQ(envelope.recorded_at().seconds(), written->front().recorded_at().seconds());
  }
  EXPECT_THAT(streams, ::testing::UnorderedElementsAre("order-O-1", "customer-C1", "stock-CRM-STD",
                                                       "stock-CRM-PRO"));
  EXPECT_EQ(streams.front(), "order-O-1");  // the command's own stream first
  // And a refused confirmation (short stock) writes nothing at all.
  v1::PlaceOrderRequest big = testing::PlaceOrder("O-2", "C1");
  *big.add_lines() = OrderLine("CRM-STD", 1);
  *big.add_lines() = OrderLine("CRM-PRO", 99);
  ASSERT_TRUE(app_->PlaceOrder(big, origin_).ok());
  const uint64_t head = store_->HeadPosition();
  auto refused = Confirm("O-2");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("SKU CRM-PRO short by 92"));
  EXPECT_EQ(store_->HeadPosition(), head);
  EXPECT_EQ(GetStock("CRM-STD").stock().reserved(), 2);
}

TEST_F(OrdersAppTest, ConcurrentConfirmationsNeverOversellTheLastUnits) {
  constexpr int kOrders = 24;
  constexpr int kUnits = 10;  // each order asks for 1 or 2: not all can have them
  Receive("CRM-STD", kUnits);
  for (int i = 0; i < kOrders; ++i) {
    ASSERT_TRUE(Place(absl::StrCat("O-", i), 1 + i % 2).ok());
  }
  constexpr int kClients = 6;
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  std::atomic<int> confirmed{0}, refused{0}, other{0};
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      for (int i = t; i < kOrders; i += kClients) {
        auto result = Confirm(absl::StrCat("O-", i));
        if (result.ok()) {
          ++confirmed;
        } else if (absl::IsFailedPrecondition(result.status())) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << result.status();
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(confirmed + refused, kOrders);
  // Every confirmed order holds all its units; the holds sum to the stock's reserved units,
  // which never exceed what is on hand; the units left cannot serve any refused order.
  const v1::StockLevel stock = GetStock("CRM-STD");
  int64_t held = 0;
  for (int i = 0; i < kOrders; ++i) {
    const v1::Order order = GetOrder(absl::StrCat("O-", i));
    if (order.status() != v1::ORDER_STATUS_CONFIRMED) continue;
    ASSERT_EQ(order.fulfilment_size(), 1);
    EXPECT_EQ(order.fulfilment(0).reserved(), order.lines(0).quantity());
    held += order.fulfilment(0).reserved();
  }
  EXPECT_EQ(stock.stock().reserved(), held);
  EXPECT_LE(stock.stock().reserved(), stock.stock().on_hand());
  EXPECT_GE(stock.available(), 0);
  EXPECT_LE(stock.available(), 1);  // a refused order asked for at most 2, and 1 if only 1 left
  EXPECT_GE(held, kUnits - 1);
}

TEST_F(OrdersAppTest, AReplayedConfirmationAnswersTheFirstVersionAndStatus) {
  Receive("CRM-STD", 10);
  ASSERT_TRUE(Place("O-1", 1).ok());
  auto first = Confirm("O-1", "confirm-O-1");
  ASSERT_TRUE(first.ok()) << first.status();
  v1::CancelOrderRequest cancel;
  cancel.set_order_id("O-1");
  cancel.set_reason("changed mind");
  ASSERT_TRUE(app_->CancelOrder(WithMeta(cancel), origin_).ok());
  const uint64_t head = store_->HeadPosition();
  auto replay = Confirm("O-1", "confirm-O-1");
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->stream_version(), first->stream_version());
  EXPECT_EQ(replay->status(), v1::ORDER_STATUS_CONFIRMED);  // as first answered, not cancelled
  EXPECT_EQ(store_->HeadPosition(), head);
  EXPECT_EQ(GetStock("CRM-STD").stock().reserved(), 0);  // the cancel released it
}

TEST_F(OrdersAppTest, OverTheLimitHoldsAndAReleaseReserves) {
  Receive("CRM-STD", 2'000);
  ASSERT_TRUE(Place("O-big", 1'100).ok());  // 1,100 × 980 > 1,000,000
  auto held = Confirm("O-big");
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->status(), v1::ORDER_STATUS_CREDIT_HOLD);
  EXPECT_EQ(GetStock("CRM-STD").stock().reserved(), 0);
  v1::ReleaseCreditHoldRequest release;
  release.set_order_id("O-big");
  release.set_reason("approved");
  auto released = app_->ReleaseCreditHold(WithMeta(release), origin_);
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_EQ(released->status(), v1::ORDER_STATUS_CONFIRMED);
  EXPECT_EQ(GetStock("CRM-STD").stock().reserved(), 1'100);
}

TEST_F(OrdersAppTest, AReceiptFillsWaitingBackOrdersFirst) {
  Receive("CRM-STD", 3);
  ASSERT_TRUE(Place("O-1", 5, /*backorder=*/true).ok());
  ASSERT_TRUE(Confirm("O-1").ok());
  EXPECT_EQ(GetStock("CRM-STD").stock().backordered(), 2);
  ASSERT_TRUE(Place("O-2", 1).ok());
  EXPECT_EQ(Confirm("O-2").status().code(), absl::StatusCode::kFailedPrecondition);  // O-1 first
  Receive("CRM-STD", 4);
  const v1::Order order = GetOrder("O-1");
  EXPECT_EQ(order.fulfilment(0).reserved(), 5);
  EXPECT_EQ(order.fulfilment(0).backordered(), 0);
  EXPECT_EQ(GetStock("CRM-STD").available(), 2);
}

TEST_F(OrdersAppTest, TheOverdueScannerReportsAnInvoiceOnceOnItsClock) {
  Receive("CRM-STD", 10);
  ASSERT_TRUE(Place("O-1", 1).ok());
  ASSERT_TRUE(Confirm("O-1").ok());
  v1::ShipOrderRequest ship;
  ship.set_order_id("O-1");
  ship.set_carrier("SF");
  ship.set_tracking_number("SF1");
  ASSERT_TRUE(app_->ShipOrder(WithMeta(ship), origin_).ok());
  v1::DeliverOrderRequest deliver;
  deliver.set_order_id("O-1");
  ASSERT_TRUE(app_->DeliverOrder(WithMeta(deliver), origin_).ok());
  v1::InvoiceOrderRequest invoice;
  invoice.set_order_id("O-1");
  ASSERT_TRUE(app_->InvoiceOrder(WithMeta(invoice), origin_).ok());
  ASSERT_TRUE(app_->WaitForReadModel(absl::Seconds(10)).ok());
  EXPECT_EQ(*app_->ScanOverdue(), 0);  // due in 30 days
  now_ = world_.now + absl::Hours(24 * 31);
  EXPECT_EQ(*app_->ScanOverdue(), 1);
  ASSERT_TRUE(app_->WaitForReadModel(absl::Seconds(10)).ok());
  EXPECT_EQ(*app_->ScanOverdue(), 0);  // once
  EXPECT_TRUE(GetOrder("O-1").invoice().overdue_reported());
}

// Every command's refusal: the code, the field or rule named, and nothing written.
TEST_F(OrdersAppTest, RefusalsNameTheFieldOrRuleAndWriteNothing) {
  Receive("CRM-STD", 10);
  ASSERT_TRUE(Place("O-1", 2).ok());
  ASSERT_TRUE(Confirm("O-1").ok());
  struct Case {
    std::string name;
    std::function<absl::Status()> call;
    absl::StatusCode code;
    std::string message_part;
  };
  auto place = [&](auto change) {
    return [&, change] {
      v1::PlaceOrderRequest request = testing::PlaceOrder("O-new", "C1");
      *request.add_lines() = OrderLine("CRM-STD", 1);
      change(request);
      return app_->PlaceOrder(request, origin_).status();
    };
  };
  const std::vector<Case> cases = {
      {"quantity 0", place([](auto& r) { r.mutable_lines(0)->set_quantity(0); }),
       absl::StatusCode::kInvalidArgument, "lines[0].quantity"},
      {"discount over 100 %", place([](auto& r) { r.mutable_lines(0)->set_discount_bp(10'001); }),
       absl::StatusCode::kInvalidArgument, "lines[0].discount_bp"},
      {"price in another currency", place([](auto& r) {
         *r.mutable_lines(0)->mutable_unit_price() = Cny(980);
         r.mutable_lines(0)->mutable_unit_price()->set_currency("USD");
       }),
       absl::StatusCode::kInvalidArgument, "lines[0].unit_price.currency"},
      {"unknown SKU", place([](auto& r) { r.mutable_lines(0)->set_sku("NOPE"); }),
       absl::StatusCode::kNotFound, "lines[0].sku"},
      {"unknown channel", place([](auto& r) { r.set_channel_id("ch-none"); }),
       absl::StatusCode::kNotFound, "channel"},
      {"deal not won", place([](auto& r) { r.set_deal_id("D-open"); }),
       absl::StatusCode::kFailedPrecondition, "deal_not_won"},
      {"order exists", place([](auto& r) { r.set_order_id("O-1"); }),
       absl::StatusCode::kAlreadyExists, "O-1"},
      {"bad order id before lookups",
       [&] {
         v1::ConfirmOrderRequest request = WithMeta(v1::ConfirmOrderRequest());
         request.set_order_id("bad id/with slash");
         return app_->ConfirmOrder(request, origin_).status();
       },
       absl::StatusCode::kInvalidArgument, "order_id"},
      {"a malformed cancel pinned to a stale version is malformed, not a conflict",
       [&] {
         v1::CancelOrderRequest request = WithMeta(v1::CancelOrderRequest());
         request.set_order_id("O-1");
         request.mutable_meta()->set_expected_version(1);
         return app_->CancelOrder(request, origin_).status();
       },
       absl::StatusCode::kInvalidArgument, "reason"},
      {"confirm twice", [&] { return Confirm("O-1").status(); },
       absl::StatusCode::kFailedPrecondition, "illegal_status_change"},
      {"ship without a carrier",
       [&] {
         v1::ShipOrderRequest request = WithMeta(v1::ShipOrderRequest());
         request.set_order_id("O-1");
         request.set_tracking_number("T");
         return app_->ShipOrder(request, origin_).status();
       },
       absl::StatusCode::kInvalidArgument, "carrier"},
      {"invoice before delivery",
       [&] {
         v1::InvoiceOrderRequest request = WithMeta(v1::InvoiceOrderRequest());
         request.set_order_id("O-1");
         return app_->InvoiceOrder(request, origin_).status();
       },
       absl::StatusCode::kFailedPrecondition, "illegal_status_change"},
      {"pay an order without invoice",
       [&] {
         v1::RecordPaymentRequest request = WithMeta(v1::RecordPaymentRequest());
         request.set_order_id("O-1");
         *request.mutable_amount() = Cny(100);
         return app_->RecordPayment(request, origin_).status();
       },
       absl::StatusCode::kFailedPrecondition, "rule"},
      {"return before delivery",
       [&] {
         v1::ReturnItemsRequest request = WithMeta(v1::ReturnItemsRequest());
         request.set_order_id("O-1");
         request.set_reason("broken");
         v1::ReturnLineRequest& line = *request.add_lines();
         line.set_line_no(1);
         line.set_quantity(1);
         return app_->ReturnItems(request, origin_).status();
       },
       absl::StatusCode::kFailedPrecondition, "not_delivered"},
      {"cancel an unknown order",
       [&] {
         v1::CancelOrderRequest request = WithMeta(v1::CancelOrderRequest());
         request.set_order_id("O-none");
         request.set_reason("x");
         return app_->CancelOrder(request, origin_).status();
       },
       absl::StatusCode::kNotFound, "O-none"},
      {"receive 0 units",
       [&] {
         v1::ReceiveStockRequest request = WithMeta(v1::ReceiveStockRequest());
         request.set_sku("CRM-STD");
         return app_->ReceiveStock(request, origin_).status();
       },
       absl::StatusCode::kInvalidArgument, "quantity"},
      {"receive a SKU not in the catalogue",
       [&] {
         v1::ReceiveStockRequest request = WithMeta(v1::ReceiveStockRequest());
         request.set_sku("NOPE");
         request.set_quantity(5);
         return app_->ReceiveStock(request, origin_).status();
       },
       absl::StatusCode::kNotFound, "sku: SKU \"NOPE\""},
      {"customer in an unknown region",
       [&] {
         v1::RegisterCustomerRequest request = testing::RegisterCustomer("C2", 100);
         request.set_region_id("mars");
         return app_->RegisterCustomer(request, origin_).status();
       },
       absl::StatusCode::kNotFound, "region"},
      {"customer registered twice",
       [&] {
         return app_->RegisterCustomer(testing::RegisterCustomer("C1", 100), origin_).status();
       },
       absl::StatusCode::kAlreadyExists, "C1"},
  };
  for (const Case& refusal : cases) {
    const uint64_t head = store_->HeadPosition();
    const absl::Status status = refusal.call();
    EXPECT_EQ(status.code(), refusal.code) << refusal.name << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(refusal.message_part)) << refusal.name;
    EXPECT_EQ(store_->HeadPosition(), head) << refusal.name << " wrote something";
  }
}

}  // namespace
}  // namespace sales::orders
