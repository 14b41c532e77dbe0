// The receivables aging report at scale (issue 16: "p99 < 5 ms at 10^5 open invoices"): the
// orders read model built by its projection on the common runner from a real event store holding
// --invoices invoiced orders (10 per customer, due over the past 120 and the next 30 days, reps
// and regions round robin), then each report shape timed --calls times: the totals, by region
// (5 groups), by rep (50) and one page of 50 customers — against a point read of one order row
// of the same store in the same run, the baseline.
//
//   ninja -C build orders_aging_benchmark &&
//   build/services/orders/orders_aging_benchmark [--invoices=100000] [--calls=2000]
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/eventsourcing/command_executor.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/projection/projection_runner.h"
#include "common/testing/percentiles.h"
#include "common/testing/temp_dir.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "services/orders/domain/aggregates.h"
#include "services/orders/read_model/read_model.h"

ABSL_FLAG(int, invoices, 100'000, "Open invoices in the read model.");
ABSL_FLAG(int, calls, 2'000, "Timed calls per report shape.");

namespace sales::orders {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kInvoicesPerCustomer = 10;
constexpr int kReps = 50;
constexpr int kRegions = 5;
constexpr int kOrdersPerAppend = 50;

common::v1::Money Cny(int64_t units) {
  common::v1::Money money;
  money.set_units(units);
  money.set_currency("CNY");
  return money;
}

// An order placed and invoiced: its two events.
std::vector<v1::OrderEvent> InvoicedOrder(int i, absl::CivilDay today) {
  std::vector<v1::OrderEvent> events(2);
  v1::OrderPlaced& placed = *events[0].mutable_order_placed();
  placed.set_order_id(absl::StrFormat("O-%07d", i));
  placed.set_customer_id(absl::StrFormat("C-%06d", i / kInvoicesPerCustomer));
  placed.set_channel_id("web");
  placed.set_rep_id(absl::StrFormat("rep-%02d", i % kReps));
  placed.set_region_id(absl::StrFormat("region-%d", i % kRegions));
  placed.set_currency("CNY");
  v1::OrderLine& line = *placed.add_lines();
  line.set_line_no(1);
  line.set_sku("SKU-1");
  line.set_quantity(1);
  const int64_t amount = 10'000 + (i % 977) * 100;
  *line.mutable_unit_price() = Cny(amount);
  *line.mutable_net_amount() = Cny(amount);
  *placed.mutable_total() = Cny(amount);
  const absl::CivilDay issued = today - 150 + (i % 150);
  *placed.mutable_at() = ToTimestamp(absl::FromCivil(issued - 5, absl::UTCTimeZone()));
  v1::OrderInvoiced& invoiced = *events[1].mutable_order_invoiced();
  v1::Invoice& invoice = *invoiced.mutable_invoice();
  invoice.set_invoice_id(absl::StrFormat("INV-%07d", i));
  *invoice.mutable_amount() = Cny(amount);
  *invoice.mutable_issued_on() = ToDate(issued);
  *invoice.mutable_due_on() = ToDate(issued + 30);
  *invoice.mutable_paid() = Cny(0);
  *invoice.mutable_credited() = Cny(0);
  *invoice.mutable_balance() = Cny(amount);
  *invoiced.mutable_at() = ToTimestamp(absl::FromCivil(issued, absl::UTCTimeZone()));
  return events;
}

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

struct Shape {
  std::string name;
  std::function<bool()> call;  // false: the call failed
};

int Run() {
  const int invoices = absl::GetFlag(FLAGS_invoices);
  const int calls = absl::GetFlag(FLAGS_calls);
  sales::testing::TempDir dir;
  auto store = eventstore::EventStore::Open({.path = dir.path() + "/events", .service = "orders"});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  const auto fill_start = Clock::now();
  for (int first = 0; first < invoices; first += kOrdersPerAppend) {
    eventstore::MultiAppendRequest append;
    for (int i = first; i < std::min(invoices, first + kOrdersPerAppend); ++i) {
      eventstore::AppendRequest& request = append.appends.emplace_back();
      request.stream_id = OrderStreamId(absl::StrFormat("O-%07d", i));
      request.expected_version = eventstore::kNoStream;
      for (const v1::OrderEvent& event : InvoicedOrder(i, today)) {
        if (!eventsourcing::AddEnvelope(request, event, {.actor = "bench"}, "", std::nullopt)
                 .ok()) {
          return 1;
        }
      }
    }
    if (auto appended = (*store)->AppendAll(std::move(append)); !appended.ok()) {
      std::fprintf(stderr, "%s\n", appended.status().ToString().c_str());
      return 1;
    }
  }
  const double fill_s = MicrosSince(fill_start) / 1e6;

  feed::LocalEventFeedReader feed(store->get());
  OrdersReadModelProjection projection;
  auto runner = projection::ProjectionRunner::Create(
      &projection,
      {.path = dir.path() + "/read-model", .sources = {{.topic = "orders", .feed = &feed}}});
  if (!runner.ok()) return 1;
  const auto apply_start = Clock::now();
  (*runner)->Start();
  if (!(*runner)->AwaitFeedHeads(absl::Minutes(10)).ok()) return 1;
  const double apply_s = MicrosSince(apply_start) / 1e6;
  OrdersReadModel model(&(*runner)->store());

  auto report = [&](v1::AgingGroupBy group_by) {
    v1::GetAgingReportRequest request;
    request.set_group_by(group_by);
    return [&model, request, today] { return model.AgingReport(request, today).ok(); };
  };
  const std::vector<Shape> shapes = {
      {"baseline: one order row (point read)",
       [&] { return (*runner)->store().Get("o/O-0000042").ok(); }},
      {"totals", report(v1::AGING_GROUP_BY_UNSPECIFIED)},
      {"by region (5 groups)", report(v1::AGING_GROUP_BY_REGION)},
      {"by rep (50 groups)", report(v1::AGING_GROUP_BY_REP)},
      {"by customer (page of 50)", report(v1::AGING_GROUP_BY_CUSTOMER)},
  };
  // The figure the report must match: the sum of every invoice's amount.
  v1::GetAgingReportRequest totals;
  auto checked = model.AgingReport(totals, today);
  if (!checked.ok() || checked->totals_size() != 1 ||
      checked->totals(0).total_invoices() != invoices) {
    std::fprintf(stderr, "the report does not count %d invoices\n", invoices);
    return 1;
  }
  std::printf(
      "%d open invoices (%d customers, %d reps, %d regions): appended in %.1f s, "
      "projected in %.1f s\n",
      invoices, invoices / kInvoicesPerCustomer, kReps, kRegions, fill_s, apply_s);
  std::printf("%-38s %10s %10s %10s %12s\n", "query", "p50_us", "p99_us", "p999_us",
              "p99/baseline");
  double baseline_p99 = 0;
  for (const Shape& shape : shapes) {
    std::vector<double> micros;
    micros.reserve(static_cast<size_t>(calls));
    for (int i = 0; i < calls; ++i) {
      const auto start = Clock::now();
      if (!shape.call()) return 1;
      micros.push_back(MicrosSince(start));
    }
    const double p99 = sales::testing::Percentile(micros, 0.99);
    if (baseline_p99 == 0) baseline_p99 = p99;
    std::printf("%-38s %10.1f %10.1f %10.1f %12.1f\n", shape.name.c_str(),
                sales::testing::Percentile(micros, 0.5), p99,
                sales::testing::Percentile(micros, 0.999), p99 / baseline_p99);
  }
  return 0;
}

}  // namespace
}  // namespace sales::orders

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return sales::orders::Run();
}
