// Shared machinery of the catch-up benchmarks (projection_runner_benchmark,
// funnel_catch_up_benchmark), which compare a ProjectionRunner's rate, from Kafka and from the
// event feed, with a raw librdkafka consumer of the same topic:
//   * PublishedHistory: an embedded broker and an event store whose events were all relayed to one
//     topic, checked to be still whole on the broker;
//   * Instant / Rates: wall, process-CPU and thread-CPU clocks, turned into events per second;
//   * RawConsume / DecodeConsume / RunAndReport: one timed benchmark iteration of each kind
//     of consumer.
// Setup failures are not recoverable in a benchmark: Check and CheckedValue abort with the status.
//
//   static PublishedHistory& history = *CheckedValue(PublishedHistory::Create(
//       {.topic = "sales.bench.v1", .partitions = 8, .service = "b"}, AppendMyEvents));
//   for (auto _ : state) {
//     auto runner = CheckedValue(ProjectionRunner::Create(&projection, {...}));
//     rates["feed"] = RunAndReport(state, *runner, events);
//   }
//
// Thread-safety: PublishedHistory's accessors are const and safe to share; NewPath (and the
// benchmark functions, which set the iteration time of `state`) belong to the benchmark thread.
#ifndef SALES_COMMON_PROJECTION_TESTING_CATCH_UP_BENCHMARKING_H_
#define SALES_COMMON_PROJECTION_TESTING_CATCH_UP_BENCHMARKING_H_

#include <benchmark/benchmark.h>

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/kafka/embedded_broker.h"
#include "common/projection/projection_runner.h"
#include "common/testing/temp_dir.h"

namespace sales::projection::testing {

// Aborts the benchmark, printing `status`, unless it is OK.
void Check(const absl::Status& status);

template <typename T>
T CheckedValue(absl::StatusOr<T> value) {
  Check(value.status());
  return *std::move(value);
}

// One embedded broker and one event store, every event of which was published to one topic by
// the OutboxRelay before Create returns.
class PublishedHistory {
 public:
  struct Options {
    std::string topic;
    int partitions = 1;
    std::string service;  // the event store's service name
    absl::Duration publish_timeout = absl::Seconds(60);
  };

  // Starts the broker with `options.topic`, lets `append` fill the store, relays the outbox to
  // the topic and fails if it is not empty within `publish_timeout` or if the broker evicted any
  // of it (the embedded broker keeps ~5 MiB per partition; beyond that the runner would catch up
  // from the feed and the Kafka figures would be meaningless).
  static absl::StatusOr<std::unique_ptr<PublishedHistory>> Create(
      Options options, const std::function<absl::Status(eventstore::EventStore&)>& append);

  const std::string& bootstrap() const { return broker_->bootstrap_servers(); }
  const std::string& topic() const { return options_.topic; }
  int partitions() const { return options_.partitions; }
  feed::EventFeedReader* feed() const { return feed_.get(); }

  // A fresh projection store path under the history's temporary directory.
  std::string NewPath();
  // NewPath, holding a projection store that trusts this broker from offset 0 of every partition
  // (so a runner on it reads all of Kafka and never catches up from the feed), recorded under
  // `projection`'s layout version.
  absl::StatusOr<std::string> NewPathTrustingKafka(const Projection& projection);

 private:
  explicit PublishedHistory(Options options) : options_(std::move(options)) {}
  absl::Status Publish();
  absl::Status CheckNothingEvicted() const;

  Options options_;
  sales::testing::TempDir dir_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<feed::LocalEventFeedReader> feed_;
  int runs_ = 0;
};

// The one history a benchmark binary's benchmarks share: created (Create with these arguments)
// by the first call, which fails the process if it cannot publish; later calls return it.
// DestroySharedHistory — at the end of main, after the benchmarks — removes it with its directory
// (the event store and every run's read model: a few hundred MB at 200,000 events).
PublishedHistory& SharedHistory(PublishedHistory::Options options,
                                const std::function<absl::Status(eventstore::EventStore&)>& append);
void DestroySharedHistory();

// A point in wall time, process CPU time (all threads: librdkafka's, RocksDB's, the runner's) and
// the calling thread's CPU time.
struct Instant {
  Instant();

  absl::Time wall;
  absl::Duration process_cpu;
  absl::Duration thread_cpu;
};

// Events per second of wall time, of process CPU time and of the consuming thread's CPU time.
// The CPU rates are what to compare on a busy machine.
struct Rates {
  double wall = 0;
  double process_cpu = 0;
  double thread_cpu = 0;
};

// The rates of `events` events of which `first_count` came with the first delivery at `first`
// and the last at `last`: timing from the first delivery leaves out client start-up
// (connections, the runner's sync). Sets the wall time as `state`'s iteration time.
Rates Report(benchmark::State& state, int events, const Instant& first, const Instant& last,
             int first_count);

// One iteration: a plain librdkafka consumer reads `events` messages of the history's topic from
// the beginning of every partition (no decoding, no RocksDB).
Rates RawConsume(benchmark::State& state, const PublishedHistory& history, int events);

// The same, passing each message's value to `decode`: the floor of any consumer that reads the
// events (e.g. parsing the envelope and its payload), without state or RocksDB.
Rates DecodeConsume(benchmark::State& state, const PublishedHistory& history, int events,
                    const std::function<void(absl::string_view)>& decode);

// One iteration: starts `runner`, waits until it applied `events` events and stops it, timing
// from its first committed batch to its last (observers run on the runner thread, so the thread
// CPU time is the runner's).
Rates RunAndReport(benchmark::State& state, ProjectionRunner& runner, int events);

// What a projection's batches cost in one phase: its runner's and committer's CPU (RunnerStats),
// and the whole process's CPU per event, which adds the store's background flushes and
// compactions (fewer, larger memtables move work from the committer to them).
struct PhaseCosts {
  RunnerStats::PhaseCost runner;
  double process_us_per_event = 0;
  std::string checksum;  // the read model's (ProjectionStore::Checksum) once the phase ended
};

// Replays the history to a fresh read model at `path` as a live write side would show it: the
// feed opens `slice_events` events at a time, and each slice is applied (one live batch) before
// the next opens. Returns what the live batches cost: against a catch-up's cost per event, what
// a projection pays per batch rather than per event.
PhaseCosts FollowLive(const PublishedHistory& history, Projection& projection, std::string path,
                      int slice_events);

// Prints, for the "kafka" and "feed" entries of `rates` (by source), the rate and its ratio to
// the "raw" entry's, and events per CPU-second of the process and of the consuming thread (with
// their ratios to raw's, and µs per event on that thread), then the "decode" entry's, if any.
// `label` names the projection's lines.
// Prints nothing without a "raw" entry (e.g. a filtered run).
void PrintRatesToRaw(absl::string_view label, const std::map<std::string, Rates>& rates);

// Prints the "live" entry of `costs` (FollowLive's, `slice_events` per batch) against the
// "catch-up" entry's (a catch-up from the feed), per event and as their ratio: the runner's and
// committer's CPU, and the process's.
void PrintLiveToCatchUp(absl::string_view label, int slice_events,
                        const std::map<std::string, PhaseCosts>& costs);

// Prints the read models' checksums by run (one line) and whether they are all equal: every run
// builds the same read model from the same history, and a change that only makes it faster
// must print the checksum the build before it printed.
void PrintChecksums(absl::string_view label, const std::map<std::string, PhaseCosts>& costs);

// Appends `history` to `store` in the order of the events' occurred_at (stable: each stream's own
// order is kept as long as its times never decrease), one event per append, as the service would
// have written it.
absl::Status AppendInTimeOrder(eventstore::EventStore& store, std::vector<EventEnvelope> history);

// Parses a message of the topic into an envelope reused across calls (as the runner reuses
// them), aborting when it does not parse: the first step of a DecodeConsume `decode`.
const EventEnvelope& ParseEnvelope(absl::string_view message);

// Takes each argument `<prefix>N` (a prefix like "--events=" of `flags`, N > 0) out of argv into
// the prefix's int, leaving the rest for Google Benchmark; false (after printing the culprit) on
// a bad value.
bool TakeIntFlags(int& argc, char** argv,
                  std::initializer_list<std::pair<absl::string_view, int*>> flags);

// The four catch-up benchmarks of one projection against one history, registered and run by
// RunCatchUpSuite (what a catch-up benchmark's main is):
//   BM_RawConsume       a plain librdkafka consumer of the topic (no decoding)
//   BM_DecodeOnly       the same, each message passed to `decode` (parsing as the projection
//                       does, nothing else)
//   BM_RunnerFromKafka  the projection through a ProjectionRunner from the embedded broker, from
//                       offset 0 into a fresh read model
//   BM_RunnerCatchUp    the same from the event feed (LocalEventFeedReader over the EventStore)
//   BM_RunnerLive       the same history followed live (FollowLive): one batch per
//                       --live_slice events, against BM_RunnerCatchUp's cost per event
// Flags: --events=N (the history's size, read by `append` through `events`), --batch=N (the
// runner's catch-up batches from Kafka), --page=N (its feed pages), --live_slice=N (default 200:
// about what one 40 ms dashboard batch holds under the leads load generator); the rest go to Google
// Benchmark.
struct CatchUpSuite {
  std::string label;  // names the printed lines, e.g. "funnel"
  std::string topic;
  int partitions = 12;  // the embedded broker keeps ~5 MiB per partition
  std::string service;  // the event store's service name
  // Fills the store with about `events` events; sets `events` to how many it appended.
  std::function<absl::Status(eventstore::EventStore& store, int& events)> append;
  std::function<std::unique_ptr<Projection>()> make_projection;
  std::function<void(absl::string_view message)> decode;
  int events = 200000;  // the default of --events
};
int RunCatchUpSuite(int argc, char** argv, CatchUpSuite suite);

}  // namespace sales::projection::testing

#endif  // SALES_COMMON_PROJECTION_TESTING_CATCH_UP_BENCHMARKING_H_
