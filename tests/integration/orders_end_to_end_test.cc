// The orders context as deployed: in salesd, OrderService on the process's gRPC server serving the
// demo through the real stub (a credit hold released, a partial payment, an overdue invoice, a
// partial return, a back-order filled), its events on the Kafka topic sales.orders.v1.events with
// the deal id on the order's envelopes, and after a restart nothing seeded or reported twice.
// Then as its own process beside the others (two hosts, as deploy/loopback): its replicas of the
// leads' deals and the channels follow them over Kafka, and after the broker is lost and replaced
// by an empty one they catch up from the owners' feeds what was written meanwhile.
#include <memory>
#include <set>
#include <string>

#include "absl/time/clock.h"
#include "common/kafka/test_consumer.h"
#include "common/testing/grpc_probes.h"
#include "common/testing/temp_dir.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sales/common/v1/envelope.pb.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "sales/orders/v1/orders.grpc.pb.h"
#include "services/orders/orders_module.h"
#include "tests/integration/platform_for_test.h"

namespace sales {
namespace {

namespace v1 = ::sales::orders::v1;
using Stub = v1::OrderService::Stub;

constexpr absl::Duration kPatience = absl::Seconds(30);

template <typename Service, typename Request, typename Response>
grpc::Status Call(typename Service::Stub& stub,
                  grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                        Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  return (stub.*method)(&context, request, response);
}
template <typename Request, typename Response>
grpc::Status CallOrders(Stub& stub,
                        grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                        const Request& request, Response* response) {
  return Call<v1::OrderService>(stub, method, request, response);
}

std::unique_ptr<Stub> OrdersStub(const std::string& address) {
  return v1::OrderService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

orders::OrdersApp& OrdersOf(const runtime::ModuleHost& host) {
  return *host.module<orders::OrdersModule>()->app();
}

TEST(OrdersEndToEndTest, SalesdServesTheDemoPublishesItAndReportsNothingTwiceAfterARestart) {
  testing::TempDir dir;
  uint64_t head_before_restart = 0;
  {
    auto salesd = testing::StartPlatform(testing::PlatformOptions(dir.path(), /*demo_data=*/true));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    const std::string address = (*salesd)->grpc_address();
    EXPECT_EQ(testing::HealthCheck(address, "sales.orders.v1.OrderService").second, 1);
    auto stub = OrdersStub(address);
    ASSERT_TRUE(OrdersOf(**salesd).WaitForReadModel(kPatience).ok());

    v1::ListOrdersResponse listed;
    ASSERT_TRUE(CallOrders(*stub, &Stub::ListOrders, v1::ListOrdersRequest(), &listed).ok());
    std::set<int> statuses;
    std::set<std::string> channels;
    for (const v1::OrderSummary& order : listed.orders()) {
      statuses.insert(order.status());
      channels.insert(order.channel_id());
    }
    EXPECT_EQ(listed.orders_size(), 6);
    EXPECT_EQ(channels.size(), 5u);
    EXPECT_TRUE(statuses.contains(v1::ORDER_STATUS_PAID));
    EXPECT_TRUE(statuses.contains(v1::ORDER_STATUS_CANCELLED));

    // The held order was released by the manager, with the reason, and shipped.
    v1::GetOrderRequest get;
    get.set_order_id("O-DEMO-002");
    v1::Order held;
    ASSERT_TRUE(CallOrders(*stub, &Stub::GetOrder, get, &held).ok());
    bool released = false;
    for (const v1::StatusChange& change : held.history()) {
      released |= change.from() == v1::ORDER_STATUS_CREDIT_HOLD &&
                  change.to() == v1::ORDER_STATUS_CONFIRMED && !change.reason().empty();
    }
    EXPECT_TRUE(released);
    EXPECT_EQ(held.deal_id(), "D-2026-004");

    // The overdue invoice: on the customer's account and in the aging report's 1–30 bucket.
    v1::GetCustomerRequest customer;
    customer.set_customer_id("C-FANGCHENG");
    v1::CustomerAccount account;
    ASSERT_TRUE(CallOrders(*stub, &Stub::GetCustomer, customer, &account).ok());
    ASSERT_EQ(account.open_invoices_size(), 1);
    EXPECT_GT(account.open_invoices(0).days_overdue(), 0);
    get.set_order_id("O-DEMO-003");
    v1::Order overdue;
    ASSERT_TRUE(CallOrders(*stub, &Stub::GetOrder, get, &overdue).ok());
    EXPECT_TRUE(overdue.invoice().overdue_reported());
    v1::GetAgingReportRequest aging;
    aging.set_group_by(v1::AGING_GROUP_BY_CUSTOMER);
    v1::AgingReport report;
    ASSERT_TRUE(CallOrders(*stub, &Stub::GetAgingReport, aging, &report).ok());
    ASSERT_EQ(report.totals_size(), 1);
    EXPECT_EQ(report.totals(0).buckets(1).balance(), 92'000'00);
    EXPECT_EQ(report.totals(0).total_invoices(), 2);

    // The back-order was filled by the second receipt.
    v1::GetStockRequest stock_request;
    stock_request.set_sku("CRM-AI");
    v1::StockLevel stock;
    ASSERT_TRUE(CallOrders(*stub, &Stub::GetStock, stock_request, &stock).ok());
    EXPECT_EQ(stock.stock().backordered(), 0);
    EXPECT_EQ(stock.stock().reserved(), 50);

    // Every event of the orders store is on its topic, keyed by stream; order events name the
    // deal.
    const outbox::OutboxRelay& relay = *(*salesd)->write_side("orders")->relay();
    for (const absl::Time until = absl::Now() + kPatience;
         relay.backlog() > 0 && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    head_before_restart = (*salesd)->write_side("orders")->store()->HeadPosition();
    auto published = kafka::ReadTopic((*salesd)->kafka_bootstrap(), "sales.orders.v1.events",
                                      {.min_messages = head_before_restart, .timeout = kPatience});
    ASSERT_TRUE(published.ok()) << published.status();
    EXPECT_EQ(published->size(), head_before_restart);
    int overdue_events = 0;
    for (const kafka::KafkaRecord& record : *published) {
      common::v1::EventEnvelope envelope;
      ASSERT_TRUE(envelope.ParseFromString(record.value));
      EXPECT_EQ(record.key, envelope.stream_id());
      if (envelope.stream_id() == "order-O-DEMO-001") {
        EXPECT_EQ(envelope.deal_id(), "D-2026-001");
      }
      if (envelope.payload().type_url().ends_with("InvoiceOverdue")) ++overdue_events;
    }
    EXPECT_EQ(overdue_events, 1);
  }  // salesd stops

  auto salesd = testing::StartPlatform(testing::PlatformOptions(dir.path(), /*demo_data=*/true));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  orders::OrdersApp& app = OrdersOf(**salesd);
  ASSERT_TRUE(app.WaitForReadModel(kPatience).ok());
  auto scanned = app.ScanOverdue();
  ASSERT_TRUE(scanned.ok()) << scanned.status();
  EXPECT_EQ(*scanned, 0);
  EXPECT_EQ((*salesd)->write_side("orders")->store()->HeadPosition(), head_before_restart)
      << "a restart seeds no demo twice and reports no invoice overdue again";
}

// Wins a new deal in the leads context at `address`.
void WinDeal(const std::string& address, const std::string& lead_id, const std::string& deal_id) {
  auto leads = leads::v1::LeadService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  using LeadStub = leads::v1::LeadService::Stub;
  leads::v1::CaptureLeadRequest capture;
  capture.mutable_meta()->set_actor("user:test");
  capture.set_lead_id(lead_id);
  capture.set_source(leads::v1::LEAD_SOURCE_WEB);
  leads::v1::LeadDetails& details = *capture.mutable_details();
  details.mutable_contact()->set_name("测试");
  details.mutable_contact()->set_email(lead_id + "@broker-loss.example");
  details.mutable_company()->set_name(lead_id + " 有限公司");
  details.mutable_company()->set_size(leads::v1::COMPANY_SIZE_SMALL);
  details.mutable_company()->set_region_id("east");
  details.set_product_line_id("crm");
  details.set_segment_id("smb");
  capture.set_need_match(60);
  capture.set_purchase_intent(60);
  leads::v1::CaptureLeadResponse captured;
  ASSERT_TRUE(
      Call<leads::v1::LeadService>(*leads, &LeadStub::CaptureLead, capture, &captured).ok());
  leads::v1::CommandResponse response;
  leads::v1::AssignLeadRequest assign;
  assign.mutable_meta()->set_actor("user:test");
  assign.set_lead_id(lead_id);
  assign.set_rep_id("zhou.peng");
  ASSERT_TRUE(Call<leads::v1::LeadService>(*leads, &LeadStub::AssignLead, assign, &response).ok());
  leads::v1::ConvertToOpportunityRequest convert;
  convert.mutable_meta()->set_actor("user:test");
  convert.set_lead_id(lead_id);
  convert.set_deal_id(deal_id);
  convert.mutable_amount()->set_units(2'400'00);
  convert.mutable_amount()->set_currency("CNY");
  auto converted =
      Call<leads::v1::LeadService>(*leads, &LeadStub::ConvertToOpportunity, convert, &response);
  ASSERT_TRUE(converted.ok()) << converted.error_message();
  leads::v1::WinDealRequest win;
  win.mutable_meta()->set_actor("user:test");
  win.set_lead_id(lead_id);
  win.set_reason("signed");
  auto status = Call<leads::v1::LeadService>(*leads, &LeadStub::WinDeal, win, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Places an order from `deal_id`, retrying while the replicas have not seen it yet.
grpc::Status PlaceFromDeal(Stub& stub, const std::string& order_id, const std::string& deal_id) {
  v1::PlaceOrderRequest place;
  place.mutable_meta()->set_actor("user:test");
  place.set_order_id(order_id);
  place.set_customer_id("C-YUNFAN");
  place.set_deal_id(deal_id);
  place.set_channel_id("web-official");
  place.set_rep_id("zhou.peng");
  v1::PlaceOrderLine& line = *place.add_lines();
  line.set_sku("CRM-STD");
  line.set_quantity(1);
  v1::OrdersCommandResponse response;
  grpc::Status status;
  for (const absl::Time until = absl::Now() + kPatience; absl::Now() < until;) {
    status = CallOrders(stub, &Stub::PlaceOrder, place, &response);
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return status;
}

TEST(OrdersEndToEndTest, ItsOwnProcessReplicasCatchUpWhatWasWrittenWhileTheBrokerWasLost) {
  testing::TempDir dir;
  const std::vector<std::string> upstream = {"org", "leads", "channels"};
  auto upstream_options = [&] {
    return testing::PlatformOptions(dir.path() + "/upstream", /*demo_data=*/true, upstream);
  };
  auto orders_options = [&](const runtime::ModuleHost& peer) {
    runtime::ModuleHostOptions options =
        testing::PlatformOptions(dir.path() + "/orders", /*demo_data=*/true, {"orders"});
    options.kafka_brokers = peer.kafka_bootstrap();
    for (const std::string& context : upstream) options.peers[context] = peer.grpc_address();
    return options;
  };
  {
    auto contexts = testing::StartPlatform(upstream_options());  // with the embedded broker
    ASSERT_TRUE(contexts.ok()) << contexts.status();
    auto orders = testing::StartPlatform(orders_options(**contexts));
    ASSERT_TRUE(orders.ok()) << orders.status();
    EXPECT_EQ((*orders)->demo_seeded().size(), 1u) << "the demo, placed on its replicas";
    auto stub = OrdersStub((*orders)->grpc_address());
    WinDeal((*contexts)->grpc_address(), "L-801", "D-BL-1");
    EXPECT_TRUE(PlaceFromDeal(*stub, "O-BL-1", "D-BL-1").ok()) << "followed over Kafka";
    orders->reset();  // the orders process goes …
    // … a deal is won while it is away, and then the broker is lost with everything on it.
    WinDeal((*contexts)->grpc_address(), "L-802", "D-BL-2");
  }
  auto contexts = testing::StartPlatform(upstream_options());  // a new, empty broker
  ASSERT_TRUE(contexts.ok()) << contexts.status();
  auto orders = testing::StartPlatform(orders_options(**contexts));
  ASSERT_TRUE(orders.ok()) << orders.status();
  auto stub = OrdersStub((*orders)->grpc_address());
  const grpc::Status placed = PlaceFromDeal(*stub, "O-BL-2", "D-BL-2");
  EXPECT_TRUE(placed.ok()) << "caught up from the leads feed: " << placed.error_message();
  // And what comes after is followed live on the new broker.
  WinDeal((*contexts)->grpc_address(), "L-803", "D-BL-3");
  EXPECT_TRUE(PlaceFromDeal(*stub, "O-BL-3", "D-BL-3").ok());
}

}  // namespace
}  // namespace sales
