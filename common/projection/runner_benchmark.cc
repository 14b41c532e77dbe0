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
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
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
#include "common/status/status_macros.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"

namespace sales::projection {
namespace {

constexpr char kTopic[] = "sales.bench.v1";
constexpr int kPartitions = 8;  // the embedded broker keeps ~5 MiB (~45k events) per partition
constexpr int kRegions = 16;
constexpr int kStages = 6;
int events = 200000;  // --events
int streams = 20000;  // --streams

void Check(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", status.ToString().c_str());
    std::abort();
  }
}

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

// One broker, one store holding --events events, all of them published to kTopic.
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
    for (int i = 0; i < events; ++i) {
      const int stream = i % streams;
      eventstore::AppendRequest request{.stream_id = absl::StrCat("stream-", stream)};
      request.events.push_back(sales::testing::TextEvent(
          std::string(200, 'x'), absl::StrCat("region-", stream % kRegions)));
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
    CheckNothingEvicted();
  }

  // The embedded broker silently evicts old data beyond ~5 MiB per partition; the runner would
  // then catch up from the feed and the Kafka figures would be meaningless.
  void CheckNothingEvicted() {
    auto conf = kafka::ConsumerConfig(bootstrap(), "");
    Check(conf.status());
    auto consumer = kafka::NewConsumer(*std::move(conf));
    Check(consumer.status());
    auto watermarks = kafka::QueryWatermarks(consumer->get(), kTopic, absl::Seconds(10));
    Check(watermarks.status());
    for (const kafka::PartitionWatermarks& marks : *watermarks) {
      if (marks.low > 0) Check(absl::ResourceExhaustedError("the broker evicted events"));
    }
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<feed::LocalEventFeedReader> feed_;
  int runs_ = 0;
};

// By benchmark (last iteration): events per second of wall time, per second of CPU time of the
// whole process (all threads: librdkafka's, RocksDB's, the runner's) and per second of CPU time
// of the consuming thread (the runner's, or the raw consumer's). The CPU rates are what to
// compare on a busy machine.
std::map<std::string, double> rates;
std::map<std::string, double> process_cpu_rates;
std::map<std::string, double> thread_cpu_rates;

absl::Duration CpuTime(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return absl::DurationFromTimespec(ts);
}

// A point in wall time, process CPU time and the calling thread's CPU time.
struct Instant {
  absl::Time wall = absl::Now();
  absl::Duration process_cpu = CpuTime(CLOCK_PROCESS_CPUTIME_ID);
  absl::Duration thread_cpu = CpuTime(CLOCK_THREAD_CPUTIME_ID);
};

// Times from the first event delivered to the last, so that client start-up (connections,
// the runner's sync) is not counted; `first_count` events came with the first delivery.
void Report(benchmark::State& state, const std::string& name, const Instant& first,
            const Instant& last, int first_count) {
  const double wall = absl::ToDoubleSeconds(last.wall - first.wall);
  state.SetIterationTime(wall);
  const int counted = events - first_count;
  rates[name] = counted / wall;
  process_cpu_rates[name] = counted / absl::ToDoubleSeconds(last.process_cpu - first.process_cpu);
  thread_cpu_rates[name] = counted / absl::ToDoubleSeconds(last.thread_cpu - first.thread_cpu);
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
    Instant first;
    int received = 0;
    while (received < events) {
      kafka::MessagePtr message(rd_kafka_consumer_poll(consumer->get(), 100));
      if (message == nullptr || message->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      if (received++ == 0) first = Instant();
    }
    Report(state, "raw", first, Instant(), 1);
  }
  state.SetItemsProcessed(state.iterations() * events);
}

// Starts the runner and reports the time from its first committed batch to its last (observers
// run on the runner thread, so Instant's thread CPU time is the runner's).
void RunAndReport(benchmark::State& state, const std::string& name, ProjectionRunner& runner) {
  absl::Mutex mu;
  std::optional<Instant> first;
  Instant last;
  int first_count = 0;
  runner.Subscribe([&](const AppliedBatch& batch) {
    absl::MutexLock lock(&mu);
    if (!first) {
      first.emplace();
      first_count = static_cast<int>(batch.events.size());
    }
    last = Instant();
  });
  runner.Start();
  while (runner.stats().applied < static_cast<uint64_t>(events)) {
    absl::SleepFor(absl::Microseconds(200));
  }
  runner.Stop();
  Report(state, name, *first, last, first_count);
}

void BM_RunnerFromKafka(benchmark::State& state) {
  Fixture& fixture = Fixture::Get();
  FunnelProjection projection;
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
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_RunnerCatchUp(benchmark::State& state) {
  Fixture& fixture = Fixture::Get();
  FunnelProjection projection;
  for (auto _ : state) {
    auto runner = ProjectionRunner::Create(
        &projection, {.path = fixture.NewPath(),
                      .bootstrap_servers = fixture.bootstrap(),
                      .sources = {{.topic = kTopic, .feed = fixture.feed()}}});
    Check(runner.status());
    RunAndReport(state, "feed", **runner);
  }
  state.SetItemsProcessed(state.iterations() * events);
}

BENCHMARK(BM_RawConsume)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RunnerFromKafka)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RunnerCatchUp)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

// Takes --events=N and --streams=N out of argv (the rest is for Google Benchmark).
bool ParseSizeFlags(int& argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg(argv[i]);
    int* target = nullptr;
    absl::string_view value;
    for (auto [flag, var] : {std::pair{"--events=", &events}, std::pair{"--streams=", &streams}}) {
      if (absl::StartsWith(arg, flag)) {
        target = var;
        value = arg.substr(std::strlen(flag));
      }
    }
    if (target == nullptr) {
      argv[kept++] = argv[i];
    } else if (!absl::SimpleAtoi(value, target) || *target <= 0) {
      std::fprintf(stderr, "bad flag %s\n", argv[i]);
      return false;
    }
  }
  argc = kept;
  return true;
}

}  // namespace
}  // namespace sales::projection

int main(int argc, char** argv) {
  if (!sales::projection::ParseSizeFlags(argc, argv)) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  using sales::projection::process_cpu_rates;
  using sales::projection::rates;
  using sales::projection::thread_cpu_rates;
  std::printf("%d events, %d streams, funnel projection (2 reads + 2 writes per event)\n",
              sales::projection::events, sales::projection::streams);
  if (rates.count("raw") == 0) return 0;
  for (const char* name : {"kafka", "feed"}) {
    if (rates.count(name) == 0) continue;
    std::printf(
        "runner from %-5s: %7.0f events/s = %.2f x raw consume (%.0f/s); per CPU-second: "
        "process %7.0f = %.2f x raw's, consuming thread %7.0f = %.2f x raw's\n",
        name, rates[name], rates[name] / rates["raw"], rates["raw"], process_cpu_rates[name],
        process_cpu_rates[name] / process_cpu_rates["raw"], thread_cpu_rates[name],
        thread_cpu_rates[name] / thread_cpu_rates["raw"]);
  }
  return 0;
}
