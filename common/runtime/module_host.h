// ModuleHost: one process of the platform, whatever its role — the embedded all-in-one salesd
// (every module, the embedded Kafka broker), a bounded context's own process (one module against
// a Kafka cluster), the read side (funnel and audit modules fed by other processes' EventFeeds) or
// a broker alone (no module). DESIGN.md "Running it": same code, flags choose the role.
//
//   ASSIGN_OR_RETURN(auto host, ModuleHost::Start({.data_dir = "./data",
//                                                  .contexts = {"leads", "funnel", "audit"}},
//                                                 modules::AllModules()));
//   std::cout << host->grpc_address();
//   ...
//   host->Shutdown();
//
// Start, in order: lock the data directory; start the embedded broker (every registered
// context's topic and the dead-letter topic) unless kafka_brokers names a cluster; open the write
// side (store + relay + EventFeed) of every hosted module that owns a store; connect to the peers'
// EventFeeds; start the hosted modules in registry order; seed demo data into the stores that were
// empty; start /metrics and the gRPC server (every module's services, EventFeed, ProjectionAdmin
// when any module has projections; health checking and reflection on) and mark every hosted
// service SERVING.
//
// Shutdown, in order: end open streams, stop the gRPC server, stop the modules in reverse order,
// close the write sides (relays publish what they can), stop /metrics and the broker.
//
// Errors: INVALID_ARGUMENT for an unknown context name, a malformed peer or a context both hosted
// and a peer; FAILED_PRECONDITION when the data directory is held by another process, when a
// module cannot reach a context it needs; UNAVAILABLE
// when a port cannot be bound.
//
// Thread-safety: accessors may be called from any thread; Shutdown is idempotent.
#ifndef SALES_COMMON_RUNTIME_MODULE_HOST_H_
#define SALES_COMMON_RUNTIME_MODULE_HOST_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/eventstore/event_store.h"
#include "common/feed/event_feed_service.h"
#include "common/grpc/grpc_server.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/kafka/embedded_broker.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_http_server.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/runtime/context_module.h"
#include "common/runtime/data_dir_lock.h"
#include "common/runtime/demo_clock.h"
#include "common/runtime/memory_release.h"
#include "common/runtime/write_side.h"

namespace sales::runtime {

inline constexpr size_t kDefaultMemoryBudgetBytes = size_t{512} << 20;

struct ModuleHostOptions {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";  // gRPC and HTTP listen here
  int grpc_port = 50051;           // 0 picks a free port
  int http_port = 9464;            // /metrics; 0 picks a free port
  // Empty: start the embedded broker. Otherwise a real cluster's bootstrap servers.
  std::string kafka_brokers;
  int kafka_partitions = 12;  // per topic created on the embedded broker
  // The modules this process hosts, by name (hosted in registry order whatever the order here).
  std::vector<std::string> contexts;
  // Contexts hosted by other processes: name → gRPC address of their EventFeed.
  std::map<std::string, std::string> peers;
  // Seed demo data into every hosted store that is empty at start.
  bool demo_data = false;
  eventstore::Durability durability = eventstore::Durability::kProcessCrash;
  // What the process's caches and RocksDB may use in all, shared by every hosted module (see
  // common/memory/memory_budget.h for the split). The default suits the embedded all-in-one on a
  // small machine.
  size_t memory_budget_bytes = kDefaultMemoryBudgetBytes;
};

class ModuleHost {
 public:
  // `modules`: every registered module (services/modules/), hosted or not.
  static absl::StatusOr<std::unique_ptr<ModuleHost>> Start(
      ModuleHostOptions options, std::vector<std::unique_ptr<ContextModule>> modules);
  ~ModuleHost();  // Shutdown()

  // Stops taking calls, stops the modules, closes the stores, stops the broker. Idempotent.
  void Shutdown();

  std::string grpc_address() const { return grpc_->address(); }
  const std::string& kafka_bootstrap() const { return kafka_bootstrap_; }
  std::string metrics_url() const;
  bool embedded_broker() const { return broker_ != nullptr; }
  size_t memory_budget_bytes() const { return options_.memory_budget_bytes; }
  // What demo data was written at this start, one entry per module that seeded ("30 leads").
  const std::vector<std::string>& demo_seeded() const { return demo_seeded_; }
  // The hosted modules' try_commands(), in registry order.
  std::vector<std::string> try_commands() const;
  // The names of the hosted modules, in registry order.
  std::vector<std::string> hosted() const;

  // The hosted module of that name, or nullptr.
  ContextModule* module(absl::string_view name) const;
  // The hosted module of type M, or nullptr.
  template <typename M>
  M* module() const {
    for (ContextModule* hosted : hosted_) {
      if (auto* typed = dynamic_cast<M*>(hosted); typed != nullptr) return typed;
    }
    return nullptr;
  }
  // The write side of a hosted store-owning module, or nullptr.
  WriteSide* write_side(absl::string_view name) const;

 private:
  class Directory;
  explicit ModuleHost(ModuleHostOptions options);

  absl::Status StartBroker();
  absl::Status OpenWriteSides();
  absl::Status ConnectPeers();
  absl::Status StartModules();
  void SeedDemoData(const std::vector<std::string>& empty_stores);
  absl::Status StartServers();

  const ModuleHostOptions options_;
  // Declared early: destroyed after everything that joined it (stores, caches).
  std::unique_ptr<memory::MemoryBudget> memory_;
  std::vector<std::unique_ptr<ContextModule>> modules_;  // every registered module
  std::vector<ContextModule*> hosted_;                   // the hosted ones, registry order
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::string kafka_bootstrap_;
  concurrency::Executor executor_{4};
  DemoClock clock_;
  std::map<std::string, std::unique_ptr<WriteSide>> write_sides_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<kafka::DeadLetterPublisher> dead_letters_;
  std::vector<std::string> demo_seeded_;
  std::unique_ptr<feed::EventFeedService> feed_;  // every hosted store
  std::unique_ptr<projection::ProjectionAdminService> admin_;
  std::unique_ptr<metrics::MetricsHttpServer> http_;
  std::vector<metrics::CallbackGaugeRegistration> memory_gauges_;
  // What bursts freed (e.g. a flood of reset streams) goes back to the OS instead of staying in
  // the allocator for good.
  PeriodicMemoryRelease memory_release_{absl::Seconds(5)};
  std::unique_ptr<grpc_server::GrpcServer> grpc_;
  bool shut_down_ = false;
};

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_MODULE_HOST_H_
