// ProjectionRunner: keeps one projection's RocksDB read model up to date from Kafka, with an
// exactly-once effect, and falls back to the event feed (the log of record) whenever Kafka
// cannot give it a contiguous history. See DESIGN.md, "The read side" and "Running it".
//
//   ProjectionRunnerOptions options{
//       .path = "/data/funnel",
//       .bootstrap_servers = broker->bootstrap_servers(),
//       .sources = {{.topic = "sales.leads.v1", .feed = &leads_feed}},
//       .dead_letters = dlq.get()};
//   ASSIGN_OR_RETURN(auto runner, ProjectionRunner::Create(&funnel, options));
//   runner->Start();
//   ...
//   runner->Stop();
//
// How it runs (one runner thread, helped by the store's committer thread, a decoding thread in
// Kafka mode and a page reader during catch-ups from the feed):
//   * Sync. On start, after an out-of-range offset and after any failed batch, it reads the
//     broker identity (kafka::FetchClusterIdentity) and every source partition's watermarks. If
//     the stored identity matches and every stored offset lies within [low, high], it assigns
//     every partition of every source topic at its stored offset (no consumer group: each
//     replica reads all partitions). Otherwise — no state yet, a new broker, evicted or
//     truncated history — it notes the high watermarks H, catches up from each source's
//     EventFeedReader::ReadAll (from the stored feed position), then stores H and the new
//     identity and assigns Kafka at H: whatever was published before H was committed to the
//     event store before, so ReadAll saw it; whatever comes after is deduplicated by the marks and
//     the feed position.
//   * Dedupe marks (EventApplier): written in Kafka mode only. A feed-only runner reads its feeds
//     in order from the stored position and writes none (it reads them when the store was once
//     fed from Kafka).
//   * Consume. Polls up to max_batch_events messages or max_batch_wait (catch_up_batch_events
//     or catch_up_batch_wait while the consumer lags by a batch or more), decodes each
//     EventEnvelope and offers it to the EventApplier (dedupe, gap fill, apply). Then ONE
//     RocksDB write holds the projection's writes, the next offset per partition and the new
//     dedupe marks; dead letters are published (and acknowledged) before that write.
//   * Pipelining. That write runs on the store's committer thread while the runner thread
//     already applies the next batch on top of it (ProjectionStore::CommitInBackground); the
//     runner counts a batch and notifies observers once its write has succeeded. If it fails,
//     the batch built on top of it is dropped too and the runner syncs again from what is
//     stored. Catch-up from the feed is pipelined the same way, page by page. Within a batch,
//     the messages polled are decoded a chunk at a time on a decoding thread while the runner
//     applies the chunk before (internal/decode_ahead.h).
//   * Poison: a message that does not decode as an EventEnvelope or lacks a stream id/version,
//     and an event the projection answers with INVALID_ARGUMENT/UNIMPLEMENTED, goes to the
//     dead-letter topic with the reason; the offset advances. Without a dead-letter publisher the
//     runner refuses to skip it (the batch fails and is retried), so nothing is lost silently.
//   * After each commit, observers get the batch's applied events (on the runner thread). The
//     events are moved, not copied, through the batch, and their envelopes are then recycled
//     for decoding the next messages.
//
// Feed-only mode (bootstrap_servers empty): for a read model of the process's own store, which
// needs no broker round trip. The runner then follows each source's event feed (ReadAll from the
// stored feed position) with the same applier and pipelined commits as a catch-up: whenever it is
// woken (Wake; the runner subscribes it to each source's `appended` signal) — no sooner than
// wake_batch_delay after its previous read began, so that under load the commits made meanwhile
// gather into one batch, while a wake after a quiet spell is read at once — and every feed_poll
// (AwaitFeedHeads skips the delay). AwaitFeedHeads gives
// read-your-writes to a caller that just committed. The exported lag is then the events between the
// feeds' heads and what is applied.
//
// Stop() (and the destructor) end the thread between steps: a batch being read is dropped, not
// committed, and a batch being written is waited for (it lands whole or not at all), so for the
// read model a stop is indistinguishable from a crash at that point, and a restart resumes from
// the stored offsets.
//
// Thread-safety: every public method may be called from any thread. Observers run on the runner
// thread and must not block or call Subscribe/Unsubscribe.
#ifndef SALES_COMMON_PROJECTION_PROJECTION_RUNNER_H_
#define SALES_COMMON_PROJECTION_PROJECTION_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/kafka/client_config.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/event_applier.h"
#include "common/projection/internal/decode_ahead.h"
#include "common/projection/internal/page_read_ahead.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"

namespace sales::projection {

// The wake_batch_delay of a feed-only read model that serves dashboards or lists (not its
// writer's read-your-writes), so that a live batch gathers enough events to spread the writes of
// the rows they share (the funnel's and performance's counter cells: 100+ rows per batch, however
// small) over many of them. Under load an event then waits for half of it on average; the
// dashboards' target, command ack → visible in a Watch stream p99 < 100 ms, leaves room for it.
inline constexpr absl::Duration kDashboardWakeBatchDelay = absl::Milliseconds(40);

// The wake_batch_delay of a feed-only runner that nobody watches live and whose readers do not
// need it to the millisecond: a replica its context catches up itself when a refusal may come
// from staleness (orders' deals replica), a process manager (auto-claims, the ledger), the
// audit's deal histories. Every projection following the leads topic in one process pays its
// per-batch cost (commit, offsets, marks) per live batch; at 2 ms each one's batches held a few
// events, and the read side took 40 % of the leads command throughput (tools/loadgen/README.md).
inline constexpr absl::Duration kBackgroundWakeBatchDelay = absl::Milliseconds(100);

// A catch-up from the feeds that applied at least this many events ends with a compaction of the
// read model (ProjectionStore::CompactReadModel), as a Rebuild does: it leaves each counter row
// in up to one operand per level it wrote (counter_row_sum.h), which every query would otherwise
// sum again (a grouped yearly funnel report 2–3× slower). A 10^6-event model compacts in ≈2 s.
inline constexpr uint64_t kCompactAfterCatchUpEvents = 100000;

struct ProjectionRunnerOptions {
  std::string path;               // RocksDB directory of this projection; created if missing
  std::string bootstrap_servers;  // empty: feed-only mode (see above)
  std::vector<ProjectionSource> sources;               // at least one; distinct topics
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // not owned; see "Poison" above
  // A batch ends after max_batch_events messages or max_batch_wait, whichever comes first: what
  // bounds how long a live event waits to become visible.
  size_t max_batch_events = 1000;
  absl::Duration max_batch_wait = absl::Milliseconds(20);
  // When a batch starts with at least max_batch_events messages waiting in Kafka beyond those
  // consumed, the runner is catching up and these bounds apply instead (and the batch also ends
  // when no message came for max_batch_wait: the backlog is drained). Larger batches spread the
  // per-batch work (folds, row encodings, one RocksDB write) over more events, and those events
  // waited for the backlog anyway: 50,000 against 20,000 cut the performance model's CPU per
  // event from Kafka by ≈22 % (services/projections/performance/README.md, session 31), for
  // ≈35 MB more at the peak of a catch-up.
  size_t catch_up_batch_events = 50000;
  absl::Duration catch_up_batch_wait = absl::Seconds(1);
  size_t feed_page_size = 20000;  // events per ReadAll page (and per catch-up commit)
  absl::Duration kafka_timeout = absl::Seconds(5);
  absl::Duration retry_backoff = absl::Milliseconds(200);
  // Applied over the platform's consumer defaults (kafka::ConsumerConfig); e.g.
  // {"queued.max.messages.kbytes", "16384"} to bound prefetching. Do not override
  // auto.offset.reset: the runner relies on "error" to notice evicted offsets.
  kafka::ConfigOverrides consumer_overrides;
  // Where the runner's metrics are registered (labelled projection=<name>); null: nowhere.
  metrics::MetricsRegistry* metrics = nullptr;
  ProjectionStoreOptions store;  // caches and memtable size of the projection's database
  // Feed-only mode: how often the feeds are read unprompted (events of other writers), and the
  // least time between the starts of two reads that a Wake asks for (see "Feed-only mode").
  absl::Duration feed_poll = absl::Milliseconds(200);
  absl::Duration wake_batch_delay = absl::Milliseconds(2);
};

struct RunnerStats {
  uint64_t applied = 0;            // events applied (gap fills and catch-up included)
  uint64_t duplicates = 0;         // events skipped by the dedupe marks
  uint64_t gap_events_filled = 0;  // events read with ReadStream to close version gaps
  uint64_t dead_lettered = 0;      // messages and events sent to the dead-letter topic
  uint64_t catch_ups = 0;          // completed catch-ups from the event feed
  uint64_t batches_failed = 0;     // batches discarded after an error (then retried)
  // Σ over partitions of high watermark − next offset; while catching up from the feed (and in
  // feed-only mode), the events between the feed's head and the last applied one.
  int64_t consumer_lag = 0;
  bool catching_up = false;  // a catch-up from the event feed is running
  // What applying cost, split by whether the runner was following live events or catching up
  // (a batch or more behind: Kafka's backlog, the feeds' lag, or a catch-up from the feeds).
  // Events are counted when their batch lands; CPU is the runner thread's plus that of the
  // threads working for it (the store's committer, the Kafka decoder, the feeds' page reader), so
  // `cpu / events` is the projection's cost per event in that phase.
  struct PhaseCost {
    uint64_t events = 0;
    absl::Duration cpu;
  };
  PhaseCost live;
  PhaseCost catch_up;
  std::optional<absl::Time> last_applied_at;
  absl::Status last_error;  // of the most recent failed step; OK if none yet
};

// What observers get after each committed batch.
struct AppliedBatch {
  absl::Span<const eventstore::SharedEvent> events;  // applied in this batch, in order
  uint64_t applied_total = 0;                        // RunnerStats::applied after the batch
};
using BatchObserver = std::function<void(const AppliedBatch&)>;

class ProjectionRunner {
 public:
  // Opens the store; does not touch Kafka until Start(). `projection` must outlive the runner.
  static absl::StatusOr<std::unique_ptr<ProjectionRunner>> Create(Projection* projection,
                                                                  ProjectionRunnerOptions options);
  ~ProjectionRunner();  // Stop()

  // Starts the runner thread. A stopped runner does not start again: create a new one (on the
  // same path it resumes from the stored offsets).
  void Start();
  // Ends the runner thread after its current step (a Kafka request in flight may hold it for up
  // to kafka_timeout); idempotent.
  void Stop();

  // Feed-only mode: new events may be in the feeds; read them soon. Cheap when called after every
  // command: a wake already pending costs one atomic exchange.
  void Wake();
  // Feed-only mode: blocks until every source's feed is applied up to its head as of the call
  // (skipping the wake batch delay); DEADLINE_EXCEEDED after `timeout`. FAILED_PRECONDITION in
  // Kafka mode.
  absl::Status AwaitFeedHeads(absl::Duration timeout);
  // A replica's catch-up before it answers "not found" for something just created elsewhere:
  // feed-only mode, AwaitFeedHeads; Kafka mode, until two batches that began after the call have
  // ended (at least 100 ms) with no lag and no catch-up running (best effort: what the owner's
  // relay has not yet published cannot be awaited). DEADLINE_EXCEEDED after `timeout` — also
  // while the runner cannot reach the broker, or has not synced yet.
  absl::Status AwaitCaughtUp(absl::Duration timeout);

  RunnerStats stats() const;
  // Checksum of the committed read model (ProjectionStore::Checksum).
  absl::StatusOr<std::string> Checksum() { return store_->Checksum(); }
  // The committed read model, for queries.
  ProjectionStore& store() { return *store_; }

  // Returns an id for Unsubscribe.
  uint64_t Subscribe(BatchObserver observer);
  // Once it returns, the observer is not running and will not be called again.
  void Unsubscribe(uint64_t id);

 private:
  class Consumer;
  struct Counters;
  // Next offset by (topic, partition).
  using Positions = std::map<std::pair<std::string, int32_t>, int64_t>;
  ProjectionRunner(Projection* projection, ProjectionRunnerOptions options,
                   std::unique_ptr<ProjectionStore> store, DedupeMarks marks);

  void Run();
  // Feed-only mode's loop, and one round of it: every source's feed read to its end.
  void RunFromFeeds();
  absl::Status FollowFeeds();
  // Where a step (one batch, sync or feed read) began, for its cost (EndStep).
  struct StepStart {
    absl::Duration thread_cpu;
    absl::Duration helper_cpu;  // HelperCpu()
    uint64_t applied = 0;
  };
  StepStart BeginStep() const;
  // CPU of the threads working for this runner's steps: the store's committer, the Kafka
  // decoder and the feeds' page reader.
  absl::Duration HelperCpu() const;
  void EndStep(const StepStart& start, bool catching_up);
  // Applies every source's feed from its stored position to its end (pipelined commits), keeping
  // the lag current page by page.
  absl::Status CatchUpFromFeeds();
  bool feed_only() const { return options_.bootstrap_servers.empty(); }
  // Makes the stored offsets trustworthy (catching up from the feed if needed) and assigns them.
  absl::Status Sync();
  // One poll-apply-commit step. Sets `resync` when Kafka reported an out-of-range offset.
  // `catching_up`: whether the batch was a catch-up batch (a backlog of a batch or more).
  absl::Status ConsumeBatch(bool& resync, bool& catching_up);
  // Offers a decoded chunk's events to the applier; undecodable messages become dead letters.
  absl::Status ApplyChunk(std::vector<internal::DecodeAhead::Message>& chunk, StoreBatch& batch,
                          BatchOutcome& outcome);
  // Publishes the batch's dead letters, waits for the batch in flight (FinishInFlight), then
  // starts committing this one and takes over its outcome (`outcome` is left with the finished
  // batch's emptied vectors) and `next_offsets` (for positions_) for when it lands.
  absl::Status StartCommit(StoreBatch& batch, BatchOutcome& outcome, Positions next_offsets = {});
  // Waits for the batch in flight (OK when none); once it landed (and was counted, on the
  // committer thread), notifies observers, advances positions_ and recycles its envelopes. On
  // failure its outcome is dropped.
  absl::Status FinishInFlight();
  // The envelopes a Kafka-mode runner decodes are recycled once nothing else holds them (up to a
  // batch's worth, catch-up batches included): decoding into a recycled envelope reuses its
  // strings' buffers instead of allocating new ones. (Events read from a feed are shared with
  // its other readers and are not recycled; a feed-only runner recycles none.)
  std::shared_ptr<EventEnvelope> TakeSpareEnvelope();
  // Leaves `events` empty.
  void RecycleEnvelopes(std::vector<eventstore::SharedEvent>& events);
  // Consumer lag and backlog_ from the high watermarks last seen in fetch responses.
  void UpdateLag();
  const ProjectionSource* SourceFor(absl::string_view topic) const;
  void RecordError(const absl::Status& status);

  Projection* const projection_;
  const ProjectionRunnerOptions options_;
  const std::unique_ptr<ProjectionStore> store_;
  // What ConsumeBatch fills, reused so that tables and vectors keep their capacity; and the
  // recycled envelopes. Runner thread only.
  StoreBatch batch_;
  BatchOutcome outcome_;
  // The batch being committed in the background: its outcome and the next offsets it stores.
  bool in_flight_ = false;
  BatchOutcome in_flight_outcome_;
  Positions in_flight_offsets_;
  std::vector<std::shared_ptr<EventEnvelope>> spare_envelopes_;
  EventApplier applier_;
  std::unique_ptr<Consumer> consumer_;  // runner thread only
  // Kafka mode: decodes polled messages while the runner applies those before (made by Run).
  std::unique_ptr<internal::DecodeAhead> decode_ahead_;
  // Catch-ups from the feeds: reads a page while the runner applies the one before.
  internal::PageReadAhead read_ahead_;
  // Next offset per (topic, partition) as committed: the consumer lag's base. Runner thread only.
  Positions positions_;
  // Kafka mode, per source (as in options_.sources): the stored feed position as of the last
  // sync. Events below it were applied from the feed (EventApplier::Offer). Runner thread only.
  std::vector<uint64_t> fed_below_;
  // Messages waiting in Kafka beyond those consumed, as of the last batch (UpdateLag): a batch
  // or more means the runner is catching up (catch_up_batch_events).
  int64_t backlog_ = 0;
  std::unique_ptr<Counters> counters_;

  std::atomic<bool> stopping_{false};
  absl::Notification stop_requested_;

  // Feed-only mode. Set by Wake, cleared by the thread just before it reads: a Wake that finds it
  // set is covered by a read that has not started yet.
  std::atomic<bool> wake_pending_{false};
  // Kafka mode: how many batches ended with their lag measured (UpdateLag), for AwaitCaughtUp.
  std::atomic<uint64_t> lag_updates_{0};
  absl::Mutex feed_mu_;
  bool woken_ ABSL_GUARDED_BY(feed_mu_) = false;
  bool urgent_ ABSL_GUARDED_BY(feed_mu_) = false;  // an AwaitFeedHeads is waiting: no delay
  // Per source (as in options_.sources): the last feed position applied and committed.
  std::vector<uint64_t> fed_ ABSL_GUARDED_BY(feed_mu_);
  // Wake subscribed to the sources' append signals, while the thread runs (Start to Stop).
  std::vector<eventstore::AppendSignal::Subscription> wake_on_append_;

  std::thread thread_;  // last: started by Start() once everything above is initialised

  mutable absl::Mutex mu_;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> last_applied_at_ ABSL_GUARDED_BY(mu_);
  // Held while observers run, so that Unsubscribe waits for a running notification.
  absl::Mutex observers_mu_;
  std::map<uint64_t, BatchObserver> observers_ ABSL_GUARDED_BY(observers_mu_);
  uint64_t next_observer_id_ ABSL_GUARDED_BY(observers_mu_) = 1;
};

// Builds `projection`'s read model from scratch in `path` (which must not exist yet) purely from
// the sources' event feeds (ReadAll from the beginning, no dedupe marks) and returns its checksum.
// Poison events are skipped exactly as live (their writes discarded) but not published. The
// database is left at `path`, compacted (ProjectionStore::CompactReadModel).
absl::StatusOr<std::string> Rebuild(Projection& projection, const std::string& path,
                                    const std::vector<ProjectionSource>& sources,
                                    size_t page_size = 1000);

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PROJECTION_RUNNER_H_
