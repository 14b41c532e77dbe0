// Issue 17's figures for the commission ledger, in one run against one history:
//   BM_RawConsume        a plain librdkafka consumer reading the orders topic (no decoding)
//   BM_LedgerFromKafka   the ledger's process manager (LedgerProcess → IncentivesApp, a fresh
//                        incentives store each iteration) through a ProjectionRunner from the
//                        embedded broker, from offset 0
//   BM_LedgerCatchUp     the same from the orders event feed (a broker loss, a new process)
//   BM_Statement         GetStatement of a rep with --lines ledger lines in one month, now and
//                        as of an instant (p50/p99 printed)
// The orders history is synthetic and shaped like the orders service's: per order its placement,
// confirmation (with the customer's exposure change and one stock reservation per line on their
// own streams), shipping, delivery, invoice and payment — 9 events for a two-line order, of which
// the confirmation credits revenue under the booked basis every rep here is paid on — for 60 reps
// in November 2026, half of the orders from deals split between two reps.
//
//   ninja -C build incentives_ledger_benchmark &&
//   build/services/incentives/incentives_ledger_benchmark [--events=200000] [--lines=10000]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/command_executor.h"
#include "common/eventstore/event_store.h"
#include "common/projection/projection_runner.h"
#include "common/projection/testing/catch_up_benchmarking.h"
#include "common/status/status_macros.h"
#include "common/testing/percentiles.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "common/time/proto_time.h"
#include "sales/orders/v1/events.pb.h"
#include "services/incentives/app/incentives_app.h"
#include "services/incentives/domain/test_plans.h"
#include "services/incentives/ledger_process/ledger_process.h"

namespace sales::incentives {
namespace {

using projection::testing::Check;
using projection::testing::CheckedValue;
namespace orders_v1 = ::sales::orders::v1;

constexpr char kTopic[] = "sales.orders.v1.events";
constexpr int kPartitions = 12;  // the embedded broker keeps ~5 MiB per partition
constexpr int kReps = 60;
int events = 200000;          // --events (the history has at least this many)
int statement_lines = 10000;  // --lines

std::string RepId(int rep) { return absl::StrCat("rep-", rep); }

// The benchmark's organisation: one region, one team, kReps reps.
org::v1::SalesOrganisation Organisation() {
  org::v1::SalesOrganisation org;
  org.add_regions()->set_region_id("east");
  org::v1::Team& team = *org.add_teams();
  team.set_team_id("team");
  team.set_region_id("east");
  for (int rep = 0; rep < kReps; ++rep) {
    org::v1::Rep& added = *org.add_reps();
    added.set_rep_id(RepId(rep));
    added.set_team_id("team");
  }
  return org;
}

template <typename Wrapper>
absl::Status Append(eventstore::EventStore& store, const std::string& stream, const Wrapper& event,
                    absl::Time at) {
  eventstore::AppendRequest request{.stream_id = stream};
  RETURN_IF_ERROR(
      eventsourcing::AddEnvelope(request, event, {.actor = "bench"}, "", ToTimestamp(at)));
  return store.Append(std::move(request)).status();
}

// Orders until `events` events, each order's events in its own order, orders started across
// November 2026 in time order.
absl::Status AppendOrdersHistory(eventstore::EventStore& store) {
  std::mt19937_64 rng(2026);
  const absl::Time november = absl::FromCivil(absl::CivilDay(2026, 11, 1), BusinessTimeZone());
  int appended = 0;
  for (int order = 0; appended < events; ++order) {
    const std::string id = absl::StrCat("O-", order);
    absl::Time at = november + absl::Seconds(static_cast<int64_t>(order) * 5);
    orders_v1::OrderEvent placed_event;
    orders_v1::OrderPlaced& placed = *placed_event.mutable_order_placed();
    placed.set_order_id(id);
    placed.set_customer_id(absl::StrCat("C-", order % 500));
    placed.set_rep_id(RepId(static_cast<int>(rng() % kReps)));
    if (order % 2 == 0) placed.set_deal_id(absl::StrCat("D-", order % 1000));
    for (int line_no = 1; line_no <= 2; ++line_no) {
      orders_v1::OrderLine& line = *placed.add_lines();
      line.set_line_no(line_no);
      line.set_sku(line_no == 1 ? "CRM-STD" : "CRM-AI");
      line.set_product_line_id("crm");
      line.set_margin_class(line_no == 1 ? channels::v1::MARGIN_CLASS_STANDARD
                                         : channels::v1::MARGIN_CLASS_HIGH);
      line.set_quantity(static_cast<int64_t>(1 + rng() % 10));
      line.mutable_net_amount()->set_units(static_cast<int64_t>(1'000'00 + rng() % 50'000'00));
    }
    const std::string stream = "order-" + id;
    RETURN_IF_ERROR(Append(store, stream, placed_event, at));
    orders_v1::OrderEvent confirmed;
    confirmed.mutable_order_confirmed()->set_first_order_of_customer(order < 500);
    RETURN_IF_ERROR(Append(store, stream, confirmed, at += absl::Minutes(1)));
    orders_v1::CustomerEvent exposure;
    exposure.mutable_exposure_changed()->set_order_id(id);
    RETURN_IF_ERROR(Append(store, absl::StrCat("customer-C-", order % 500), exposure, at));
    for (const orders_v1::OrderLine& line : placed.lines()) {
      orders_v1::StockEvent reserved;
      reserved.mutable_stock_reserved()->set_order_id(id);
      reserved.mutable_stock_reserved()->set_reserved(line.quantity());
      RETURN_IF_ERROR(Append(store, "stock-" + line.sku(), reserved, at));
    }
    orders_v1::OrderEvent shipped, delivered, invoiced, paid;
    shipped.mutable_order_shipped()->set_carrier("SF");
    delivered.mutable_order_delivered();
    invoiced.mutable_order_invoiced()->mutable_invoice()->set_invoice_id("INV-" + id);
    paid.mutable_payment_received()->mutable_payment()->mutable_amount()->set_units(1'00);
    for (const orders_v1::OrderEvent* next : {&shipped, &delivered, &invoiced, &paid}) {
      RETURN_IF_ERROR(Append(store, stream, *next, at += absl::Hours(1)));
    }
    appended += 9;
  }
  events = appended;
  return absl::OkStatus();
}

projection::testing::PublishedHistory& History() {
  return projection::testing::SharedHistory({.topic = kTopic,
                                             .partitions = kPartitions,
                                             .service = "orders",
                                             .publish_timeout = absl::Seconds(120)},
                                            AppendOrdersHistory);
}

// A fresh incentives store and app with every rep on the step plan, half the deals split.
struct Incentives {
  sales::testing::TempDir dir;
  org::StaticOrgView org{Organisation()};
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<IncentivesApp> app;

  Incentives() {
    store = CheckedValue(eventstore::EventStore::Open(
        {.path = dir.path() + "/incentives-events", .service = "incentives"}));
    app = CheckedValue(IncentivesApp::Create({.store = store.get(), .org = &org}));
    v1::PublishPlanRequest publish;
    publish.mutable_meta()->set_actor("bench");
    *publish.mutable_plan() = fixtures::StepPlan();
    Check(app->PublishPlan(publish, {}).status());
    for (int rep = 0; rep < kReps; ++rep) {
      v1::AssignPlanRequest assign;
      assign.mutable_meta()->set_actor("bench");
      assign.mutable_assignment()->set_rep_id(RepId(rep));
      assign.mutable_assignment()->set_plan_id("step-2026");
      assign.mutable_assignment()->set_from_period("2026-01");
      Check(app->AssignPlan(assign, {}).status());
    }
    for (int deal = 0; deal < 1000; deal += 2) {
      v1::SetCreditSplitRequest split;
      split.mutable_meta()->set_actor("bench");
      split.set_deal_id(absl::StrCat("D-", deal));
      for (int part = 0; part < 2; ++part) {
        v1::SplitShare& share = *split.add_shares();
        share.set_rep_id(RepId((deal + part * 7) % kReps));
        share.set_role(part == 0 ? v1::SPLIT_ROLE_OWNER : v1::SPLIT_ROLE_OVERLAY);
        share.set_share_bp(5'000);
      }
      Check(app->SetCreditSplit(split, {}).status());
    }
  }
};

std::map<std::string, projection::testing::Rates> rates;

void BM_RawConsume(benchmark::State& state) {
  projection::testing::PublishedHistory& history = History();
  for (auto _ : state) rates["raw"] = projection::testing::RawConsume(state, history, events);
  state.SetItemsProcessed(state.iterations() * events);
}

void RunLedger(benchmark::State& state, bool from_kafka) {
  projection::testing::PublishedHistory& history = History();
  for (auto _ : state) {
    state.PauseTiming();
    Incentives incentives;
    LedgerProcess process(incentives.app.get(), nullptr);
    const std::string path =
        from_kafka ? CheckedValue(history.NewPathTrustingKafka(process)) : history.NewPath();
    auto runner = CheckedValue(projection::ProjectionRunner::Create(
        &process, {.path = path,
                   .bootstrap_servers = history.bootstrap(),
                   .sources = {{.topic = kTopic, .feed = history.feed()}}}));
    state.ResumeTiming();
    rates[from_kafka ? "kafka" : "feed"] =
        projection::testing::RunAndReport(state, *runner, events);
    if (from_kafka && runner->stats().catch_ups != 0) {
      Check(absl::InternalError("unexpected catch-up"));
    }
  }
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_LedgerFromKafka(benchmark::State& state) { RunLedger(state, /*from_kafka=*/true); }
void BM_LedgerCatchUp(benchmark::State& state) { RunLedger(state, /*from_kafka=*/false); }

// A rep with --lines ledger lines in November, then GetStatement timed, now and as of an instant.
void BM_Statement(benchmark::State& state) {
  Incentives incentives;
  const absl::Time november = absl::FromCivil(absl::CivilDay(2026, 11, 2), BusinessTimeZone());
  for (int order = 0; order < statement_lines; ++order) {
    OrderMovement movement{.kind = MovementKind::kConfirmed,
                           .cause_event_id = absl::StrCat("e", order),
                           .at = november + absl::Seconds(order),
                           .day = absl::CivilDay(2026, 11, 2),
                           .order_id = absl::StrCat("O-", order),
                           .rep_id = RepId(1)};
    movement.lines = {{.line_no = 1,
                       .sku = "CRM-STD",
                       .product_line_id = "crm",
                       .margin_class = channels::v1::MARGIN_CLASS_STANDARD,
                       .quantity = 1,
                       .amount = 1'000'00}};
    Check(incentives.app->RecordOrderMovement(movement, {}).status());
  }
  v1::GetStatementRequest request;
  request.set_rep_id(RepId(1));
  request.set_period("2026-11");
  std::vector<double> now_us, as_of_us;
  for (auto _ : state) {
    for (int i = 0; i < 50; ++i) {
      absl::Time start = absl::Now();
      auto statement = incentives.app->GetStatement(request);
      now_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
      Check(statement.status());
      if (statement->lines_size() != statement_lines) Check(absl::InternalError("lines missing"));
    }
    v1::GetStatementRequest past = request;
    *past.mutable_as_of() = ToTimestamp(absl::Now());
    for (int i = 0; i < 10; ++i) {
      absl::Time start = absl::Now();
      Check(incentives.app->GetStatement(past).status());
      as_of_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    }
  }
  std::printf(
      "statement of %d lines: now p50 %.0f µs p99 %.0f µs; as of an instant p50 %.0f µs "
      "p99 %.0f µs\n",
      statement_lines, sales::testing::Percentile(now_us, 0.50),
      sales::testing::Percentile(now_us, 0.99), sales::testing::Percentile(as_of_us, 0.50),
      sales::testing::Percentile(as_of_us, 0.99));
}

BENCHMARK(BM_RawConsume)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_LedgerFromKafka)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_LedgerCatchUp)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Statement)->Unit(benchmark::kMillisecond)->Iterations(4);

}  // namespace
}  // namespace sales::incentives

int main(int argc, char** argv) {
  using sales::incentives::events;
  using sales::incentives::rates;
  using sales::incentives::statement_lines;
  if (!sales::projection::testing::TakeIntFlags(
          argc, argv, {{"--events=", &events}, {"--lines=", &statement_lines}})) {
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  sales::projection::testing::DestroySharedHistory();
  std::printf("%d orders-topic events, commission ledger process (booked basis, 60 reps)\n",
              events);
  sales::projection::testing::PrintRatesToRaw("ledger", rates);
  return 0;
}
