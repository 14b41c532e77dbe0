// The commission ledger's process manager on the common runner, between real event stores — an
// orders store and a leads store written with the events those contexts publish (their
// contract), read through their feeds — and a real IncentivesApp: orders credit and claw back
// under the reps' plans, visits and proposals count, a replay of everything (the process
// manager's store lost: a crash between recording and committing its offsets, taken to the
// limit) records nothing twice, and a randomized history of orders, payments, cancels and returns
// interleaved at random and read in random page sizes ends in the ledger a direct computation
// from the same history gives.
#include "services/incentives/ledger_process/ledger_process.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/command_executor.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/projection/projection_runner.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/orders/v1/events.pb.h"
#include "services/incentives/domain/test_plans.h"
#include "services/org/domain/test_org.h"

namespace sales::incentives {
namespace {

namespace orders_v1 = ::sales::orders::v1;
namespace leads_v1 = ::sales::leads::v1;

const absl::Time kMay20 =
    absl::FromCivil(absl::CivilSecond(2026, 5, 20, 10, 0, 0), BusinessTimeZone());

class LedgerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [store, service] :
         {std::pair{&orders_store_, "orders"}, {&leads_store_, "leads"}, {&store_, "incentives"}}) {
      auto opened = eventstore::EventStore::Open(
          {.path = absl::StrCat(dir_.path(), "/", service, "-events"), .service = service});
      ASSERT_TRUE(opened.ok()) << opened.status();
      *store = *std::move(opened);
    }
    orders_feed_ = std::make_unique<feed::LocalEventFeedReader>(orders_store_.get());
    leads_feed_ = std::make_unique<feed::LocalEventFeedReader>(leads_store_.get());
    auto app = IncentivesApp::Create({.store = store_.get(), .org = &org_});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    process_ = std::make_unique<LedgerProcess>(app_.get(), &metrics_);
    v1::PublishPlanRequest publish;
    publish.mutable_meta()->set_actor("r1");
    *publish.mutable_plan() = fixtures::StepPlan();
    publish.mutable_plan()->set_reversals_reduce_attainment(true);
    ASSERT_TRUE(app_->PublishPlan(publish, {}).ok());
    for (const char* rep : {"r1", "r2"}) {
      v1::AssignPlanRequest assign;
      assign.mutable_meta()->set_actor("r1");
      assign.mutable_assignment()->set_rep_id(rep);
      assign.mutable_assignment()->set_plan_id("step-2026");
      assign.mutable_assignment()->set_from_period("2026-01");
      ASSERT_TRUE(app_->AssignPlan(assign, {}).ok());
    }
  }
  void TearDown() override { runner_.reset(); }

  void StartProcess(size_t page_size = 1000) {
    auto runner = projection::ProjectionRunner::Create(
        process_.get(),
        {.path = dir_.path() + "/ledger-process",
         .sources = {{.topic = "sales.orders.v1.events", .feed = orders_feed_.get()},
                     {.topic = "sales.leads.v1.events", .feed = leads_feed_.get()}},
         .feed_page_size = page_size,
         .feed_poll = absl::Milliseconds(5)});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
    runner_->Start();
  }
  void Settle() {
    const absl::Status settled = runner_->AwaitFeedHeads(absl::Seconds(20));
    ASSERT_TRUE(settled.ok()) << settled;
  }
  // Stops the process and loses its store: everything is consumed again on the next start.
  void LoseProcessStore() {
    runner_.reset();
    std::filesystem::remove_all(dir_.path() + "/ledger-process");
  }

  template <typename Wrapper>
  void Append(eventstore::EventStore& store, const std::string& stream, const Wrapper& event,
              absl::Time at, const std::string& actor = "r1") {
    eventstore::AppendRequest request{.stream_id = stream};
    ASSERT_TRUE(
        eventsourcing::AddEnvelope(request, event, {.actor = actor}, "", ToTimestamp(at)).ok());
    ASSERT_TRUE(store.Append(std::move(request)).ok());
  }

  void Place(const std::string& order, const std::string& deal,
             const std::vector<int64_t>& line_amounts, absl::Time at = kMay20) {
    orders_v1::OrderEvent event;
    orders_v1::OrderPlaced& placed = *event.mutable_order_placed();
    placed.set_order_id(order);
    placed.set_deal_id(deal);
    placed.set_rep_id("r1");
    placed.set_customer_id("C-1");
    int line_no = 0;
    for (int64_t amount : line_amounts) {
      orders_v1::OrderLine& line = *placed.add_lines();
      line.set_line_no(++line_no);
      line.set_sku(line_no == 1 ? "CRM-STD" : "ERP-CORE");
      line.set_product_line_id("laptops");
      line.set_margin_class(channels::v1::MARGIN_CLASS_STANDARD);
      line.set_quantity(2);
      line.mutable_net_amount()->set_units(amount);
    }
    Append(*orders_store_, "order-" + order, event, at);
  }
  void Confirm(const std::string& order, bool first = false, absl::Time at = kMay20) {
    orders_v1::OrderEvent event;
    event.mutable_order_confirmed()->set_first_order_of_customer(first);
    Append(*orders_store_, "order-" + order, event, at);
  }
  void Cancel(const std::string& order, absl::Time at = kMay20) {
    orders_v1::OrderEvent event;
    event.mutable_order_cancelled()->set_reason("customer withdrew");
    Append(*orders_store_, "order-" + order, event, at);
  }
  void Return(const std::string& order, int32_t line_no, int64_t quantity, int64_t amount,
              absl::Time at = kMay20) {
    orders_v1::OrderEvent event;
    orders_v1::ReturnLine& line =
        *event.mutable_return_accepted()->mutable_order_return()->add_lines();
    line.set_line_no(line_no);
    line.set_quantity(quantity);
    line.mutable_amount()->set_units(amount);
    Append(*orders_store_, "order-" + order, event, at);
  }
  void Pay(const std::string& order, int64_t amount, absl::Time at = kMay20) {
    orders_v1::OrderEvent event;
    event.mutable_payment_received()->mutable_payment()->mutable_amount()->set_units(amount);
    Append(*orders_store_, "order-" + order, event, at);
  }

  v1::CommissionStatement Statement(const std::string& rep, const std::string& period) {
    v1::GetStatementRequest request;
    request.set_rep_id(rep);
    request.set_period(period);
    auto statement = app_->GetStatement(request);
    EXPECT_TRUE(statement.ok()) << statement.status();
    return statement.ok() ? *statement : v1::CommissionStatement();
  }

  int64_t Credited(const v1::CommissionStatement& statement, v1::Metric metric) {
    for (const v1::MetricAttainment& line : statement.metrics()) {
      if (line.metric() == metric) return line.credited();
    }
    return 0;
  }

  sales::testing::TempDir dir_;
  org::StaticOrgView org_{org::testing::TestOrg()};
  metrics::MetricsRegistry metrics_;
  std::unique_ptr<eventstore::EventStore> orders_store_, leads_store_, store_;
  std::unique_ptr<feed::LocalEventFeedReader> orders_feed_, leads_feed_;
  std::unique_ptr<IncentivesApp> app_;
  std::unique_ptr<LedgerProcess> process_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
};

TEST_F(LedgerProcessTest, OrdersCreditAndClawBackAndActivitiesCountExactlyOnce) {
  StartProcess();
  Place("O-1", "D-1", {50'000'00, 10'000'00});
  Confirm("O-1", /*first=*/true);
  Pay("O-1", 10'000'00);  // booked basis: payments credit nothing
  Return("O-1", 2, 2, 10'000'00, kMay20 + absl::Hours(24 * 14));  // June 3
  leads_v1::LeadEvent visit;
  visit.mutable_activity_logged()->set_type(leads_v1::ACTIVITY_TYPE_VISIT);
  visit.mutable_activity_logged()->set_actor("r2");
  *visit.mutable_activity_logged()->mutable_occurred_at() = ToTimestamp(kMay20);
  Append(*leads_store_, "lead-L-1", visit, kMay20, "r2");
  leads_v1::LeadEvent call = visit;
  call.mutable_activity_logged()->set_type(leads_v1::ACTIVITY_TYPE_CALL);
  Append(*leads_store_, "lead-L-1", call, kMay20, "r2");
  // A proposal logged by an assistant counts for the lead's owner.
  leads_v1::LeadEvent assigned;
  assigned.mutable_lead_assigned()->set_rep_id("r2");
  Append(*leads_store_, "lead-L-2", assigned, kMay20, "r1");
  leads_v1::LeadEvent proposal = visit;
  proposal.mutable_activity_logged()->set_type(leads_v1::ACTIVITY_TYPE_PROPOSAL_SENT);
  proposal.mutable_activity_logged()->set_actor("assistant.zhao");
  Append(*leads_store_, "lead-L-2", proposal, kMay20, "assistant.zhao");
  Settle();

  // May: 60,000 → 100 + 800 + 300 = 1,200, and the new-customer bonus.
  const v1::CommissionStatement may = Statement("r1", "2026-05");
  EXPECT_EQ(may.commission().units(), 1'200'00 + 500'00);
  EXPECT_EQ(Credited(may, v1::METRIC_REVENUE), 60'000'00);
  EXPECT_EQ(Credited(may, v1::METRIC_NEW_CUSTOMERS), 1);
  // June: the return of 10,000 at the order's 2 % → −200; attainment drops (the plan says so).
  const v1::CommissionStatement june = Statement("r1", "2026-06");
  ASSERT_EQ(june.lines_size(), 1);
  EXPECT_EQ(june.lines(0).kind(), v1::LINE_KIND_CLAWBACK);
  EXPECT_EQ(june.commission().units(), -200'00);
  EXPECT_EQ(Credited(june, v1::METRIC_REVENUE), -10'000'00);
  EXPECT_EQ(Credited(Statement("r2", "2026-05"), v1::METRIC_VISITS), 1);
  EXPECT_EQ(Credited(Statement("r2", "2026-05"), v1::METRIC_PROPOSALS), 1);

  // Everything consumed again: nothing recorded twice.
  const uint64_t head = store_->HeadPosition();
  LoseProcessStore();
  StartProcess();
  Settle();
  EXPECT_EQ(store_->HeadPosition(), head);
  v1::CommissionStatement again = Statement("r1", "2026-05");
  again.clear_as_of();
  v1::CommissionStatement before = may;
  before.clear_as_of();
  EXPECT_EQ(again.SerializeAsString(), before.SerializeAsString());
  EXPECT_NE(metrics_.RenderPrometheus().find(
                "sales_incentives_ledger_events_total{outcome=\"replayed\"} 4"),
            std::string::npos)
      << "the confirmation, the return, the visit and the proposal were replayed";
}

// A random history: orders placed and confirmed, some paid, some cancelled, some returned in
// parts, interleaved at random across orders, consumed in random page sizes, with the process's
// store lost half-way. What the ledger holds equals what the history says directly.
TEST_F(LedgerProcessTest, ARandomHistoryEndsInTheLedgerADirectComputationGives) {
  std::mt19937 random(20261204);
  auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  struct Step {
    std::string order;
    std::function<void()> append;
  };
  std::vector<std::vector<Step>> per_order;
  int64_t kept_revenue = 0;  // Σ credited − Σ reversed: the revenue the ledger must hold
  std::set<std::string> cancelled;
  for (int n = 0; n < 40; ++n) {
    const std::string order = absl::StrCat("R-", n);
    const int64_t line1 = uniform(1, 2'000'000);
    const int64_t line2 = uniform(1, 2'000'000);
    std::vector<Step> steps;
    steps.push_back({order, [=, this] { Place(order, "", {line1, line2}); }});
    steps.push_back({order, [=, this] { Confirm(order, n % 5 == 0); }});
    kept_revenue += line1 + line2;
    const int fate = uniform(0, 3);
    if (fate == 1) {
      steps.push_back({order, [=, this] { Cancel(order); }});
      kept_revenue -= line1 + line2;
      cancelled.insert(order);
    } else if (fate == 2) {
      steps.push_back({order, [=, this] { Return(order, 1, 1, line1 / 2); }});
      kept_revenue -= line1 / 2;
    } else if (fate == 3) {
      steps.push_back({order, [=, this] { Pay(order, line2); }});
    }
    per_order.push_back(std::move(steps));
  }
  std::vector<size_t> next(per_order.size(), 0);
  std::vector<Step> sequence;
  for (size_t left = per_order.size(); left > 0;) {
    const size_t pick = static_cast<size_t>(uniform(0, static_cast<int>(per_order.size()) - 1));
    if (next[pick] == per_order[pick].size()) continue;
    sequence.push_back(per_order[pick][next[pick]++]);
    if (next[pick] == per_order[pick].size()) --left;
  }
  StartProcess(static_cast<size_t>(uniform(1, 7)));
  for (size_t i = 0; i < sequence.size(); ++i) {
    sequence[i].append();
    if (i == sequence.size() / 2) {
      Settle();
      LoseProcessStore();
      StartProcess(static_cast<size_t>(uniform(1, 7)));
    }
  }
  Settle();

  const v1::CommissionStatement may = Statement("r1", "2026-05");
  EXPECT_EQ(Credited(may, v1::METRIC_REVENUE), kept_revenue);
  // Every cancelled order nets to exactly 0; every line names the event that caused it.
  std::map<std::string, int64_t> net;
  for (const v1::LedgerLine& line : may.lines()) {
    EXPECT_EQ(line.cause_event_ids_size(), 1);
    if (line.kind() != v1::LINE_KIND_TRUE_UP) net[line.order_id()] += line.amount().units();
  }
  for (const std::string& order : cancelled) EXPECT_EQ(net[order], 0) << order;
  // One ledger event per confirmation, cancel and return: nothing twice.
  auto events = store_->ReadStream(LedgerStreamId("r1"), 1, 10'000);
  ASSERT_TRUE(events.ok());
  std::set<std::string> causes;
  for (const auto& envelope : *events) {
    EXPECT_TRUE(causes.insert(envelope.causation_id()).second) << envelope.causation_id();
  }
}

}  // namespace
}  // namespace sales::incentives
