// ReadModelTailer: keeps a LeadsReadModel up to date by tailing the service's event feed from
// the model's stored position, in order, on a thread of its own.
//
//   ReadModelTailer tailer(model.get(), &feed, /*poll=*/absl::Milliseconds(20),
//                          /*batch_delay=*/absl::Milliseconds(2));
//   ... after a command committed:  tailer.Wake();
//   RETURN_IF_ERROR(tailer.WaitFor(store->HeadPosition(), absl::Seconds(5)));
//
// The thread reads a page (ReadAll from applied + 1), applies it in one WriteBatch, and goes on
// at once while pages come back full; when caught up it sleeps until Wake() or the poll interval
// (so events appended by other writers are seen too). A failing read or apply is logged
// (sales::log, "leads.read_model.apply_failed") and retried after the poll interval; the gauge
// sales_leads_read_model_lag_events = feed head − applied position.
//
// Batching: a Wake() does not start a read at once but after `batch_delay`, so that the commands
// acknowledged meanwhile are applied together (one feed read, one WriteBatch, one wake-up for
// many events instead of one each). The model is thus up to about `batch_delay` behind an
// acknowledgement. WaitFor() does not wait for the delay: it starts the read at once.
//
// Wake() is called after every command, so it is cheap while the thread is busy: a wake already
// pending (not yet seen by the thread) costs one atomic exchange, with no lock and no futex.
//
// Thread-safety: Wake and WaitFor may be called from any thread. The destructor stops and joins
// the thread.
#ifndef SALES_SERVICES_LEADS_APP_READ_MODEL_TAILER_H_
#define SALES_SERVICES_LEADS_APP_READ_MODEL_TAILER_H_

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/feed/event_feed_reader.h"
#include "common/metrics/metrics.h"
#include "services/leads/app/read_model.h"

namespace sales::leads {

class ReadModelTailer {
 public:
  // `model` and `feed` must outlive the tailer. Starts the thread.
  ReadModelTailer(LeadsReadModel* model, feed::EventFeedReader* feed, absl::Duration poll,
                  absl::Duration batch_delay);
  ~ReadModelTailer();
  ReadModelTailer(const ReadModelTailer&) = delete;
  ReadModelTailer& operator=(const ReadModelTailer&) = delete;

  // Asks the thread to look for new events now.
  void Wake();

  // Blocks until the model applied `position`, or DEADLINE_EXCEEDED after `timeout`.
  absl::Status WaitFor(uint64_t position, absl::Duration timeout);

 private:
  void Run();
  // Applies one page; returns whether it was full (more events may be waiting).
  absl::StatusOr<bool> Step();
  // After a Wake(): waits up to batch_delay_ for more events, unless WaitFor() is waiting.
  void AwaitBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  LeadsReadModel* const model_;
  feed::EventFeedReader* const feed_;
  const absl::Duration poll_;
  const absl::Duration batch_delay_;
  metrics::Gauge* const lag_;

  // Set by Wake(), cleared by the thread just before it reads: a Wake() that finds it already
  // set is covered by a read that has not started yet.
  std::atomic<bool> wake_pending_{false};
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool urgent_ ABSL_GUARDED_BY(mu_) = false;  // a WaitFor() is waiting: no batch delay
  uint64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_APP_READ_MODEL_TAILER_H_
