// How fast a ProjectionRunner applies events, against what the inputs can deliver, in one run:
//   BM_RawConsume       a plain librdkafka consumer reading the topic (no decoding, no RocksDB)
//   BM_RunnerFromKafka  the runner consuming the same topic from offset 0 (decode, dedupe, apply,
//                       one RocksDB commit per batch)
//   BM_RunnerCatchUp    the runner catching up from the event feed (LocalEventFeedReader)
// Each iteration reads kEvents events (kStreams streams, StreamChainProjection) into a fresh
// read model. After the benchmarks the ratios of the runner rates to the raw consume rate are
// printed.
//
//   ninja -C build projection_runner_benchmark &&
//   build/common/projection/projection_runner_benchmark
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/kafka/client_config.h"
#include "common/kafka/cluster_identity.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/topic_info.h"
#include "common/outbox/outbox_relay.h"
#include "common/projection/projection_runner.h"
#include "common/projection/projection_store.h"
#include "common/projection/testing/stream_chain_projection.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"

namespace sales::projection {
namespace {

constexpr char kTopic[] = "sales.bench.v1";
constexpr int kPartitions = 4;
constexpr int kEvents = 20000;
constexpr int kStreams = 200;

void Check(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", status.ToString().c_str());
    std::abort();
  }
}

// One broker, one store holding kEvents events, all of them published to kTopic.
class Fixture {
 public:
  static Fixture& Get() {
    static Fixture* fixture = new Fixture();
    return *fixture;
  }

  const std::string& bootstrap() const { return broker_->bootstrap_servers(); }
  feed::EventFeedReader* feed() { return feed_.get(); }
  std::string NewPath() { return absl::StrCat(dir_.path(), "/run-", ++runs_); }

 private:
  Fixture() {
    auto broker = kafka::EmbeddedBroker::Start({.topics = {{kTopic, kPartitions}}});
    Check(broker.status());
    broker_ = *std::move(broker);
    auto store = eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "b"});
    Check(store.status());
    store_ = *std::move(store);
    feed_ = std::make_unique<feed::LocalEventFeedReader>(store_.get());
    for (int i = 0; i < kEvents; ++i) {
      eventstore::AppendRequest request{.stream_id = absl::StrCat("stream-", i % kStreams)};
      request.events.push_back(sales::testing::TextEvent(std::string(200, 'x')));
      Check(store_->Append(std::move(request)).status());
    }
    metrics::MetricsRegistry metrics;
    auto relay = outbox::OutboxRelay::Start(
        store_.get(), {.bootstrap_servers = bootstrap(), .topic = kTopic, .metrics = &metrics});
    Check(relay.status());
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while ((*relay)->backlog() > 0 && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(20));
    Check((*relay)->Stop());
    if (store_->OutboxSize() > 0) Check(absl::DeadlineExceededError("relay did not publish"));
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<feed::LocalEventFeedReader> feed_;
  int runs_ = 0;
};

std::map<std::string, double> rates;  // events per second, by benchmark (last iteration)

// Times from the first event delivered to the last, so that client start-up (connections,
// the runner's sync) is not counted; `first_count` events came with the first delivery.
void Report(benchmark::State& state, const std::string& name, absl::Duration elapsed,
            int first_count) {
  state.SetIterationTime(absl::ToDoubleSeconds(elapsed));
  rates[name] = (kEvents - first_count) / absl::ToDoubleSeconds(elapsed);
}

void BM_RawConsume(benchmark::State& state) {
  Fixture& fixture = Fixture::Get();
  for (auto _ : state) {
    auto conf = kafka::ConsumerConfig(fixture.bootstrap(), "");
    Check(conf.status());
    auto consumer = kafka::NewConsumer(*std::move(conf));
    Check(consumer.status());
    kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(kPartitions));
    for (int p = 0; p < kPartitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), kTopic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    Check(kafka::KafkaError(rd_kafka_assign(consumer->get(), list.get()), "assign"));
    absl::Time first;
    int received = 0;
    while (received < kEvents) {
      kafka::MessagePtr message(rd_kafka_consumer_poll(consumer->get(), 100));
      if (message == nullptr || message->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      if (received++ == 0) first = absl::Now();
    }
    Report(state, "raw", absl::Now() - first, 1);
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}

// Starts the runner and reports the time from its first committed batch to its last.
void RunAndReport(benchmark::State& state, const std::string& name, ProjectionRunner& runner) {
  absl::Mutex mu;
  absl::Time first = absl::InfiniteFuture(), last;
  int first_count = 0;
  runner.Subscribe([&](const AppliedBatch& batch) {
    absl::MutexLock lock(&mu);
    if (first == absl::InfiniteFuture()) {
      first = absl::Now();
      first_count = static_cast<int>(batch.events.size());
    }
    last = absl::Now();
  });
  runner.Start();
  while (runner.stats().applied < kEvents) absl::SleepFor(absl::Microseconds(200));
  runner.Stop();
  Report(state, name, last - first, first_count);
}

void BM_RunnerFromKafka(benchmark::State& state) {
  Fixture& fixture = Fixture::Get();
  testing::StreamChainProjection projection;
  for (auto _ : state) {
    const std::string path = fixture.NewPath();
    {
      // State that makes the runner trust Kafka from offset 0 (no catch-up from the feed).
      auto store = ProjectionStore::Open(path);
      Check(store.status());
      auto identity = kafka::FetchClusterIdentity(fixture.bootstrap(), absl::Seconds(10));
      Check(identity.status());
      StoreBatch batch = (*store)->NewBatch();
      batch.SetBrokerIdentity(*identity);
      for (int p = 0; p < kPartitions; ++p) batch.SetOffset(kTopic, p, 0);
      Check((*store)->Commit(batch));
    }
    auto runner = ProjectionRunner::Create(
        &projection, {.path = path,
                      .bootstrap_servers = fixture.bootstrap(),
                      .sources = {{.topic = kTopic, .feed = fixture.feed()}}});
    Check(runner.status());
    RunAndReport(state, "kafka", **runner);
    if ((*runner)->stats().catch_ups != 0) Check(absl::InternalError("unexpected catch-up"));
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}

void BM_RunnerCatchUp(benchmark::State& state) {
  Fixture& fixture = Fixture::Get();
  testing::StreamChainProjection projection;
  for (auto _ : state) {
    auto runner = ProjectionRunner::Create(
        &projection, {.path = fixture.NewPath(),
                      .bootstrap_servers = fixture.bootstrap(),
                      .sources = {{.topic = kTopic, .feed = fixture.feed()}}});
    Check(runner.status());
    RunAndReport(state, "feed", **runner);
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}

BENCHMARK(BM_RawConsume)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RunnerFromKafka)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RunnerCatchUp)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace sales::projection

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  using sales::projection::rates;
  if (rates.count("raw") == 0) return 0;
  for (const char* name : {"kafka", "feed"}) {
    if (rates.count(name) == 0) continue;
    std::printf("runner from %-5s: %10.0f events/s = %.2f x raw consume (%.0f events/s)\n", name,
                rates[name], rates[name] / rates["raw"], rates["raw"]);
  }
  return 0;
}
