#include "common/projection/testing/catch_up_benchmarking.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/concurrency/thread_cpu_time.h"
#include "common/kafka/client_config.h"
#include "common/kafka/cluster_identity.h"
#include "common/kafka/topic_info.h"
#include "common/metrics/metrics_registry.h"
#include "common/outbox/outbox_relay.h"
#include "common/projection/projection_store.h"
#include "common/status/status_macros.h"

namespace sales::projection::testing {

void Check(const absl::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", status.ToString().c_str());
    std::abort();
  }
}

absl::StatusOr<std::unique_ptr<PublishedHistory>> PublishedHistory::Create(
    Options options, const std::function<absl::Status(eventstore::EventStore&)>& append) {
  std::unique_ptr<PublishedHistory> history(new PublishedHistory(std::move(options)));
  const Options& opts = history->options_;
  ASSIGN_OR_RETURN(history->broker_,
                   kafka::EmbeddedBroker::Start({.topics = {{opts.topic, opts.partitions}}}));
  ASSIGN_OR_RETURN(history->store_,
                   eventstore::EventStore::Open(
                       {.path = history->dir_.path() + "/events", .service = opts.service}));
  history->feed_ = std::make_unique<feed::LocalEventFeedReader>(history->store_.get());
  RETURN_IF_ERROR(append(*history->store_));
  RETURN_IF_ERROR(history->Publish());
  RETURN_IF_ERROR(history->CheckNothingEvicted());
  return history;
}

absl::Status PublishedHistory::Publish() {
  metrics::MetricsRegistry metrics;
  ASSIGN_OR_RETURN(std::unique_ptr<outbox::OutboxRelay> relay,
                   outbox::OutboxRelay::Start(store_.get(), {.bootstrap_servers = bootstrap(),
                                                             .topic = options_.topic,
                                                             .metrics = &metrics}));
  const absl::Time deadline = absl::Now() + options_.publish_timeout;
  while (relay->backlog() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  RETURN_IF_ERROR(relay->Stop());
  if (store_->OutboxSize() > 0) return absl::DeadlineExceededError("relay did not publish");
  return absl::OkStatus();
}

absl::Status PublishedHistory::CheckNothingEvicted() const {
  ASSIGN_OR_RETURN(kafka::ConfPtr conf, kafka::ConsumerConfig(bootstrap(), ""));
  ASSIGN_OR_RETURN(kafka::KafkaHandle consumer, kafka::NewConsumer(std::move(conf)));
  ASSIGN_OR_RETURN(std::vector<kafka::PartitionWatermarks> watermarks,
                   kafka::QueryWatermarks(consumer.get(), options_.topic, absl::Seconds(10)));
  for (const kafka::PartitionWatermarks& marks : watermarks) {
    if (marks.low > 0) return absl::ResourceExhaustedError("the broker evicted events");
  }
  return absl::OkStatus();
}

namespace {
// SharedHistory's; never destroyed but by DestroySharedHistory (no exit-time destructor).
std::unique_ptr<PublishedHistory>& TheSharedHistory() {
  static auto* const history = new std::unique_ptr<PublishedHistory>();
  return *history;
}
}  // namespace

PublishedHistory& SharedHistory(
    PublishedHistory::Options options,
    const std::function<absl::Status(eventstore::EventStore&)>& append) {
  std::unique_ptr<PublishedHistory>& history = TheSharedHistory();
  if (history == nullptr) {
    history = CheckedValue(PublishedHistory::Create(std::move(options), append));
  }
  return *history;
}

void DestroySharedHistory() { TheSharedHistory().reset(); }

std::string PublishedHistory::NewPath() { return absl::StrCat(dir_.path(), "/run-", ++runs_); }

absl::StatusOr<std::string> PublishedHistory::NewPathTrustingKafka(const Projection& projection) {
  std::string path = NewPath();
  ASSIGN_OR_RETURN(std::unique_ptr<ProjectionStore> store, ProjectionStore::Open(path));
  RETURN_IF_ERROR(store->EnsureLayout(projection.layout_version()).status());
  ASSIGN_OR_RETURN(std::string identity,
                   kafka::FetchClusterIdentity(bootstrap(), absl::Seconds(10)));
  StoreBatch batch = store->NewBatch();
  batch.SetBrokerIdentity(identity);
  for (int p = 0; p < options_.partitions; ++p) batch.SetOffset(options_.topic, p, 0);
  RETURN_IF_ERROR(store->Commit(batch));
  return path;
}

Instant::Instant()
    : wall(absl::Now()),
      process_cpu(concurrency::ProcessCpuTime()),
      thread_cpu(concurrency::ThreadCpuTime()) {}

Rates Report(benchmark::State& state, int events, const Instant& first, const Instant& last,
             int first_count) {
  const double wall = absl::ToDoubleSeconds(last.wall - first.wall);
  state.SetIterationTime(wall);
  const int counted = events - first_count;
  return {.wall = counted / wall,
          .process_cpu = counted / absl::ToDoubleSeconds(last.process_cpu - first.process_cpu),
          .thread_cpu = counted / absl::ToDoubleSeconds(last.thread_cpu - first.thread_cpu)};
}

namespace {

// Reads `events` messages of the history's topic from the beginning of every partition, passing
// each value to `each` (when set).
Rates ConsumeEach(benchmark::State& state, const PublishedHistory& history, int events,
                  const std::function<void(absl::string_view)>& each) {
  kafka::KafkaHandle consumer = CheckedValue(
      kafka::NewConsumer(CheckedValue(kafka::ConsumerConfig(history.bootstrap(), ""))));
  kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(history.partitions()));
  for (int p = 0; p < history.partitions(); ++p) {
    rd_kafka_topic_partition_list_add(list.get(), history.topic().c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  Check(kafka::KafkaError(rd_kafka_assign(consumer.get(), list.get()), "assign"));
  Instant first;
  int received = 0;
  while (received < events) {
    kafka::MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 100));
    if (message == nullptr || message->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (received++ == 0) first = Instant();
    if (each) each(absl::string_view(static_cast<const char*>(message->payload), message->len));
  }
  return Report(state, events, first, Instant(), 1);
}

// The events of `inner` up to a position the benchmark raises, as a write side's feed shows them
// while its events are being committed: BM_RunnerLive replays the history through it in slices.
// The store's positions are consecutive from 1.
class GatedFeed : public feed::EventFeedReader {
 public:
  explicit GatedFeed(feed::EventFeedReader* inner) : inner_(inner) {}

  void OpenUpTo(uint64_t position) { limit_.store(position, std::memory_order_release); }

  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position,
                                                     size_t max_count) override {
    return inner_->ReadAll(from_position, Visible(from_position, max_count));
  }
  absl::StatusOr<std::vector<eventstore::SharedEvent>> ReadAllShared(uint64_t from_position,
                                                                     size_t max_count) override {
    return inner_->ReadAllShared(from_position, Visible(from_position, max_count));
  }
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                        uint64_t from_version,
                                                        uint64_t to_version) override {
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> events,
                     inner_->ReadStream(stream_id, from_version, to_version));
    const uint64_t limit = limit_.load(std::memory_order_acquire);
    std::erase_if(events, [&](const EventEnvelope& e) { return e.global_position() > limit; });
    return events;
  }
  absl::StatusOr<uint64_t> HeadPosition() override {
    ASSIGN_OR_RETURN(uint64_t head, inner_->HeadPosition());
    return std::min(head, limit_.load(std::memory_order_acquire));
  }
  absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamStored(
      const std::string& stream_id, uint64_t from_version, size_t max_count) override {
    return absl::UnimplementedError("GatedFeed serves projections, not the audit");
  }
  absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string& stream_id) override {
    return absl::UnimplementedError("GatedFeed serves projections, not the audit");
  }

 private:
  // How many of `max_count` events from `from_position` (0 and 1: the first) are visible.
  size_t Visible(uint64_t from_position, size_t max_count) const {
    const uint64_t from = std::max<uint64_t>(from_position, 1);
    const uint64_t limit = limit_.load(std::memory_order_acquire);
    return from > limit ? 0 : std::min<uint64_t>(max_count, limit - from + 1);
  }

  feed::EventFeedReader* const inner_;
  std::atomic<uint64_t> limit_{0};
};

}  // namespace

Rates RawConsume(benchmark::State& state, const PublishedHistory& history, int events) {
  return ConsumeEach(state, history, events, nullptr);
}

Rates DecodeConsume(benchmark::State& state, const PublishedHistory& history, int events,
                    const std::function<void(absl::string_view)>& decode) {
  return ConsumeEach(state, history, events, decode);
}

Rates RunAndReport(benchmark::State& state, ProjectionRunner& runner, int events) {
  absl::Mutex mu;
  std::optional<Instant> first;
  Instant last;
  int first_count = 0;
  // Woken by the last batch rather than polling: the process's CPU is the runner's alone.
  absl::Notification all_applied;
  runner.Subscribe([&](const AppliedBatch& batch) {
    absl::MutexLock lock(&mu);
    if (!first) {
      first.emplace();
      first_count = static_cast<int>(batch.events.size());
    }
    last = Instant();
    if (batch.applied_total >= static_cast<uint64_t>(events) && !all_applied.HasBeenNotified()) {
      all_applied.Notify();
    }
  });
  runner.Start();
  if (!all_applied.WaitForNotificationWithTimeout(absl::Minutes(10))) {
    Check(absl::DeadlineExceededError(absl::StrCat("the runner applied ", runner.stats().applied,
                                                   " of ", events, " events in 10 minutes")));
  }
  runner.Stop();
  return Report(state, events, *first, last, first_count);
}

PhaseCosts FollowLive(const PublishedHistory& history, Projection& projection, std::string path,
                      int slice_events) {
  GatedFeed gate(history.feed());
  auto runner = CheckedValue(
      ProjectionRunner::Create(&projection, {.path = std::move(path),
                                             .sources = {{.topic = history.topic(), .feed = &gate}},
                                             .wake_batch_delay = absl::ZeroDuration()}));
  const uint64_t head = CheckedValue(history.feed()->HeadPosition());
  runner->Start();
  Check(runner->AwaitFeedHeads(absl::Seconds(60)));  // started: nothing is open yet
  const absl::Duration process_cpu_before = concurrency::ProcessCpuTime();
  for (uint64_t limit = slice_events;; limit += slice_events) {
    gate.OpenUpTo(std::min(limit, head));
    Check(runner->AwaitFeedHeads(absl::Seconds(60)));
    if (limit >= head) break;
  }
  const absl::Duration process_cpu = concurrency::ProcessCpuTime() - process_cpu_before;
  const RunnerStats stats = runner->stats();
  runner->Stop();
  if (stats.catch_up.events != 0) Check(absl::InternalError("a live slice was caught up"));
  return {.runner = stats.live,
          .process_us_per_event = absl::ToDoubleMicroseconds(process_cpu) /
                                  static_cast<double>(std::max<uint64_t>(stats.live.events, 1)),
          .checksum = CheckedValue(runner->Checksum())};
}

void PrintRatesToRaw(absl::string_view label, const std::map<std::string, Rates>& rates) {
  const auto raw = rates.find("raw");
  if (raw == rates.end()) return;
  for (const char* name : {"kafka", "feed"}) {
    const auto rate = rates.find(name);
    if (rate == rates.end()) continue;
    const Rates& r = rate->second;
    const Rates& w = raw->second;
    std::printf(
        "%.*s from %-5s: %7.0f events/s = %.2f x raw consume (%.0f/s); per CPU-second: "
        "process %7.0f = %.2f x raw's, consuming thread %7.0f = %.2f x raw's (%.2f us/event)\n",
        static_cast<int>(label.size()), label.data(), name, r.wall, r.wall / w.wall, w.wall,
        r.process_cpu, r.process_cpu / w.process_cpu, r.thread_cpu, r.thread_cpu / w.thread_cpu,
        1e6 / r.thread_cpu);
  }
  if (const auto decode = rates.find("decode"); decode != rates.end()) {
    const Rates& d = decode->second;
    std::printf(
        "%.*s decode only: %7.0f events/s = %.2f x raw consume; consuming thread %7.0f per "
        "CPU-second = %.2f x raw's (%.2f us/event; raw %.2f us/event)\n",
        static_cast<int>(label.size()), label.data(), d.wall, d.wall / raw->second.wall,
        d.thread_cpu, d.thread_cpu / raw->second.thread_cpu, 1e6 / d.thread_cpu,
        1e6 / raw->second.thread_cpu);
  }
}

void PrintLiveToCatchUp(absl::string_view label, int slice_events,
                        const std::map<std::string, PhaseCosts>& costs) {
  const auto live = costs.find("live");
  const auto catch_up = costs.find("catch-up");
  if (live == costs.end() || catch_up == costs.end()) return;
  const auto micros_per_event = [](const RunnerStats::PhaseCost& cost) {
    return cost.events == 0
               ? 0.0
               : absl::ToDoubleMicroseconds(cost.cpu) / static_cast<double>(cost.events);
  };
  const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const double live_us = micros_per_event(live->second.runner);
  const double catch_up_us = micros_per_event(catch_up->second.runner);
  std::printf(
      "%.*s live, one batch per %d events: %.2f us/event (runner + committer CPU); catch-up from "
      "the feed: %.2f us/event; live/catch-up = %.2f (target <= 2)\n",
      static_cast<int>(label.size()), label.data(), slice_events, live_us, catch_up_us,
      ratio(live_us, catch_up_us));
  const double live_process = live->second.process_us_per_event;
  const double catch_up_process = catch_up->second.process_us_per_event;
  std::printf(
      "%.*s live, process CPU (with the store's flushes and compactions): %.2f us/event; "
      "catch-up: %.2f us/event; live/catch-up = %.2f\n",
      static_cast<int>(label.size()), label.data(), live_process, catch_up_process,
      ratio(live_process, catch_up_process));
}

void PrintChecksums(absl::string_view label, const std::map<std::string, PhaseCosts>& costs) {
  std::string line;
  std::set<std::string> distinct;
  for (const auto& [run, cost] : costs) {
    if (cost.checksum.empty()) continue;
    absl::StrAppend(&line, line.empty() ? "" : ", ", run, " ", cost.checksum.substr(0, 16));
    distinct.insert(cost.checksum);
  }
  if (distinct.empty()) return;
  std::printf("%s read model checksums: %s — %s\n", std::string(label).c_str(), line.c_str(),
              distinct.size() == 1 ? "equal" : "DIFFERENT");
}

bool TakeIntFlags(int& argc, char** argv,
                  std::initializer_list<std::pair<absl::string_view, int*>> flags) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg(argv[i]);
    int* target = nullptr;
    absl::string_view value;
    for (const auto& [prefix, var] : flags) {
      if (absl::StartsWith(arg, prefix)) {
        target = var;
        value = arg.substr(prefix.size());
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

absl::Status AppendInTimeOrder(eventstore::EventStore& store, std::vector<EventEnvelope> history) {
  std::stable_sort(history.begin(), history.end(),
                   [](const EventEnvelope& a, const EventEnvelope& b) {
                     return a.occurred_at().seconds() < b.occurred_at().seconds();
                   });
  for (EventEnvelope& event : history) {
    eventstore::AppendRequest request{.stream_id = event.stream_id()};
    request.events.push_back(std::move(event));
    RETURN_IF_ERROR(store.Append(std::move(request)).status());
  }
  return absl::OkStatus();
}

const EventEnvelope& ParseEnvelope(absl::string_view message) {
  static EventEnvelope& envelope = *new EventEnvelope();
  if (!envelope.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    Check(absl::DataLossError("an envelope does not parse"));
  }
  return envelope;
}

int RunCatchUpSuite(int argc, char** argv, CatchUpSuite suite) {
  static CatchUpSuite* const the_suite = new CatchUpSuite(std::move(suite));
  static int batch_events = static_cast<int>(ProjectionRunnerOptions().catch_up_batch_events);
  static int page_events = static_cast<int>(ProjectionRunnerOptions().feed_page_size);
  static int live_slice = 200;
  static std::map<std::string, Rates>* const rates = new std::map<std::string, Rates>();
  // The runner's and committer's CPU per phase: "live" of BM_RunnerLive, "catch-up" of
  // BM_RunnerCatchUp.
  static std::map<std::string, PhaseCosts>* const costs = new std::map<std::string, PhaseCosts>();
  if (!TakeIntFlags(argc, argv,
                    {{"--events=", &the_suite->events},
                     {"--batch=", &batch_events},
                     {"--page=", &page_events},
                     {"--live_slice=", &live_slice}})) {
    return 1;
  }
  static const auto history = [] {
    return &SharedHistory(
        {.topic = the_suite->topic,
         .partitions = the_suite->partitions,
         .service = the_suite->service,
         .publish_timeout = absl::Seconds(90)},
        [](eventstore::EventStore& store) { return the_suite->append(store, the_suite->events); });
  };
  const auto options = [](PublishedHistory& published, std::string path) {
    return ProjectionRunnerOptions{
        .path = std::move(path),
        .bootstrap_servers = published.bootstrap(),
        .sources = {{.topic = the_suite->topic, .feed = published.feed()}},
        .catch_up_batch_events = static_cast<size_t>(batch_events),
        .feed_page_size = static_cast<size_t>(page_events)};
  };
  const auto each = [](benchmark::State& state, const std::function<void()>& iteration) {
    for (auto _ : state) iteration();
    state.SetItemsProcessed(state.iterations() * the_suite->events);
  };
  std::vector<benchmark::internal::Benchmark*> registered;
  registered.push_back(
      benchmark::RegisterBenchmark("BM_RawConsume", [each](benchmark::State& state) {
        PublishedHistory& published = *history();
        each(state, [&] { (*rates)["raw"] = RawConsume(state, published, the_suite->events); });
      }));
  registered.push_back(
      benchmark::RegisterBenchmark("BM_DecodeOnly", [each](benchmark::State& state) {
        PublishedHistory& published = *history();
        each(state, [&] {
          (*rates)["decode"] =
              DecodeConsume(state, published, the_suite->events, the_suite->decode);
        });
      }));
  registered.push_back(
      benchmark::RegisterBenchmark("BM_RunnerFromKafka", [each, options](benchmark::State& state) {
        PublishedHistory& published = *history();
        const std::unique_ptr<Projection> projection = the_suite->make_projection();
        each(state, [&] {
          auto runner = CheckedValue(ProjectionRunner::Create(
              projection.get(),
              options(published, CheckedValue(published.NewPathTrustingKafka(*projection)))));
          (*rates)["kafka"] = RunAndReport(state, *runner, the_suite->events);
          if (runner->stats().catch_ups != 0) Check(absl::InternalError("unexpected catch-up"));
          (*costs)["kafka"].checksum = CheckedValue(runner->Checksum());
        });
      }));
  registered.push_back(
      benchmark::RegisterBenchmark("BM_RunnerCatchUp", [each, options](benchmark::State& state) {
        PublishedHistory& published = *history();
        const std::unique_ptr<Projection> projection = the_suite->make_projection();
        each(state, [&] {
          auto runner = CheckedValue(
              ProjectionRunner::Create(projection.get(), options(published, published.NewPath())));
          const Rates feed = RunAndReport(state, *runner, the_suite->events);
          (*rates)["feed"] = feed;
          (*costs)["catch-up"] = {.runner = runner->stats().catch_up,
                                  .process_us_per_event = 1e6 / feed.process_cpu,
                                  .checksum = CheckedValue(runner->Checksum())};
        });
      }));
  registered.push_back(benchmark::RegisterBenchmark("BM_RunnerLive", [](benchmark::State& state) {
    PublishedHistory& published = *history();
    const std::unique_ptr<Projection> projection = the_suite->make_projection();
    for (auto _ : state) {
      const absl::Time start = absl::Now();
      (*costs)["live"] = FollowLive(published, *projection, published.NewPath(), live_slice);
      state.SetIterationTime(absl::ToDoubleSeconds(absl::Now() - start));
    }
    state.SetItemsProcessed(state.iterations() * the_suite->events);
  }));
  for (benchmark::internal::Benchmark* each_benchmark : registered) {
    each_benchmark->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  DestroySharedHistory();
  std::printf("%d events, %s projection, catch-up batches of up to %d (Kafka), feed pages of %d\n",
              the_suite->events, the_suite->label.c_str(), batch_events, page_events);
  PrintRatesToRaw(the_suite->label, *rates);
  PrintLiveToCatchUp(the_suite->label, live_slice, *costs);
  PrintChecksums(the_suite->label, *costs);
  return 0;
}

}  // namespace sales::projection::testing
