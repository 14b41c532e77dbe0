// How fast a ProjectionRunner applies events, against what the inputs can deliver, in one run:
//   BM_RawConsume       a plain librdkafka consumer reading the topic (no decoding, no RocksDB)
//   BM_RunnerFromKafka  the runner consuming the same topic from offset 0 (decode, dedupe, apply,
//                       one RocksDB commit per batch)
//   BM_RunnerCatchUp    the runner catching up from the event feed (LocalEventFeedReader)
// Each iteration reads --events events (spread round-robin over --streams streams, 200-byte
// payloads) into a fresh read model of a funnel-like projection: per event two point reads and
// two writes, one keyed by the stream and one by a (region, stage) dimension shared by many
// streams. After the benchmarks the rates and their ratios to the raw consume rate are printed.
//
//   ninja -C build projection_runner_benchmark &&
//   build/common/projection/projection_runner_benchmark [--events=200000] [--streams=20000]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/eventstore/event_store.h"
#include "common/projection/projection_runner.h"
#include "common/projection/testing/catch_up_benchmarking.h"
#include "common/status/status_macros.h"
#include "common/testing/test_events.h"

namespace sales::projection {
namespace {

using testing::Check;
using testing::CheckedValue;

constexpr char kTopic[] = "sales.bench.v1";
constexpr int kPartitions = 8;  // the embedded broker keeps ~5 MiB (~45k events) per partition
constexpr int kRegions = 16;
constexpr int kStages = 6;
int events = 200000;  // --events
int streams = 20000;  // --streams

// A funnel-like read model. Per event: the stream's row "deal/<stream id>" = "<events> <last
// type>" and the dimension row "funnel/<region>/<stage>" = events seen at that stage, where the
// region is the event's deal_id (the fixture puts one of kRegions region names there) and the
// stage follows from the stream version. Both rows commute across streams (projection.h).
class FunnelProjection : public Projection {
 public:
  absl::string_view name() const override { return "bench-funnel"; }

  absl::Status Apply(const EventEnvelope& event, ProjectionTxn& txn) override {
    const std::string deal_key = absl::StrCat("deal/", event.stream_id());
    ASSIGN_OR_RETURN(const uint64_t deal_events, ReadCount(txn, deal_key));
    txn.Put(deal_key, absl::StrCat(deal_events + 1, " ", event.event_type()));

    const uint64_t stage = std::min<uint64_t>(event.stream_version(), kStages);
    const std::string funnel_key = absl::StrCat("funnel/", event.deal_id(), "/", stage);
    ASSIGN_OR_RETURN(const uint64_t stage_events, ReadCount(txn, funnel_key));
    txn.Put(funnel_key, absl::StrCat(stage_events + 1));
    return absl::OkStatus();
  }

 private:
  // The leading number of the row under `key` (0 when absent).
  static absl::StatusOr<uint64_t> ReadCount(ProjectionTxn& txn, const std::string& key) {
    ASSIGN_OR_RETURN(const std::optional<std::string> value, txn.Get(key));
    if (!value) return 0;
    uint64_t count = 0;
    const absl::string_view text(*value);
    if (!absl::SimpleAtoi(text.substr(0, text.find(' ')), &count)) {
      return absl::DataLossError(absl::StrCat("bad count under ", key));
    }
    return count;
  }
};

// --events events of 200-byte payloads, round-robin over --streams streams.
absl::Status AppendEvents(eventstore::EventStore& store) {
  for (int i = 0; i < events; ++i) {
    const int stream = i % streams;
    eventstore::AppendRequest request{.stream_id = absl::StrCat("stream-", stream)};
    request.events.push_back(sales::testing::TextEvent(std::string(200, 'x'),
                                                       absl::StrCat("region-", stream % kRegions)));
    RETURN_IF_ERROR(store.Append(std::move(request)).status());
  }
  return absl::OkStatus();
}

// One broker, one store holding --events events, all of them published to kTopic.
testing::PublishedHistory& History() {
  return testing::SharedHistory({.topic = kTopic, .partitions = kPartitions, .service = "b"},
                                AppendEvents);
}

// By benchmark name (last iteration).
std::map<std::string, testing::Rates> rates;

void BM_RawConsume(benchmark::State& state) {
  testing::PublishedHistory& history = History();
  for (auto _ : state) rates["raw"] = testing::RawConsume(state, history, events);
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_RunnerFromKafka(benchmark::State& state) {
  testing::PublishedHistory& history = History();
  FunnelProjection projection;
  for (auto _ : state) {
    auto runner = CheckedValue(ProjectionRunner::Create(
        &projection, {.path = CheckedValue(history.NewPathTrustingKafka(projection)),
                      .bootstrap_servers = history.bootstrap(),
                      .sources = {{.topic = kTopic, .feed = history.feed()}}}));
    rates["kafka"] = testing::RunAndReport(state, *runner, events);
    if (runner->stats().catch_ups != 0) Check(absl::InternalError("unexpected catch-up"));
  }
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_RunnerCatchUp(benchmark::State& state) {
  testing::PublishedHistory& history = History();
  FunnelProjection projection;
  for (auto _ : state) {
    auto runner = CheckedValue(ProjectionRunner::Create(
        &projection, {.path = history.NewPath(),
                      .bootstrap_servers = history.bootstrap(),
                      .sources = {{.topic = kTopic, .feed = history.feed()}}}));
    rates["feed"] = testing::RunAndReport(state, *runner, events);
  }
  state.SetItemsProcessed(state.iterations() * events);
}

BENCHMARK(BM_RawConsume)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RunnerFromKafka)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RunnerCatchUp)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace sales::projection

int main(int argc, char** argv) {
  using sales::projection::events;
  using sales::projection::rates;
  using sales::projection::streams;
  if (!sales::projection::testing::TakeIntFlags(
          argc, argv, {{"--events=", &events}, {"--streams=", &streams}})) {
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  sales::projection::testing::DestroySharedHistory();
  std::printf("%d events, %d streams, funnel projection (2 reads + 2 writes per event)\n", events,
              streams);
  sales::projection::testing::PrintRatesToRaw("runner", rates);
  return 0;
}
