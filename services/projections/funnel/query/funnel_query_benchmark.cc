// Latency of FunnelQuery::GetFunnel on a funnel read model of 10^5 and 10^6 applied events.
// The events are random lead histories (testing/random_history.h) starting across 2026, 200
// reps, merged in time order and applied straight through pipelined ProjectionStore batches of
// 1000 (no Kafka: this measures the queries, not the runner). A query is timed as the service runs
// it: the report built on a protobuf Arena and freed. Per (size, query) it prints p50 / p99 / max
// over the iterations; the build time and apply rate of each model are printed too.
//
//   ninja -C build funnel_query_benchmark &&
//   build/services/projections/funnel/query/funnel_query_benchmark
#include <benchmark/benchmark.h>

#include <algorithm>
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
#include "common/testing/temp_dir.h"
#include "google/protobuf/arena.h"
#include "services/projections/funnel/model/funnel_projection.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/funnel/query/funnel_query.h"
#include "services/projections/funnel/testing/random_history.h"

namespace sales::funnel {
namespace {

constexpr int kReps = 200;

void Check(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", status.ToString().c_str());
    std::abort();
  }
}

struct Model {
  sales::testing::TempDir dir;
  std::unique_ptr<projection::ProjectionStore> store;
  std::unique_ptr<FunnelQuery> query;
};

// One read model per event count, built on first use.
Model& ModelOf(int64_t events) {
  static auto* models = new std::map<int64_t, std::unique_ptr<Model>>();
  std::unique_ptr<Model>& model = (*models)[events];
  if (model != nullptr) return *model;
  model = std::make_unique<Model>();
  auto store = projection::ProjectionStore::Open(model->dir.path() + "/funnel");
  Check(store.status());
  model->store = *std::move(store);
  FunnelProjection projection;
  std::mt19937_64 rng(events);
  const absl::Time year = absl::FromCivil(absl::CivilDay(2026, 1, 1), BusinessTimeZone());
  std::vector<projection::EventEnvelope> history;
  for (int lead = 0; static_cast<int64_t>(history.size()) < events; ++lead) {
    const absl::Time start = year + absl::Seconds(rng() % (330 * 86400ULL));
    const testing::LeadScript script =
        testing::RandomLead(rng, absl::StrCat("L", lead), start, kReps);
    history.insert(history.end(), script.events().begin(), script.events().end());
  }
  // In time order, as the leads service wrote them (each stream's order kept: stable sort).
  std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) {
    return a.occurred_at().seconds() < b.occurred_at().seconds();
  });
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
  model->query = std::make_unique<FunnelQuery>(model->store.get());
  return *model;
}

enum QueryKind { kOrgMonth, kRepMonth, kTeamQuarter, kGroupByTeamMonth, kGroupByRepYear };
const char* const kQueryNames[] = {"org/month", "rep/month", "team/quarter", "group-by-team/month",
                                   "group-by-rep/year"};

projections::v1::GetFunnelRequest RequestOf(QueryKind kind, int i) {
  projections::v1::GetFunnelRequest request;
  const absl::Time at = absl::FromCivil(absl::CivilDay(2026, 1 + i % 12, 15), BusinessTimeZone());
  request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(at));
  request.set_granularity(projections::v1::PERIOD_GRANULARITY_MONTH);
  switch (kind) {
    case kOrgMonth:
      break;
    case kRepMonth:
      request.mutable_filter()->set_dimension(projections::v1::FUNNEL_DIMENSION_REP);
      request.mutable_filter()->set_value(absl::StrCat("R-", i % kReps));
      break;
    case kTeamQuarter:
      request.set_granularity(projections::v1::PERIOD_GRANULARITY_QUARTER);
      request.mutable_filter()->set_dimension(projections::v1::FUNNEL_DIMENSION_TEAM);
      request.mutable_filter()->set_value(absl::StrCat("T-", i % 5));
      break;
    case kGroupByTeamMonth:
      request.set_group_by(projections::v1::FUNNEL_DIMENSION_TEAM);
      break;
    case kGroupByRepYear:
      request.set_granularity(projections::v1::PERIOD_GRANULARITY_YEAR);
      request.set_group_by(projections::v1::FUNNEL_DIMENSION_REP);
      break;
  }
  return request;
}

std::vector<std::string>& Summary() {
  static auto* lines = new std::vector<std::string>();
  return *lines;
}

void BM_GetFunnel(benchmark::State& state) {
  Model& model = ModelOf(state.range(0));
  const auto kind = static_cast<QueryKind>(state.range(1));
  std::vector<double> micros;
  int i = 0;
  for (auto _ : state) {
    const projections::v1::GetFunnelRequest request = RequestOf(kind, i++);
    const absl::Time began = absl::Now();
    absl::Status status;
    {
      // As FunnelServiceImpl serves it: the report on an Arena, freed within the timed span.
      google::protobuf::Arena arena(ReportArenaOptions());
      auto* report = google::protobuf::Arena::CreateMessage<projections::v1::FunnelReport>(&arena);
      status = model.query->GetFunnel(request, *report);
      benchmark::DoNotOptimize(report);
    }
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - began));
    Check(status);
  }
  std::sort(micros.begin(), micros.end());
  auto percentile = [&](double p) {
    return micros[std::min(micros.size() - 1,
                           static_cast<size_t>(p * static_cast<double>(micros.size())))];
  };
  state.counters["p50_us"] = percentile(0.50);
  state.counters["p99_us"] = percentile(0.99);
  Summary().push_back(absl::StrCat(
      state.range(0), " events, ", kQueryNames[kind], ": p50 ", static_cast<int>(percentile(0.50)),
      " us, p99 ", static_cast<int>(percentile(0.99)), " us, max ", static_cast<int>(micros.back()),
      " us (", micros.size(), " queries)"));
}

BENCHMARK(BM_GetFunnel)
    ->ArgsProduct({{100000, 1000000},
                   {kOrgMonth, kRepMonth, kTeamQuarter, kGroupByTeamMonth, kGroupByRepYear}})
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(2000);

}  // namespace
}  // namespace sales::funnel

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const std::string& line : sales::funnel::Summary()) std::printf("%s\n", line.c_str());
  return 0;
}
