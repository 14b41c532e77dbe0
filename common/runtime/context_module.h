// ContextModule: how a bounded context (or a read-side service) plugs into a process. A context
// declares itself once, here: its name (and so its topic and store), its gRPC services with the
// names health checking reports them under, the projections it hosts (its read model, replicas of
// other contexts' data), its background jobs, its audit state folder and its demo data. A process
// (ModuleHost: salesd with every module, or a context's own process with one) opens the write
// side of a module that owns a store, hands it a ModuleEnvironment, starts it, serves its
// services and marks them SERVING; adding a context edits no composition root, only the module
// registry (services/modules/).
//
//   class LeadsModule final : public runtime::ContextModule {
//    public:
//     absl::string_view name() const override { return "leads"; }
//     bool owns_store() const override { return true; }
//     const eventsourcing::StateFolder* audit_folder() const override { return &folder_; }
//     absl::Status Start(const ModuleEnvironment& env) override { … open the app … }
//     std::vector<HostedService> services() const override { return {{service_.get(), kName}}; }
//     void Stop() override { … stop the scanner, close the app … }
//   };
//
// THE CONTRACT
// - Declarations (name, owns_store, audit_folder, try_commands) are valid on a module that is
//   never started: a process reads them for every registered module (the audit of another
//   process folds a context's streams with its folder; the embedded broker creates every
//   context's topic).
// - Start runs once, before the gRPC server starts; services() and projections() are read after
//   it. A module that needs another context's data finds its topic and feed in env.contexts
//   (local when that context is hosted here, else its process's EventFeed over gRPC).
// - SeedDemoData runs after every hosted module has started, in registry order, only when the
//   module's store was empty at start; it writes through the module's own API.
// - StartBackgroundJobs runs after demo seeding (whether or not there was any), before the
//   servers start: process managers and scanners that act on what contexts write start there,
//   so that what they see of the demo is its finished story, in every topology.
// - EndStreams ends open streaming calls (watches) before the server shuts down; Stop then
//   stops background jobs and releases what Start opened, in reverse registry order, before the
//   write sides close. Both may be called on a module whose Start failed or never ran.
//
// | situation                         | module answers                                        |
// |-----------------------------------|-------------------------------------------------------|
// | a context it needs is unreachable | Start: FAILED_PRECONDITION naming it and --peers      |
// | its store is not empty            | SeedDemoData is not called                            |
// | demo data refused                 | SeedDemoData's error; the host logs it and goes on    |
//
// Thread-safety: the host calls Start, SeedDemoData, StartBackgroundJobs, EndStreams and Stop
// from one thread;
// services() and projections() results are used from any thread.
#ifndef SALES_COMMON_RUNTIME_CONTEXT_MODULE_H_
#define SALES_COMMON_RUNTIME_CONTEXT_MODULE_H_

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/concurrency/executor.h"
#include "common/eventsourcing/state_folder.h"
#include "common/feed/event_feed_reader.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/runtime/demo_clock.h"
#include "common/runtime/write_side.h"
#include "grpcpp/impl/service_type.h"

namespace sales::runtime {

// A gRPC service a module hosts and the fully qualified name health checking reports it under.
struct HostedService {
  grpc::Service* service = nullptr;
  std::string health_name;  // e.g. "sales.leads.v1.LeadService"
};

// A context that owns a store, as a module sees it from wherever it runs.
struct ContextEndpoint {
  std::string name;                                    // "leads"
  std::string topic;                                   // TopicFor(name)
  feed::EventFeedReader* feed = nullptr;               // local or over gRPC; never null here
  const eventsourcing::StateFolder* folder = nullptr;  // null: the context folds no deal state
  // Hosted here: raised after every append to its store. Null for a context of another process.
  eventstore::AppendSignal* appended = nullptr;
};

// The store-owning contexts a process can read: the ones it hosts, and the ones whose EventFeed
// it was given (--peers).
class ContextDirectory {
 public:
  virtual ~ContextDirectory() = default;
  // FAILED_PRECONDITION naming the context and how to reach it when it is neither hosted here
  // nor a peer; NOT_FOUND when no module of that name is registered.
  virtual absl::StatusOr<ContextEndpoint> Find(absl::string_view name) const = 0;
  // Every reachable store-owning context, in registry order.
  virtual std::vector<ContextEndpoint> Reachable() const = 0;
};

// What a process gives a module at Start. Every pointer outlives the module.
struct ModuleEnvironment {
  std::string data_dir;                       // the module's files go in <data_dir>/<its name>/…
  std::string bootstrap_servers;              // Kafka
  concurrency::Executor* executor = nullptr;  // runs RPCs and feed reads
  metrics::MetricsRegistry* metrics = nullptr;         // the process's registry
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // poison events of its projections
  std::function<absl::Time()> clock;                   // the process's (demo) clock
  WriteSide* write_side = nullptr;                     // its own, when owns_store()
  const ContextDirectory* contexts = nullptr;          // other contexts' topics and feeds
  // The process's memory budget: every store and cache a module opens joins it.
  memory::MemoryBudget* memory = nullptr;
};

// What a projection of `context`'s events reads: its topic, its feed and its append signal.
inline projection::ProjectionSource SourceOf(const ContextEndpoint& context) {
  return {.topic = context.topic, .feed = context.feed, .appended = context.appended};
}

// The Kafka a projection over `sources` consumes. None — feed-only mode: it follows the stores
// directly, woken by their append signals — when every source's store is in this process (the
// embedded all-in-one); else the process's bootstrap servers. Kafka is the live feed between
// processes; inside one it would be a round trip through the embedded broker, whose fetches walk
// every retained batch of a partition (see the README).
inline std::string KafkaFor(const ModuleEnvironment& env,
                            const std::vector<projection::ProjectionSource>& sources) {
  const bool all_local = std::all_of(sources.begin(), sources.end(),
                                     [](const auto& source) { return source.appended != nullptr; });
  return all_local ? std::string() : env.bootstrap_servers;
}

class ContextModule {
 public:
  virtual ~ContextModule() = default;

  // --- Declarations: valid before Start ---
  // Lower-case letters; a store-owning module's store is <data_dir>/<name>/events and its
  // topic TopicFor(name).
  virtual absl::string_view name() const = 0;
  // Whether the module owns an event store (a bounded context's write side).
  virtual bool owns_store() const { return false; }
  // How the audit service folds this context's deal streams; null: history only.
  virtual const eventsourcing::StateFolder* audit_folder() const { return nullptr; }
  // salesctl invocations worth trying once the module runs (printed by salesd at start), e.g.
  // "leads list".
  virtual std::vector<std::string> try_commands() const { return {}; }

  // --- Lifecycle ---
  virtual absl::Status Start(const ModuleEnvironment& env) = 0;
  virtual std::vector<HostedService> services() const = 0;
  // The read models and replicas it hosts, for ProjectionAdmin (status, checked rebuild).
  virtual std::vector<projection::AdministeredProjection> projections() const { return {}; }
  // Seeds demo data into the module's empty store; returns what it wrote, for the start banner
  // ("30 leads"), or "" when the module has none.
  virtual absl::StatusOr<std::string> SeedDemoData(DemoClock& clock) { return std::string(); }
  // Starts the module's process managers and scanners (see the contract above).
  virtual absl::Status StartBackgroundJobs() { return absl::OkStatus(); }
  virtual void EndStreams() {}
  virtual void Stop() = 0;
};

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_CONTEXT_MODULE_H_
