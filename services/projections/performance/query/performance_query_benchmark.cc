// Latency of PerformanceQuery::GetPerformance, ListAlerts and GetForecast on a performance read
// model of 10^5 and 10^6 applied events (issue 18: p99 < 2 ms at 10^6 for every scope). The events
// are random orders with their ledger events (testing/performance_script.h, AddRandomOrder: 200
// reps, 20 teams, 5 regions, 12 channels, 8 product lines, 5000 customers) and, for one order in
// four, a lead's story (AddRandomLead: half its deals with an expected close date) starting across
// 2026, applied in time order through pipelined ProjectionStore batches of 1000 (no Kafka: this
// measures the queries). Per (size, query) it prints p50 / p99 / max; the build rate of each model
// too.
//
//   ninja -C build performance_query_benchmark &&
//   build/services/projections/performance/query/performance_query_benchmark
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/projection/projection_store.h"
#include "common/testing/percentiles.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "services/projections/performance/model/performance_projection.h"
#include "services/projections/performance/query/performance_query.h"
#include "services/projections/performance/testing/performance_script.h"

namespace sales::performance {
namespace {

void Check(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", status.ToString().c_str());
    std::abort();
  }
}

struct Model {
  sales::testing::TempDir dir;
  std::unique_ptr<projection::ProjectionStore> store;
  std::unique_ptr<PerformanceQuery> query;
};

// One read model per event count, built on first use.
Model& ModelOf(int64_t events) {
  static auto* models = new std::map<int64_t, std::unique_ptr<Model>>();
  std::unique_ptr<Model>& model = (*models)[events];
  if (model != nullptr) return *model;
  model = std::make_unique<Model>();
  auto store = projection::ProjectionStore::Open(model->dir.path() + "/performance");
  Check(store.status());
  model->store = *std::move(store);
  std::mt19937_64 rng(events);
  const absl::Time year = absl::FromCivil(absl::CivilDay(2026, 1, 1), BusinessTimeZone());
  testing::PerformanceScript script;
  for (int n = 0; static_cast<int64_t>(script.events().size()) < events; ++n) {
    testing::AddRandomOrder(rng, n, year + absl::Seconds(rng() % (330 * 86400ULL)), script);
    if (n % 4 == 0) {  // the forecast's pipeline: deals, half of them with a close date
      testing::AddRandomLead(rng, n, year + absl::Seconds(rng() % (330 * 86400ULL)), script);
    }
  }
  std::vector<projection::EventEnvelope> history = script.events();
  std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) {
    return a.occurred_at().seconds() < b.occurred_at().seconds();
  });
  PerformanceProjection projection;
  projection::StoreBatch batch = model->store->NewBatch();
  const absl::Time began = absl::Now();
  int64_t applied = 0;
  for (const projection::EventEnvelope& event : history) {
    Check(projection.Apply(event, batch.txn()));
    if (++applied % 1000 == 0) {  // pipelined, as the runner commits
      Check(model->store->AwaitCommit());
      Check(model->store->CommitInBackground(batch));
    }
  }
  Check(model->store->AwaitCommit());
  Check(model->store->Commit(batch));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - began);
  std::printf("built a model of %lld events in %.1f s (%.0f events/s)\n",
              static_cast<long long>(applied), seconds, static_cast<double>(applied) / seconds);
  // As a rebuild, or a runner's catch-up, leaves it (projection::kCompactAfterCatchUpEvents).
  Check(model->store->CompactReadModel());
  model->query = std::make_unique<PerformanceQuery>(model->store.get());
  return *model;
}

enum QueryKind {
  kOrgMonth,
  kRepMonth,
  kTeamQuarter,
  kProductLineLast30,
  kGroupByRepMonth,
  kGroupByChannelYear,
  kAlertsByRep,
  kForecastRepMonth,
  kForecastOrgYear
};
const char* const kQueryNames[] = {"org/month",
                                   "rep/month",
                                   "team/quarter",
                                   "product-line/last 30 days",
                                   "group-by-rep/month",
                                   "group-by-channel/year",
                                   "alerts by rep",
                                   "forecast rep/month",
                                   "forecast org/year (365 snapshots)"};

projections::v1::GetPerformanceRequest RequestOf(QueryKind kind, int i) {
  namespace v1 = ::sales::projections::v1;
  v1::GetPerformanceRequest request;
  const absl::Time at = absl::FromCivil(absl::CivilDay(2026, 1 + i % 12, 15), BusinessTimeZone());
  request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(at));
  request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  const auto filter = [&](v1::PerformanceDimension dimension, std::string value) {
    request.mutable_filter()->set_dimension(dimension);
    request.mutable_filter()->set_value(std::move(value));
  };
  switch (kind) {
    case kRepMonth:
      filter(v1::PERFORMANCE_DIMENSION_REP, absl::StrCat("R", i % 200));
      break;
    case kTeamQuarter:
      request.set_granularity(v1::PERIOD_GRANULARITY_QUARTER);
      filter(v1::PERFORMANCE_DIMENSION_TEAM, absl::StrCat("T", i % 20));
      break;
    case kProductLineLast30:
      request.set_granularity(v1::PERIOD_GRANULARITY_UNSPECIFIED);
      request.set_last_days(30);
      filter(v1::PERFORMANCE_DIMENSION_PRODUCT_LINE, absl::StrCat("P", i % 8));
      break;
    case kGroupByRepMonth:
      request.set_group_by(v1::PERFORMANCE_DIMENSION_REP);
      break;
    case kGroupByChannelYear:
      request.set_granularity(v1::PERIOD_GRANULARITY_YEAR);
      request.set_group_by(v1::PERFORMANCE_DIMENSION_CHANNEL);
      break;
    default:
      break;
  }
  return request;
}

std::vector<std::string>& Summary() {
  static auto* lines = new std::vector<std::string>();
  return *lines;
}

void BM_Query(benchmark::State& state) {
  Model& model = ModelOf(state.range(0));
  const auto kind = static_cast<QueryKind>(state.range(1));
  std::vector<double> micros;
  int i = 0;
  for (auto _ : state) {
    const absl::Time began = absl::Now();
    if (kind == kAlertsByRep) {
      projections::v1::ListAlertsRequest request;
      request.set_dimension(projections::v1::PERFORMANCE_DIMENSION_REP);
      const absl::Time at =
          absl::FromCivil(absl::CivilDay(2026, 2 + i++ % 11, 15), BusinessTimeZone());
      auto alerts = model.query->ListAlerts(request, at);
      Check(alerts.status());
      benchmark::DoNotOptimize(alerts);
    } else if (kind == kForecastRepMonth || kind == kForecastOrgYear) {
      projections::v1::GetForecastRequest request;
      const absl::Time at =
          absl::FromCivil(absl::CivilDay(2026, 2 + i % 11, 15), BusinessTimeZone());
      request.mutable_as_of()->set_seconds(absl::ToUnixSeconds(at));
      if (kind == kForecastRepMonth) {
        request.set_granularity(projections::v1::PERIOD_GRANULARITY_MONTH);
        request.mutable_filter()->set_dimension(projections::v1::PERFORMANCE_DIMENSION_REP);
        request.mutable_filter()->set_value(absl::StrCat("R", i % 200));
      } else {
        request.set_granularity(projections::v1::PERIOD_GRANULARITY_YEAR);
        request.mutable_as_of()->set_seconds(
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2026, 12, 31), BusinessTimeZone())));
      }
      ++i;
      auto forecast = model.query->GetForecast(request, at);
      Check(forecast.status());
      benchmark::DoNotOptimize(forecast);
    } else {
      auto report = model.query->GetPerformance(RequestOf(kind, i++));
      Check(report.status());
      benchmark::DoNotOptimize(report);
    }
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - began));
  }
  const double p50 = sales::testing::Percentile(micros, 0.50);
  const double p99 = sales::testing::Percentile(micros, 0.99);
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = p99;
  Summary().push_back(absl::StrCat(
      state.range(0), " events, ", kQueryNames[kind], ": p50 ", static_cast<int>(p50), " us, p99 ",
      static_cast<int>(p99), " us, max ", static_cast<int>(sales::testing::Percentile(micros, 1.0)),
      " us (", micros.size(), " queries)"));
}

BENCHMARK(BM_Query)
    ->ArgsProduct({{100000, 1000000},
                   {kOrgMonth, kRepMonth, kTeamQuarter, kProductLineLast30, kGroupByRepMonth,
                    kGroupByChannelYear, kAlertsByRep, kForecastRepMonth, kForecastOrgYear}})
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(500);

}  // namespace
}  // namespace sales::performance

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const std::string& line : sales::performance::Summary()) std::printf("%s\n", line.c_str());
  return 0;
}
