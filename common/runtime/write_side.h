// WriteSide: the write-side runtime of one bounded context (leads, orders, channels,
// incentives): its event store (the log of record) and the outbox relay that publishes the store
// to the context's Kafka topic. The process's one EventFeed service serves every hosted store
// (ModuleHost).
// Both salesd (every context in one process) and a context's own process use it, so the two
// deployments run the same code.
//
//   concurrency::Executor executor(4);
//   ASSIGN_OR_RETURN(auto leads, WriteSide::Open({.context = "leads", .data_dir = "/var/sales",
//                                                 .bootstrap_servers =
//                                                 broker->bootstrap_servers()},
//                                                &executor));
//   leads->store()->Append(...);  leads->relay()->Wake();
//
// Layout: the store lives in <data_dir>/<context>/events; the topic is TopicFor(context).
// Thread-safety: the accessors may be used from any thread; destroy after the gRPC server that
// serves the store's feed has shut down.
#ifndef SALES_COMMON_RUNTIME_WRITE_SIDE_H_
#define SALES_COMMON_RUNTIME_WRITE_SIDE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/eventstore/append_signal.h"
#include "common/eventstore/event_store.h"
#include "common/metrics/metrics_registry.h"
#include "common/outbox/outbox_relay.h"

namespace sales::runtime {

// The Kafka topic of a context's events: "sales.<context>.v1.events" (versioned like the API).
std::string TopicFor(absl::string_view context);
// Where every projection parks the events it cannot apply (see kafka::DeadLetterPublisher).
inline constexpr char kDeadLetterTopic[] = "sales.dlq.v1";

struct WriteSideOptions {
  std::string context;            // "leads", …: lower-case letters only
  std::string data_dir;           // parent of the context's store directory
  std::string bootstrap_servers;  // Kafka the relay publishes to
  eventstore::Durability durability = eventstore::Durability::kProcessCrash;
  metrics::MetricsRegistry* metrics = &metrics::MetricsRegistry::Default();
  memory::MemoryBudget* memory = nullptr;  // the process's budget; null: RocksDB's defaults
};

class WriteSide {
 public:
  // Opens the store and starts the relay.
  static absl::StatusOr<std::unique_ptr<WriteSide>> Open(const WriteSideOptions& options);
  // Stops the relay (publishing what it can within a few seconds), then closes the store.
  ~WriteSide();

  // Raises appended() after every successful append.
  eventstore::EventStore* store() const { return store_.get(); }
  // For in-process followers of the store (feed-only projections): subscribe instead of polling.
  eventstore::AppendSignal* appended() { return &appended_; }
  outbox::OutboxRelay* relay() const { return relay_.get(); }
  const std::string& topic() const { return topic_; }

 private:
  WriteSide() = default;

  std::string topic_;
  eventstore::AppendSignal appended_;  // outlives store_, which raises it
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<outbox::OutboxRelay> relay_;
};

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_WRITE_SIDE_H_
