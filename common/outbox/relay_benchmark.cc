// Relay publish rate against the embedded broker: 100k pre-appended events of ~300 bytes
// (envelope included) in 1000 streams, published to a 12-partition topic; the clock runs from
// relay start until the outbox is empty (every row acknowledged and deleted).
//
//   ninja -C build outbox_relay_benchmark && build/common/outbox/outbox_relay_benchmark
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "common/eventstore/event_store.h"
#include "common/kafka/embedded_broker.h"
#include "common/outbox/outbox_relay.h"

namespace sales::outbox {
namespace {

constexpr int kEvents = 100000;
constexpr int kEventsPerAppend = 100;
constexpr int kStreams = 1000;
constexpr char kTopic[] = "bench.events.v1";

eventstore::EventEnvelope FillerEvent(int i) {
  eventstore::EventEnvelope envelope;
  envelope.set_actor("user:bench");
  envelope.set_correlation_id(absl::StrCat("corr-", i));
  envelope.mutable_payload()->set_type_url("type.googleapis.com/sales.bench.v1.Filler");
  envelope.mutable_payload()->set_value(std::string(150, static_cast<char>('a' + i % 26)));
  return envelope;
}

void BM_RelayPublish(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() /
        absl::StrCat("relay_bench_", getpid(), "_", absl::ToUnixNanos(absl::Now()));
    {
      auto store = eventstore::EventStore::Open({.path = dir.string(), .service = "bench"});
      if (!store.ok()) return state.SkipWithError(std::string(store.status().message()).c_str());
      for (int first = 0; first < kEvents; first += kEventsPerAppend) {
        eventstore::AppendRequest request{
            .stream_id = absl::StrCat("stream-", (first / kEventsPerAppend) % kStreams)};
        for (int i = first; i < first + kEventsPerAppend; ++i) {
          request.events.push_back(FillerEvent(i));
        }
        if (!(*store)->Append(std::move(request)).ok()) return state.SkipWithError("append");
      }
      auto broker = kafka::EmbeddedBroker::Start({.topics = {{kTopic, 12}}});
      if (!broker.ok()) return state.SkipWithError("broker");
      state.ResumeTiming();

      auto relay = OutboxRelay::Start(
          store->get(), {.bootstrap_servers = (*broker)->bootstrap_servers(), .topic = kTopic});
      if (!relay.ok()) return state.SkipWithError("relay");
      while ((*relay)->backlog() > 0) absl::SleepFor(absl::Milliseconds(1));

      state.PauseTiming();
      if (!(*relay)->Stop().ok()) return state.SkipWithError("stop");
    }
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}
BENCHMARK(BM_RelayPublish)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sales::outbox

BENCHMARK_MAIN();
