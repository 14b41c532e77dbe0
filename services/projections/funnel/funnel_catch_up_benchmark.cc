// Issue 5's catch-up figures for the funnel read model, in one run against one history:
//   BM_RawConsume       a plain librdkafka consumer reading the leads topic (no decoding)
//   BM_DecodeOnly       the same, each message parsed as the runner and the projection parse it
//                       (the envelope, then its payload into a LeadEvent on a stack arena) and
//                       nothing else: the floor of any funnel projection, with no state
//   BM_RunnerFromKafka  funnel::FunnelProjection through a ProjectionRunner from the embedded
//                       broker, from offset 0 into a fresh read model
//   BM_RunnerCatchUp    the same from the event feed (LocalEventFeedReader over a real EventStore)
// The history is realistic and synthetic: --events events (rounded up to whole leads) of random
// leads (testing/random_history.h: captures, scoring, (re)assignment, stage and step moves,
// activities, overdue episodes, wins and losses) starting across 2026, appended to the event
// store in time order (as the leads service would have written them) and relayed to Kafka.
// After the benchmarks it prints events/s, the ratios to the raw consume rate, and events per
// CPU-second of the process and of the consuming (runner) thread — on a shared machine the
// CPU figures are the steadier ones.
//
//   ninja -C build funnel_catch_up_benchmark &&
//   build/services/projections/funnel/funnel_catch_up_benchmark [--events=200000]
//       [--batch=N]  (catch-up batches and feed pages of N events; default: the runner's)
// The timing runs from the first committed batch to the last: with --events below a few
// batches' worth (default 20,000 per catch-up batch and feed page), pass a smaller --batch.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventstore/event_store.h"
#include "common/projection/projection_runner.h"
#include "common/projection/testing/catch_up_benchmarking.h"
#include "common/status/status_macros.h"
#include "google/protobuf/arena.h"
#include "sales/leads/v1/events.pb.h"
#include "services/projections/funnel/model/funnel_projection.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/funnel/testing/random_history.h"

namespace sales::projection {
namespace {

using testing::Check;
using testing::CheckedValue;

constexpr char kTopic[] = "sales.leads.v1";
constexpr int kPartitions = 12;  // the embedded broker keeps ~5 MiB per partition
constexpr int kReps = 200;
int events = 200000;  // --events (the history has at least this many)
// --batch: the runner's catch_up_batch_events and feed_page_size (catch-up batches and pages).
int batch_events = static_cast<int>(ProjectionRunnerOptions().catch_up_batch_events);

// Random leads starting across 2026 until `count` events, merged in time order (each stream's
// own order kept: its events' times never decrease and the sort is stable).
std::vector<EventEnvelope> LeadsHistory(int count) {
  std::mt19937_64 rng(2026);
  const absl::Time year = absl::FromCivil(absl::CivilDay(2026, 1, 1), funnel::BusinessTimeZone());
  std::vector<EventEnvelope> history;
  for (int lead = 0; std::cmp_less(history.size(), count); ++lead) {
    const absl::Time start = year + absl::Seconds(rng() % (365 * 86400ULL));
    funnel::testing::LeadScript script =
        funnel::testing::RandomLead(rng, absl::StrCat("L", lead), start, kReps);
    for (const EventEnvelope& event : script.events()) history.push_back(event);
  }
  std::stable_sort(history.begin(), history.end(),
                   [](const EventEnvelope& a, const EventEnvelope& b) {
                     return a.occurred_at().seconds() < b.occurred_at().seconds();
                   });
  return history;
}

// Appends LeadsHistory(--events), one event per append, and sets `events` to its size.
absl::Status AppendLeadsHistory(eventstore::EventStore& store) {
  std::vector<EventEnvelope> history = LeadsHistory(events);
  events = static_cast<int>(history.size());
  for (EventEnvelope& event : history) {
    eventstore::AppendRequest request{.stream_id = event.stream_id()};
    request.events.push_back(std::move(event));
    RETURN_IF_ERROR(store.Append(std::move(request)).status());
  }
  return absl::OkStatus();
}

// One broker and one event store holding the history, all of it published to kTopic.
testing::PublishedHistory& History() {
  static testing::PublishedHistory* history =
      CheckedValue(testing::PublishedHistory::Create({.topic = kTopic,
                                                      .partitions = kPartitions,
                                                      .service = "leads",
                                                      .publish_timeout = absl::Seconds(90)},
                                                     AppendLeadsHistory))
          .release();
  return *history;
}

// By benchmark name (last iteration).
std::map<std::string, testing::Rates> rates;

ProjectionRunnerOptions RunnerOptions(testing::PublishedHistory& history, std::string path) {
  return {.path = std::move(path),
          .bootstrap_servers = history.bootstrap(),
          .sources = {{.topic = kTopic, .feed = history.feed()}},
          .catch_up_batch_events = static_cast<size_t>(batch_events),
          .feed_page_size = static_cast<size_t>(batch_events)};
}

void BM_RawConsume(benchmark::State& state) {
  testing::PublishedHistory& history = History();
  for (auto _ : state) rates["raw"] = testing::RawConsume(state, history, events);
  state.SetItemsProcessed(state.iterations() * events);
}

// What every event costs before the funnel does anything with it.
void DecodeLeadEvent(absl::string_view bytes) {
  static EventEnvelope& envelope = *new EventEnvelope();  // reused, as the runner reuses them
  if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    Check(absl::DataLossError("an envelope does not parse"));
  }
  alignas(16) char first_block[4096];
  google::protobuf::ArenaOptions arena_options;
  arena_options.initial_block = first_block;
  arena_options.initial_block_size = sizeof(first_block);
  google::protobuf::Arena arena(arena_options);
  auto& event = *google::protobuf::Arena::CreateMessage<leads::v1::LeadEvent>(&arena);
  const absl::string_view type_url = envelope.payload().type_url();
  if (!eventsourcing::WrapperHolds(event, type_url.substr(type_url.rfind('/') + 1))) {
    return;  // not a lead's event (e.g. the organisation's): the projection skips it too
  }
  Check(eventsourcing::UnpackEvent(envelope.payload(), event));
  benchmark::DoNotOptimize(event);
}

void BM_DecodeOnly(benchmark::State& state) {
  testing::PublishedHistory& history = History();
  for (auto _ : state) {
    rates["decode"] = testing::DecodeConsume(state, history, events, DecodeLeadEvent);
  }
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_RunnerFromKafka(benchmark::State& state) {
  testing::PublishedHistory& history = History();
  funnel::FunnelProjection projection;
  for (auto _ : state) {
    auto runner = CheckedValue(ProjectionRunner::Create(
        &projection,
        RunnerOptions(history, CheckedValue(history.NewPathTrustingKafka(projection)))));
    rates["kafka"] = testing::RunAndReport(state, *runner, events);
    if (runner->stats().catch_ups != 0) Check(absl::InternalError("unexpected catch-up"));
  }
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_RunnerCatchUp(benchmark::State& state) {
  testing::PublishedHistory& history = History();
  funnel::FunnelProjection projection;
  for (auto _ : state) {
    auto runner = CheckedValue(
        ProjectionRunner::Create(&projection, RunnerOptions(history, history.NewPath())));
    rates["feed"] = testing::RunAndReport(state, *runner, events);
  }
  state.SetItemsProcessed(state.iterations() * events);
}

BENCHMARK(BM_RawConsume)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_DecodeOnly)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_RunnerFromKafka)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_RunnerCatchUp)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace sales::projection

int main(int argc, char** argv) {
  using sales::projection::batch_events;
  using sales::projection::events;
  using sales::projection::rates;
  if (!sales::projection::testing::TakeIntFlags(
          argc, argv, {{"--events=", &events}, {"--batch=", &batch_events}})) {
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf("%d leads-topic events, funnel projection, catch-up batches of up to %d\n", events,
              batch_events);
  sales::projection::testing::PrintRatesToRaw("funnel", rates);
  return 0;
}
