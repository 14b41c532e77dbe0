// OutboxRelay: publishes an EventStore's transactional outbox to one Kafka topic.
//
// Every committed event has an outbox row (common/eventstore). The relay reads the rows in
// position order and produces each as a Kafka message — key = stream id, value = the stored
// envelope bytes unchanged, header "sales-event-type" = the envelope's event type — through
// the platform's idempotent producer (client_config.h), which keeps per-partition order across
// retries. A row is deleted only after its successful delivery report, so a crash at any point
// loses nothing: a new relay starts again at the first remaining row. Consumers must therefore
// expect duplicates and recognise them by (stream id, stream version).
//
//   ASSIGN_OR_RETURN(auto relay, OutboxRelay::Start(store.get(), {.bootstrap_servers = bs,
//                                                                  .topic = "sales.leads.v1"}));
//   ... store->Append(...); relay->Wake();   // optional: publish now rather than at next poll
//   RETURN_IF_ERROR(relay->Stop(absl::Seconds(10)));
//
// Flow control: at most `max_in_flight` messages are produced but not yet reported. While the
// broker is down librdkafka retries forever (message.timeout.ms=0), the relay stops reading once
// the limit is reached and resumes as reports arrive. Appends are never affected.
//
// Permanent delivery errors (e.g. the topic does not exist): the relay logs, stops producing,
// waits for the outstanding reports, rewinds to the lowest remaining outbox row and retries
// after an exponential back-off (capped at `max_backoff`). Rows that were delivered after a
// failed one stay delivered, so after such an error a stream's versions can arrive out of order
// on Kafka; consumers fill the gap from the event feed (DESIGN.md).
//
// Thread-safety: Wake, the counters and Stop may be called from any thread. The relay does its
// work on one thread of its own, which is the only user of the producer and the outbox.
#ifndef SALES_COMMON_OUTBOX_OUTBOX_RELAY_H_
#define SALES_COMMON_OUTBOX_OUTBOX_RELAY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "common/kafka/client_config.h"
#include "common/kafka/handles.h"
#include "common/metrics/metrics_registry.h"

namespace sales::outbox {

inline constexpr absl::string_view kEventTypeHeader = "sales-event-type";

struct OutboxRelayOptions {
  std::string bootstrap_servers;                         // required
  std::string topic;                                     // required
  size_t max_in_flight = 10000;                          // produced but not yet reported
  size_t read_batch = 1000;                              // outbox rows read per ReadOutbox call
  absl::Duration poll_interval = absl::Milliseconds(5);  // idle re-check without Wake()
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  kafka::ConfigOverrides producer_overrides;  // applied over the platform defaults
  // Where the relay registers its metrics, labelled {topic}: sales_outbox_published_total,
  // sales_outbox_delivery_errors_total, and the gauges sales_outbox_backlog and
  // sales_outbox_in_flight. Must outlive the relay.
  metrics::MetricsRegistry* metrics = &metrics::MetricsRegistry::Default();
};

class OutboxRelay {
 public:
  // Starts the relay thread. `store` must outlive the relay. INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<OutboxRelay>> Start(eventstore::EventStore* store,
                                                            OutboxRelayOptions options);

  // Stops gracefully with a 10 s timeout if Stop or Abandon was not called.
  ~OutboxRelay();

  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Signals that rows were appended, so that the relay reads them now instead of at its next
  // poll. Cheap; safe to call after every append.
  void Wake();

  // Stops reading rows, waits up to `timeout` for the reports of what is in flight (deleting the
  // delivered rows), then discards the rest and destroys the producer. DEADLINE_EXCEEDED if
  // reports were still missing (those rows stay in the outbox and will be published again).
  // Idempotent.
  absl::Status Stop(absl::Duration timeout = absl::Seconds(10));

  // FOR FAULT-INJECTION TESTS: simulates a crash of the relay. Stops the thread, purges
  // librdkafka's queues and destroys the producer without waiting for delivery reports and
  // without deleting any further rows. Messages already sent may or may not reach the broker,
  // exactly as in a crash.
  void Abandon();

  // Messages with a successful delivery report (since this relay started).
  uint64_t published() const { return published_.load(std::memory_order_relaxed); }
  // Permanent errors: failed delivery reports and messages librdkafka refused outright. Each
  // such row is retried after the back-off.
  uint64_t delivery_errors() const { return delivery_errors_.load(std::memory_order_relaxed); }
  // Rows produced but not yet reported.
  uint64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // Rows still in the outbox (delivered rows included until the relay deletes them).
  uint64_t backlog() const { return store_->OutboxSize(); }

 private:
  OutboxRelay(eventstore::EventStore* store, OutboxRelayOptions options);

  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  void Run();
  // One round: collect reports, then recover or produce more or wait for work.
  absl::Status Step();
  // Reads and produces up to the in-flight room; returns how many rows were produced.
  absl::StatusOr<size_t> ProduceMore();
  absl::Status Produce(const eventstore::StoredEvent& event);
  // Serves delivery reports (waiting up to `wait`) and deletes the delivered rows.
  absl::Status CollectReports(absl::Duration wait);
  // After a permanent error: waits out the in-flight reports, rewinds, backs off.
  absl::Status Recover();
  // Sleeps up to `timeout`, returning early on Wake() or a stop request.
  void WaitForWork(absl::Duration timeout);
  // Sleeps for the current back-off, then doubles it (up to max_backoff); returns early on a
  // stop request.
  void Backoff();
  // Stops the thread; `drain_timeout` as in Stop, or nothing to wait for on abandon.
  absl::Status Shutdown(bool abandon, absl::Duration drain_timeout);
  bool StopRequested();
  // What the thread does once stop was requested: wait for reports until the deadline.
  absl::Status Drain(absl::Time deadline);

  eventstore::EventStore* const store_;
  const OutboxRelayOptions options_;
  kafka::KafkaHandle producer_;

  // Shared with the metrics registry.
  metrics::Counter* const published_total_;
  metrics::Counter* const delivery_errors_total_;

  // Touched only by the relay thread (and by OnDelivery, which runs on it inside rd_kafka_poll).
  uint64_t next_position_ = 0;       // first outbox position not yet produced
  std::vector<uint64_t> delivered_;  // reported OK, not yet deleted from the outbox
  bool failed_ = false;              // a permanent delivery error since the last rewind
  absl::Duration backoff_;

  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> delivery_errors_{0};
  std::atomic<uint64_t> in_flight_{0};

  absl::Mutex shutdown_mu_;  // serialises Stop/Abandon
  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool abandon_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time drain_deadline_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status stop_status_ ABSL_GUARDED_BY(mu_);

  std::thread thread_;

  // Last, so that they are unregistered before anything their callbacks read is destroyed.
  metrics::CallbackGaugeRegistration backlog_gauge_;
  metrics::CallbackGaugeRegistration in_flight_gauge_;
};

}  // namespace sales::outbox

#endif  // SALES_COMMON_OUTBOX_OUTBOX_RELAY_H_
