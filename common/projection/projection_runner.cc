#include "common/projection/projection_runner.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/concurrency/thread_cpu_time.h"
#include "common/concurrency/thread_name.h"
#include "common/kafka/client_config.h"
#include "common/kafka/cluster_identity.h"
#include "common/kafka/handles.h"
#include "common/kafka/topic_info.h"
#include "common/log/log.h"
#include "common/projection/feed_catch_up.h"
#include "common/status/status_macros.h"

namespace sales::projection {
namespace {

struct PartitionStart {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
};

// Rounded up: a poll of 0 ms returns at once, and the last fraction of a millisecond before a
// deadline would be spent spinning (~5 % of a core per idle runner with 20 ms batches).
int ToMillis(absl::Duration d) {
  return static_cast<int>(absl::ToInt64Milliseconds(
      absl::Ceil(std::max(d, absl::ZeroDuration()), absl::Milliseconds(1))));
}

}  // namespace

// A consumer that reads explicitly assigned partitions (no group) from given offsets.
class ProjectionRunner::Consumer {
 public:
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(const std::string& bootstrap_servers,
                                                          const kafka::ConfigOverrides& overrides) {
    ASSIGN_OR_RETURN(kafka::ConfPtr conf, kafka::ConsumerConfig(bootstrap_servers, "", overrides));
    ASSIGN_OR_RETURN(kafka::KafkaHandle handle, kafka::NewConsumer(std::move(conf)));
    return std::unique_ptr<Consumer>(new Consumer(std::move(handle)));
  }

  rd_kafka_t* handle() const { return handle_.get(); }

  absl::Status Assign(const std::vector<PartitionStart>& starts) {
    kafka::PartitionListPtr list(
        rd_kafka_topic_partition_list_new(static_cast<int>(starts.size())));
    for (const PartitionStart& start : starts) {
      rd_kafka_topic_partition_list_add(list.get(), start.topic.c_str(), start.partition)->offset =
          start.offset;
    }
    rd_kafka_resp_err_t err = rd_kafka_assign(handle_.get(), list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka::KafkaError(err, "assign partitions");
    return absl::OkStatus();
  }

  // The high watermark last seen in a fetch response (no broker round trip); -1 if unknown.
  int64_t CachedHighWatermark(const std::string& topic, int32_t partition) const {
    int64_t low = -1, high = -1;
    rd_kafka_get_watermark_offsets(handle_.get(), topic.c_str(), partition, &low, &high);
    return high;
  }

 private:
  explicit Consumer(kafka::KafkaHandle handle) : handle_(std::move(handle)) {}
  kafka::KafkaHandle handle_;
};

// Each count is kept here (for stats()) and mirrored to the metrics registry when one is given.
struct ProjectionRunner::Counters {
  struct Count {
    std::atomic<uint64_t> value{0};
    metrics::Counter* exported = nullptr;
    void Add(uint64_t n) {
      if (n == 0) return;
      value.fetch_add(n, std::memory_order_relaxed);
      if (exported != nullptr) exported->Increment(static_cast<double>(n));
    }
    uint64_t Get() const { return value.load(std::memory_order_relaxed); }
  };

  Count applied, duplicates, gap_events_filled, dead_lettered, catch_ups, batches_failed;
  // Per phase (live, catch-up): events counted when their step ends, CPU in nanoseconds.
  struct Phase {
    Count events;
    std::atomic<int64_t> cpu_nanos{0};
    metrics::Counter* exported_cpu = nullptr;
    void AddCpu(absl::Duration cpu) {
      cpu_nanos.fetch_add(absl::ToInt64Nanoseconds(cpu), std::memory_order_relaxed);
      if (exported_cpu != nullptr) exported_cpu->Increment(absl::ToDoubleSeconds(cpu));
    }
    RunnerStats::PhaseCost Get() const {
      return {.events = events.Get(),
              .cpu = absl::Nanoseconds(cpu_nanos.load(std::memory_order_relaxed))};
    }
  };
  Phase live, catch_up;
  // Applied events already counted in a phase (runner thread only). Batches are counted as
  // applied on the committer thread when they land, which may be between two steps: each step
  // takes every landing since the previous step's end, so none is left out.
  uint64_t counted_in_phases = 0;
  std::atomic<int64_t> lag{0};
  std::atomic<bool> catching_up{false};
  metrics::Gauge* lag_gauge = nullptr;
  metrics::Gauge* catching_up_gauge = nullptr;

  void SetLag(int64_t value) {
    lag.store(value, std::memory_order_relaxed);
    if (lag_gauge != nullptr) lag_gauge->Set(static_cast<double>(value));
  }
  void SetCatchingUp(bool value) {
    catching_up.store(value, std::memory_order_relaxed);
    if (catching_up_gauge != nullptr) catching_up_gauge->Set(value ? 1 : 0);
  }

  void Export(metrics::MetricsRegistry& registry, absl::string_view projection) {
    const metrics::Labels labels = {{"projection", std::string(projection)}};
    auto counter = [&](absl::string_view name, absl::string_view help) {
      return registry.GetCounter(name, help, labels);
    };
    applied.exported = counter("sales_projection_events_applied_total", "Events applied.");
    duplicates.exported =
        counter("sales_projection_duplicates_skipped_total", "Duplicate events skipped.");
    gap_events_filled.exported = counter("sales_projection_gap_events_filled_total",
                                         "Events read from the event feed to fill version gaps.");
    dead_lettered.exported =
        counter("sales_projection_dead_lettered_total", "Messages sent to the dead-letter topic.");
    catch_ups.exported =
        counter("sales_projection_catch_ups_total", "Catch-ups from the event feed.");
    batches_failed.exported =
        counter("sales_projection_batches_failed_total", "Batches discarded after an error.");
    lag_gauge = registry.GetGauge(
        "sales_projection_consumer_lag",
        "Events not yet applied: Kafka messages not consumed (all partitions), or in feed-only "
        "mode events between the feeds' heads and the applied positions.",
        labels);
    for (auto [phase, name] : {std::pair{&live, "live"}, std::pair{&catch_up, "catch_up"}}) {
      const metrics::Labels phase_labels = {{"projection", std::string(projection)},
                                            {"phase", name}};
      phase->events.exported = registry.GetCounter(
          "sales_projection_phase_events_total",
          "Events applied while following live events (phase=live) or catching up (a batch or "
          "more behind).",
          phase_labels);
      phase->exported_cpu =
          registry.GetCounter("sales_projection_cpu_seconds_total",
                              "CPU of the projection's runner thread and the threads working "
                              "for it (committer, Kafka decoder, feed page reader), by phase "
                              "(see sales_projection_phase_events_total).",
                              phase_labels);
    }
    catching_up_gauge = registry.GetGauge(
        "sales_projection_catching_up",
        "1 while the projection catches up from the event feed (the lag is then the events "
        "between the feed's head, as the catch-up began, and the last applied one).",
        labels);
  }
};

absl::StatusOr<std::unique_ptr<ProjectionRunner>> ProjectionRunner::Create(
    Projection* projection, ProjectionRunnerOptions options) {
  if (options.sources.empty()) return absl::InvalidArgumentError("projection has no sources");
  for (const ProjectionSource& source : options.sources) {
    if (source.topic.empty() || source.feed == nullptr) {
      return absl::InvalidArgumentError("every source needs a topic and an event feed");
    }
  }
  if (options.store.name.empty()) options.store.name = std::string(projection->name());
  ASSIGN_OR_RETURN(std::unique_ptr<ProjectionStore> store,
                   ProjectionStore::Open(options.path, options.store));
  ASSIGN_OR_RETURN(const bool emptied, store->EnsureLayout(projection->layout_version()));
  if (emptied) {
    log::Warn("projection.layout_changed.rebuilding",
              {{"projection", projection->name()},
               {"layout_version", projection->layout_version()},
               {"path", options.path}});
  }
  // Kafka redelivers and interleaves streams across partitions: its events need dedupe marks. A
  // feed-only runner reads its feeds in order and needs none — unless the store was once fed from
  // Kafka (a broker identity is stored), whose marks may cover events beyond its feed position.
  DedupeMarks marks = DedupeMarks::kKeep;
  if (options.bootstrap_servers.empty()) {
    ASSIGN_OR_RETURN(const std::optional<std::string> broker, store->BrokerIdentity());
    marks = broker.has_value() ? DedupeMarks::kReadOnly : DedupeMarks::kNone;
  }
  return std::unique_ptr<ProjectionRunner>(
      new ProjectionRunner(projection, std::move(options), std::move(store), marks));
}

ProjectionRunner::ProjectionRunner(Projection* projection, ProjectionRunnerOptions options,
                                   std::unique_ptr<ProjectionStore> store, DedupeMarks marks)
    : projection_(projection),
      options_(std::move(options)),
      store_(std::move(store)),
      batch_(store_->NewBatch()),
      applier_(*projection, marks),
      read_ahead_(absl::StrCat("read:", projection->name())),
      counters_(std::make_unique<Counters>()) {
  if (options_.metrics != nullptr) counters_->Export(*options_.metrics, projection_->name());
}

ProjectionRunner::~ProjectionRunner() { Stop(); }

void ProjectionRunner::Start() {
  if (thread_.joinable() || stopping_) return;
  if (feed_only()) {
    for (const ProjectionSource& source : options_.sources) {
      if (source.appended != nullptr) {
        wake_on_append_.push_back(source.appended->Subscribe([this] { Wake(); }));
      }
    }
  }
  thread_ = std::thread([this] {
    concurrency::NameThisThread(absl::StrCat("proj:", projection_->name()));
    feed_only() ? RunFromFeeds() : Run();
  });
}

void ProjectionRunner::Stop() {
  if (!stopping_.exchange(true)) {
    wake_on_append_.clear();  // no Wake runs once this returns
    stop_requested_.Notify();
    absl::MutexLock lock(&feed_mu_);  // the feed loop's waits re-check stopping_
    woken_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ProjectionRunner::Wake() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  absl::MutexLock lock(&feed_mu_);
  woken_ = true;
}

absl::Status ProjectionRunner::AwaitFeedHeads(absl::Duration timeout) {
  if (!feed_only()) {
    return absl::FailedPreconditionError("AwaitFeedHeads needs a feed-only runner");
  }
  std::vector<uint64_t> heads;
  for (const ProjectionSource& source : options_.sources) {
    ASSIGN_OR_RETURN(heads.emplace_back(), source.feed->HeadPosition());
  }
  absl::MutexLock lock(&feed_mu_);
  woken_ = true;
  urgent_ = true;
  auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(feed_mu_) {
    for (size_t i = 0; i < heads.size(); ++i) {
      if (fed_.size() <= i || fed_[i] < heads[i]) return false;
    }
    return true;
  };
  if (!feed_mu_.AwaitWithTimeout(absl::Condition(&reached), timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "projection ", projection_->name(), " has not applied its feeds up to position ",
        absl::StrJoin(heads, ", "), " within ", absl::FormatDuration(timeout)));
  }
  return absl::OkStatus();
}

absl::Status ProjectionRunner::AwaitCaughtUp(absl::Duration timeout) {
  if (feed_only()) return AwaitFeedHeads(timeout);
  // The lag is measured at the end of each batch from the watermarks of the last fetch: the
  // second batch ending after this call began after it, and its fetches see what the broker had
  // by then.
  constexpr absl::Duration kPollEvery = absl::Milliseconds(10);
  constexpr absl::Duration kFetchRoundTrip = absl::Milliseconds(100);
  const uint64_t fresh_after_updates = lag_updates_.load(std::memory_order_acquire) + 2;
  const absl::Time deadline = absl::Now() + timeout;
  const absl::Time fresh_after = absl::Now() + std::min(kFetchRoundTrip, timeout);
  for (;;) {
    const RunnerStats now = stats();
    if (absl::Now() >= fresh_after &&
        lag_updates_.load(std::memory_order_acquire) >= fresh_after_updates &&
        now.consumer_lag == 0 && !now.catching_up) {
      return absl::OkStatus();
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("projection ", projection_->name(), " has not caught up within ",
                       absl::FormatDuration(timeout), " (lag ", now.consumer_lag, ")"));
    }
    absl::SleepFor(kPollEvery);
  }
}

void ProjectionRunner::RunFromFeeds() {
  while (!stopping_) {
    wake_pending_.exchange(false, std::memory_order_acq_rel);  // acquire: see the waker's commit
    const absl::Time read_began = absl::Now();
    const StepStart step = BeginStep();
    const absl::Status status = FollowFeeds();
    // Its batches are committed when it returns: a step that applied a batch or more was behind.
    EndStep(step, counters_->applied.Get() - step.applied >= options_.max_batch_events);
    if (!status.ok() && !stopping_) RecordError(status);
    absl::MutexLock lock(&feed_mu_);
    // Caught up: what was committed after the read began has set woken_ (see Wake).
    auto woken = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(feed_mu_) { return stopping_ || woken_; };
    feed_mu_.AwaitWithTimeout(absl::Condition(&woken),
                              status.ok() ? options_.feed_poll : options_.retry_backoff);
    if (woken_ && status.ok()) {
      auto cut_short = [&]()
                           ABSL_EXCLUSIVE_LOCKS_REQUIRED(feed_mu_) { return stopping_ || urgent_; };
      // Reads begin at most every wake_batch_delay: under load what is committed meanwhile
      // gathers into one batch, while a wake after a quiet spell is read at once.
      feed_mu_.AwaitWithDeadline(absl::Condition(&cut_short),
                                 read_began + options_.wake_batch_delay);
    }
    woken_ = false;
    urgent_ = false;
  }
  if (absl::Status status = FinishInFlight(); !status.ok()) RecordError(status);
}

absl::Status ProjectionRunner::CatchUpFromFeeds() {
  const uint64_t applied_before = counters_->applied.Get();
  for (const ProjectionSource& source : options_.sources) {
    // Up to the head the feed has now (see CatchUpOptions::last_position); the lag, page by
    // page, is what remains up to it.
    ASSIGN_OR_RETURN(const uint64_t head, source.feed->HeadPosition());
    const CatchUpOptions catch_up{.page_size = options_.feed_page_size,
                                  .last_position = head,
                                  .stopping = [this] { return stopping_.load(); },
                                  .read_ahead = &read_ahead_};
    RETURN_IF_ERROR(
        CatchUpFromFeed(*store_, applier_, source, catch_up,
                        [this, head](StoreBatch& batch, BatchOutcome& outcome) {
                          if (!outcome.applied.empty()) {
                            const uint64_t last = outcome.applied.back()->global_position();
                            counters_->SetLag(head > last ? static_cast<int64_t>(head - last) : 0);
                          }
                          return StartCommit(batch, outcome);
                        }));
    RETURN_IF_ERROR(FinishInFlight());  // the next source's feed position is read from disk
  }
  if (counters_->applied.Get() - applied_before >= kCompactAfterCatchUpEvents) {
    RETURN_IF_ERROR(store_->CompactReadModel());
  }
  return absl::OkStatus();
}

absl::Status ProjectionRunner::FollowFeeds() {
  RETURN_IF_ERROR(CatchUpFromFeeds());
  std::vector<uint64_t> fed;
  int64_t lag = 0;
  for (const ProjectionSource& source : options_.sources) {
    ASSIGN_OR_RETURN(const uint64_t next, store_->FeedPosition(source.topic));
    ASSIGN_OR_RETURN(const uint64_t head, source.feed->HeadPosition());
    fed.push_back(next - 1);
    lag += head >= next ? static_cast<int64_t>(head - next + 1) : 0;
  }
  counters_->SetLag(lag);
  absl::MutexLock lock(&feed_mu_);
  fed_ = std::move(fed);
  return absl::OkStatus();
}

ProjectionRunner::StepStart ProjectionRunner::BeginStep() const {
  return {.thread_cpu = concurrency::ThreadCpuTime(),
          .helper_cpu = HelperCpu(),
          .applied = counters_->counted_in_phases};
}

absl::Duration ProjectionRunner::HelperCpu() const {
  absl::Duration cpu = store_->CommitterCpu() + read_ahead_.cpu();
  if (decode_ahead_ != nullptr) cpu += decode_ahead_->cpu();
  return cpu;
}

void ProjectionRunner::EndStep(const StepStart& start, bool catching_up) {
  // A batch's events and its committer CPU may land in the next step (pipelining): over many
  // steps of one phase the sums are exact.
  Counters::Phase& phase = catching_up ? counters_->catch_up : counters_->live;
  const uint64_t applied = counters_->applied.Get();
  phase.events.Add(applied - start.applied);
  counters_->counted_in_phases = applied;
  phase.AddCpu((concurrency::ThreadCpuTime() - start.thread_cpu) +
               (HelperCpu() - start.helper_cpu));
}

void ProjectionRunner::Run() {
  decode_ahead_ = std::make_unique<internal::DecodeAhead>(
      projection_, absl::StrCat("decode:", projection_->name()));
  bool synced = false;
  while (!stopping_) {
    absl::Status status;
    const StepStart step = BeginStep();
    bool catching_up = true;  // a sync is a catch-up step (when it catches up at all)
    if (!synced) {
      status = Sync();
      synced = status.ok();
    } else {
      bool resync = false;
      status = ConsumeBatch(resync, catching_up);
      synced = status.ok() && !resync;
    }
    EndStep(step, catching_up);
    if (!status.ok() && !stopping_) {
      RecordError(status);
      stop_requested_.WaitForNotificationWithTimeout(options_.retry_backoff);
    }
  }
  // A batch being written lands whole or not at all; wait for it (a crash would not).
  if (absl::Status status = FinishInFlight(); !status.ok()) RecordError(status);
  consumer_.reset();
}

absl::Status ProjectionRunner::Sync() {
  RETURN_IF_ERROR(FinishInFlight());  // the stored offsets must include it
  consumer_.reset();  // a fresh consumer: nothing prefetched for an old assignment survives
  ASSIGN_OR_RETURN(const std::string identity,
                   kafka::FetchClusterIdentity(options_.bootstrap_servers, options_.kafka_timeout));
  ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer,
                   Consumer::Create(options_.bootstrap_servers, options_.consumer_overrides));
  ASSIGN_OR_RETURN(const std::optional<std::string> stored_identity, store_->BrokerIdentity());
  bool contiguous = stored_identity == identity;

  std::vector<PartitionStart> starts;
  std::vector<int64_t> high_watermarks;
  for (const ProjectionSource& source : options_.sources) {
    ASSIGN_OR_RETURN(
        std::vector<kafka::PartitionWatermarks> watermarks,
        kafka::QueryWatermarks(consumer->handle(), source.topic, options_.kafka_timeout));
    for (const kafka::PartitionWatermarks& marks : watermarks) {
      ASSIGN_OR_RETURN(std::optional<int64_t> offset,
                       store_->Offset(source.topic, marks.partition));
      contiguous = contiguous && offset && *offset >= marks.low && *offset <= marks.high;
      starts.push_back({source.topic, marks.partition, offset.value_or(-1)});
      high_watermarks.push_back(marks.high);
    }
  }

  if (!contiguous) {
    // Everything published before the high watermarks noted above was committed to the event
    // stores before, so ReadAll (which starts after this point) sees it.
    counters_->SetCatchingUp(true);
    const absl::Status caught_up = CatchUpFromFeeds();
    counters_->SetCatchingUp(false);
    RETURN_IF_ERROR(caught_up);
    StoreBatch batch = store_->NewBatch();
    for (size_t i = 0; i < starts.size(); ++i) {
      starts[i].offset = high_watermarks[i];
      batch.SetOffset(starts[i].topic, starts[i].partition, starts[i].offset);
    }
    batch.SetBrokerIdentity(identity);
    RETURN_IF_ERROR(store_->Commit(batch));
    counters_->catch_ups.Add(1);
  }

  RETURN_IF_ERROR(consumer->Assign(starts));
  fed_below_.clear();
  for (const ProjectionSource& source : options_.sources) {
    ASSIGN_OR_RETURN(fed_below_.emplace_back(), store_->FeedPosition(source.topic));
  }
  positions_.clear();
  in_flight_offsets_.clear();  // FinishInFlight above moved them into the old positions_
  for (const PartitionStart& start : starts) {
    positions_[{start.topic, start.partition}] = start.offset;
  }
  consumer_ = std::move(consumer);
  return absl::OkStatus();
}

absl::Status ProjectionRunner::ConsumeBatch(bool& resync, bool& catching_up_batch) {
  StoreBatch& batch = batch_;
  batch.Clear();  // whatever a failed batch left
  BatchOutcome& outcome = outcome_;
  RecycleEnvelopes(outcome.applied);                  // those of a failed batch
  outcome = {.applied = std::move(outcome.applied)};  // keeps the vector's capacity
  // Whatever a failed or stopped batch left with the decoder is dropped on the way out: its
  // messages must not outlive the consumer (which a sync replaces).
  const absl::Cleanup discard_undecoded = [this] { decode_ahead_->Discard(); };
  std::map<std::pair<const ProjectionSource*, int32_t>, int64_t> next_offsets;
  const bool catching_up = backlog_ >= static_cast<int64_t>(options_.max_batch_events);
  catching_up_batch = catching_up;
  const size_t max_events =
      catching_up ? options_.catch_up_batch_events : options_.max_batch_events;
  const absl::Time started = absl::Now();
  const absl::Time deadline =
      started + (catching_up ? options_.catch_up_batch_wait : options_.max_batch_wait);
  absl::Time last_message_at = started;
  size_t consumed = 0;
  // Whether nothing is left below the high watermarks last fetched, this batch's messages counted.
  const auto drained = [this](const auto& batch_offsets) {
    for (const auto& [partition, committed] : positions_) {
      int64_t consumed_to = committed;
      if (const auto in_flight = in_flight_offsets_.find(partition);
          in_flight != in_flight_offsets_.end()) {
        consumed_to = in_flight->second;
      }
      if (const auto in_batch = batch_offsets.find({SourceFor(partition.first), partition.second});
          in_batch != batch_offsets.end()) {
        consumed_to = in_batch->second;
      }
      if (consumer_->CachedHighWatermark(partition.first, partition.second) > consumed_to) {
        return false;
      }
    }
    return true;
  };
  while (consumed < max_events && !stopping_) {
    // The batch in flight is finished as soon as it has landed (observers, lag), not only when
    // this one is complete; meanwhile polls are kept short so that it is noticed.
    if (in_flight_ && store_->CommitSettled()) RETURN_IF_ERROR(FinishInFlight());
    const absl::Time now = absl::Now();
    absl::Duration remaining = deadline - now;
    if (remaining <= absl::ZeroDuration()) break;
    // A catch-up batch also ends once the backlog is drained: no message for a live batch's wait,
    // or (below) nothing left below the high watermarks.
    if (catching_up && now - last_message_at >= options_.max_batch_wait) break;
    if (catching_up) remaining = std::min(remaining, options_.max_batch_wait);
    if (in_flight_) remaining = std::min(remaining, absl::Milliseconds(1));
    kafka::MessagePtr message(rd_kafka_consumer_poll(consumer_->handle(), ToMillis(remaining)));
    if (message == nullptr) {
      // Once a catch-up batch has consumed up to every high watermark, waiting out
      // max_batch_wait for more would only hold back its commit.
      if (catching_up && consumed > 0 && drained(next_offsets)) break;
      continue;
    }
    last_message_at = absl::Now();
    if (message->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
      // An offset fell out of the log (auto.offset.reset=error): what was read so far is still
      // a contiguous prefix, so commit it, then sync (which will catch up from the feed).
      resync = true;
      break;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;  // librdkafka retries by itself
    ++consumed;
    const ProjectionSource* source = SourceFor(rd_kafka_topic_name(message->rkt));
    if (source == nullptr) continue;  // only assigned topics are delivered
    next_offsets[{source, message->partition}] = message->offset + 1;
    decode_ahead_->Add(std::move(message), source, TakeSpareEnvelope());
    if (decode_ahead_->filled() >= internal::DecodeAhead::kChunk) {
      RETURN_IF_ERROR(ApplyChunk(decode_ahead_->Rotate(), batch, outcome));
    }
  }
  if (stopping_) return absl::OkStatus();  // the batch is dropped whole; a restart redoes it
  // Everything polled is applied before the commit: the chunk being decoded, then the last one.
  RETURN_IF_ERROR(ApplyChunk(decode_ahead_->Rotate(), batch, outcome));
  RETURN_IF_ERROR(ApplyChunk(decode_ahead_->Rotate(), batch, outcome));
  if (consumed > 0) {
    Positions positions;
    for (const auto& [partition, offset] : next_offsets) {
      batch.SetOffset(partition.first->topic, partition.second, offset);
      positions[{partition.first->topic, partition.second}] = offset;
    }
    RETURN_IF_ERROR(StartCommit(batch, outcome, std::move(positions)));
  } else {
    RETURN_IF_ERROR(FinishInFlight());  // nothing to overlap it with
  }
  UpdateLag();
  return absl::OkStatus();
}

absl::Status ProjectionRunner::ApplyChunk(std::vector<internal::DecodeAhead::Message>& chunk,
                                          StoreBatch& batch, BatchOutcome& outcome) {
  for (internal::DecodeAhead::Message& message : chunk) {
    if (message.poison != nullptr) {
      outcome.dead_letters.push_back({kafka::KafkaRecord::From(*message.message), message.poison});
      continue;
    }
    const size_t index = message.source - options_.sources.data();
    RETURN_IF_ERROR(applier_.Offer(*message.source, std::move(message.event), message.message.get(),
                                   batch, outcome, fed_below_[index], message.decoded_payload));
  }
  return absl::OkStatus();
}

void ProjectionRunner::UpdateLag() {
  int64_t lag = 0;      // behind what is committed: the exported figure
  int64_t backlog = 0;  // behind what was consumed (the batch in flight included)
  for (const auto& [partition, offset] : positions_) {
    const int64_t high = consumer_->CachedHighWatermark(partition.first, partition.second);
    const auto in_flight = in_flight_offsets_.find(partition);
    const int64_t consumed = in_flight != in_flight_offsets_.end() ? in_flight->second : offset;
    lag += std::max<int64_t>(0, high - offset);
    backlog += std::max<int64_t>(0, high - consumed);
  }
  counters_->SetLag(lag);
  backlog_ = backlog;
  lag_updates_.fetch_add(1, std::memory_order_release);
}

absl::Status ProjectionRunner::StartCommit(StoreBatch& batch, BatchOutcome& outcome,
                                           Positions next_offsets) {
  for (const DeadLetter& dead_letter : outcome.dead_letters) {
    if (options_.dead_letters == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("poison message on ", dead_letter.message.topic,
                       " and no dead-letter publisher: ", dead_letter.reason));
    }
    RETURN_IF_ERROR(options_.dead_letters->Publish(dead_letter.message, dead_letter.reason));
  }
  RETURN_IF_ERROR(FinishInFlight());
  // Counted on the committer thread as soon as the write has landed, so that stats() never lag
  // behind what queries can read.
  RETURN_IF_ERROR(store_->CommitInBackground(
      batch,
      [this, applied = outcome.applied.size(), duplicates = outcome.duplicates,
       gap_events_filled = outcome.gap_events_filled, dead_lettered = outcome.dead_letters.size()] {
        counters_->applied.Add(applied);
        counters_->duplicates.Add(duplicates);
        counters_->gap_events_filled.Add(gap_events_filled);
        counters_->dead_lettered.Add(dead_lettered);
        if (applied == 0) return;
        absl::MutexLock lock(&mu_);
        last_applied_at_ = absl::Now();
      }));
  in_flight_ = true;
  std::swap(in_flight_outcome_, outcome);  // `outcome` gets the finished batch's empty vectors
  in_flight_offsets_ = std::move(next_offsets);
  return absl::OkStatus();
}

absl::Status ProjectionRunner::FinishInFlight() {
  if (!in_flight_) return absl::OkStatus();
  in_flight_ = false;
  BatchOutcome& outcome = in_flight_outcome_;
  absl::Status status = store_->AwaitCommit();
  if (!status.ok()) {
    RecycleEnvelopes(outcome.applied);
    outcome = {.applied = std::move(outcome.applied)};
    return status;
  }
  for (const auto& [partition, offset] : in_flight_offsets_) positions_[partition] = offset;
  if (!outcome.applied.empty()) {
    const AppliedBatch applied{.events = outcome.applied,
                               .applied_total = counters_->applied.Get()};
    absl::MutexLock lock(&observers_mu_);
    for (const auto& [id, observer] : observers_) observer(applied);
  }
  RecycleEnvelopes(outcome.applied);
  outcome = {.applied = std::move(outcome.applied)};
  return absl::OkStatus();
}

std::shared_ptr<EventEnvelope> ProjectionRunner::TakeSpareEnvelope() {
  if (spare_envelopes_.empty()) return std::make_shared<EventEnvelope>();
  std::shared_ptr<EventEnvelope> envelope = std::move(spare_envelopes_.back());
  spare_envelopes_.pop_back();
  return envelope;
}

void ProjectionRunner::RecycleEnvelopes(std::vector<eventstore::SharedEvent>& events) {
  const size_t max_spares = std::max(options_.max_batch_events, options_.catch_up_batch_events);
  for (eventstore::SharedEvent& event : events) {
    if (feed_only() || spare_envelopes_.size() >= max_spares) break;
    // Only this runner holds it (no observer kept it, no feed reader shares it): no one can see
    // it change. Every envelope was made mutable (TakeSpareEnvelope, or a feed's make_shared).
    if (event.use_count() == 1) {
      spare_envelopes_.push_back(std::const_pointer_cast<EventEnvelope>(std::move(event)));
    }
  }
  events.clear();
}

const ProjectionSource* ProjectionRunner::SourceFor(absl::string_view topic) const {
  for (const ProjectionSource& source : options_.sources) {
    if (source.topic == topic) return &source;
  }
  return nullptr;
}

void ProjectionRunner::RecordError(const absl::Status& status) {
  counters_->batches_failed.Add(1);
  absl::MutexLock lock(&mu_);
  last_error_ = status;
}

RunnerStats ProjectionRunner::stats() const {
  RunnerStats stats{.applied = counters_->applied.Get(),
                    .duplicates = counters_->duplicates.Get(),
                    .gap_events_filled = counters_->gap_events_filled.Get(),
                    .dead_lettered = counters_->dead_lettered.Get(),
                    .catch_ups = counters_->catch_ups.Get(),
                    .batches_failed = counters_->batches_failed.Get(),
                    .consumer_lag = counters_->lag.load(std::memory_order_relaxed),
                    .catching_up = counters_->catching_up.load(std::memory_order_relaxed),
                    .live = counters_->live.Get(),
                    .catch_up = counters_->catch_up.Get()};
  absl::MutexLock lock(&mu_);
  stats.last_applied_at = last_applied_at_;
  stats.last_error = last_error_;
  return stats;
}

uint64_t ProjectionRunner::Subscribe(BatchObserver observer) {
  absl::MutexLock lock(&observers_mu_);
  const uint64_t id = next_observer_id_++;
  observers_.emplace(id, std::move(observer));
  return id;
}

void ProjectionRunner::Unsubscribe(uint64_t id) {
  absl::MutexLock lock(&observers_mu_);
  observers_.erase(id);
}

absl::StatusOr<std::string> Rebuild(Projection& projection, const std::string& path,
                                    const std::vector<ProjectionSource>& sources,
                                    size_t page_size) {
  if (std::filesystem::exists(path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("rebuild target ", path, " already exists; rebuild into a fresh directory"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ProjectionStore> store, ProjectionStore::Open(path));
  EventApplier applier(projection, DedupeMarks::kNone);  // the feeds in order, from the start
  internal::PageReadAhead read_ahead(absl::StrCat("read:", projection.name()));
  for (const ProjectionSource& source : sources) {
    // Pipelined: page N is written while page N+1 is applied and page N+2 is read.
    RETURN_IF_ERROR(CatchUpFromFeed(*store, applier, source,
                                    {.page_size = page_size, .read_ahead = &read_ahead},
                                    [&store](StoreBatch& batch, BatchOutcome&) {
                                      RETURN_IF_ERROR(store->AwaitCommit());
                                      return store->CommitInBackground(batch);
                                    }));
    RETURN_IF_ERROR(store->AwaitCommit());  // the next source's feed position is read from disk
  }
  RETURN_IF_ERROR(store->CompactReadModel());
  return store->Checksum();
}

}  // namespace sales::projection
