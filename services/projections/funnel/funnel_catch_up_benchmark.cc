// Issue 5's catch-up figures for the funnel read model, in one run against one history:
//   BM_RawConsume       a plain librdkafka consumer reading the leads topic (no decoding)
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
//       [--batch=1000]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
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
#include "common/testing/temp_dir.h"
#include "services/projections/funnel/model/funnel_projection.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/funnel/testing/random_history.h"

namespace sales::projection {
namespace {

constexpr char kTopic[] = "sales.leads.v1";
constexpr int kPartitions = 12;  // the embedded broker keeps ~5 MiB per partition
constexpr int kReps = 200;
int events = 200000;      // --events (the history has at least this many)
int batch_events = 1000;  // --batch: the runner's max_batch_events and feed_page_size

void Check(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", status.ToString().c_str());
    std::abort();
  }
}

// Random leads starting across 2026 until `count` events, merged in time order (each stream's
// own order kept: its events' times never decrease and the sort is stable).
std::vector<EventEnvelope> LeadsHistory(int count) {
  std::mt19937_64 rng(2026);
  const absl::Time year = absl::FromCivil(absl::CivilDay(2026, 1, 1), funnel::BusinessTimeZone());
  std::vector<EventEnvelope> history;
  for (int lead = 0; static_cast<int>(history.size()) < count; ++lead) {
    const absl::Time start = year + absl::Seconds(rng() % (365 * 86400));
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

// One broker and one event store holding the history, all of it published to kTopic.
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
    auto store =
        eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "leads"});
    Check(store.status());
    store_ = *std::move(store);
    feed_ = std::make_unique<feed::LocalEventFeedReader>(store_.get());
    std::vector<EventEnvelope> history = LeadsHistory(events);
    events = static_cast<int>(history.size());
    for (EventEnvelope& event : history) {
      eventstore::AppendRequest request{.stream_id = event.stream_id()};
      request.events.push_back(std::move(event));
      Check(store_->Append(std::move(request)).status());
    }
    metrics::MetricsRegistry metrics;
    auto relay = outbox::OutboxRelay::Start(
        store_.get(), {.bootstrap_servers = bootstrap(), .topic = kTopic, .metrics = &metrics});
    Check(relay.status());
    const absl::Time deadline = absl::Now() + absl::Seconds(90);
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
  funnel::FunnelProjection projection;
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
    auto runner = ProjectionRunner::Create(&projection,
                                           {.path = path,
                                            .bootstrap_servers = fixture.bootstrap(),
                                            .sources = {{.topic = kTopic, .feed = fixture.feed()}},
                                            .max_batch_events = static_cast<size_t>(batch_events),
                                            .feed_page_size = static_cast<size_t>(batch_events)});
    Check(runner.status());
    RunAndReport(state, "kafka", **runner);
    if ((*runner)->stats().catch_ups != 0) Check(absl::InternalError("unexpected catch-up"));
  }
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_RunnerCatchUp(benchmark::State& state) {
  Fixture& fixture = Fixture::Get();
  funnel::FunnelProjection projection;
  for (auto _ : state) {
    auto runner = ProjectionRunner::Create(&projection,
                                           {.path = fixture.NewPath(),
                                            .bootstrap_servers = fixture.bootstrap(),
                                            .sources = {{.topic = kTopic, .feed = fixture.feed()}},
                                            .max_batch_events = static_cast<size_t>(batch_events),
                                            .feed_page_size = static_cast<size_t>(batch_events)});
    Check(runner.status());
    RunAndReport(state, "feed", **runner);
  }
  state.SetItemsProcessed(state.iterations() * events);
}

BENCHMARK(BM_RawConsume)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_RunnerFromKafka)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_RunnerCatchUp)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);

// Takes --events=N and --batch=N out of argv (the rest is for Google Benchmark).
bool ParseSizeFlags(int& argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg(argv[i]);
    int* target = nullptr;
    absl::string_view value;
    for (auto [flag, var] :
         {std::pair{"--events=", &events}, std::pair{"--batch=", &batch_events}}) {
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
  std::printf("%d leads-topic events, funnel projection, batches of %d\n",
              sales::projection::events, sales::projection::batch_events);
  if (rates.count("raw") == 0) return 0;
  for (const char* name : {"kafka", "feed"}) {
    if (rates.count(name) == 0) continue;
    std::printf(
        "funnel from %-5s: %7.0f events/s = %.2f x raw consume (%.0f/s); per CPU-second: "
        "process %7.0f, runner thread %7.0f (%.2f us/event)\n",
        name, rates[name], rates[name] / rates["raw"], rates["raw"], process_cpu_rates[name],
        thread_cpu_rates[name], 1e6 / thread_cpu_rates[name]);
  }
  return 0;
}
