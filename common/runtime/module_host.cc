#include "common/runtime/module_host.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/feed/grpc_event_feed_reader.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/log/log.h"
#include "common/runtime/memory_release.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "grpcpp/create_channel.h"

namespace sales::runtime {

constexpr char kEventFeedServiceName[] = "sales.common.v1.EventFeed";

// The store-owning contexts of the registry with a feed in this process: local readers for the
// hosted ones, gRPC readers for the peers.
class ModuleHost::Directory final : public ContextDirectory {
 public:
  // `appended`: the local store's append signal; null for a peer.
  void Add(const ContextModule& module, std::unique_ptr<feed::EventFeedReader> feed,
           eventstore::AppendSignal* appended) {
    ContextEndpoint endpoint{.name = std::string(module.name()),
                             .topic = TopicFor(module.name()),
                             .feed = feed.get(),
                             .folder = module.audit_folder(),
                             .appended = appended};
    feeds_.push_back(std::move(feed));
    endpoints_.push_back(std::move(endpoint));
  }
  void Register(const ContextModule& module) { registered_.emplace_back(module.name()); }

  absl::StatusOr<ContextEndpoint> Find(absl::string_view name) const override {
    for (const ContextEndpoint& endpoint : endpoints_) {
      if (endpoint.name == name) return endpoint;
    }
    if (std::find(registered_.begin(), registered_.end(), name) == registered_.end()) {
      return absl::NotFoundError(absl::StrCat("no context named \"", name, "\" is registered"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "context ", name, " is needed but not reachable: host it in this process (--",
        "contexts=…,", name, ") or give its process's address (--peers=", name, "=HOST:PORT)"));
  }

  std::vector<ContextEndpoint> Reachable() const override { return endpoints_; }

 private:
  std::vector<std::string> registered_;  // every store-owning context, registry order
  std::vector<std::unique_ptr<feed::EventFeedReader>> feeds_;
  std::vector<ContextEndpoint> endpoints_;  // registry order
};

ModuleHost::ModuleHost(ModuleHostOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<ModuleHost>> ModuleHost::Start(
    ModuleHostOptions options, std::vector<std::unique_ptr<ContextModule>> modules) {
  for (const std::string& name : options.contexts) {
    const bool known = std::any_of(modules.begin(), modules.end(),
                                   [&](const auto& module) { return module->name() == name; });
    if (!known) {
      std::vector<std::string> names;
      names.reserve(modules.size());
      for (const auto& module : modules) names.emplace_back(module->name());
      return InvalidField("contexts", absl::StrCat("unknown context \"", name,
                                                   "\" (known: ", absl::StrJoin(names, ", "), ")"));
    }
    if (options.peers.contains(name)) {
      return InvalidField("peers", absl::StrCat(name, " is hosted here and cannot be a peer"));
    }
  }
  auto host = std::unique_ptr<ModuleHost>(new ModuleHost(std::move(options)));
  host->modules_ = std::move(modules);
  for (const auto& module : host->modules_) {
    const auto& wanted = host->options_.contexts;
    if (std::find(wanted.begin(), wanted.end(), module->name()) != wanted.end()) {
      host->hosted_.push_back(module.get());
    }
  }
  ASSIGN_OR_RETURN(host->lock_, DataDirLock::Acquire(host->options_.data_dir));
  host->memory_ = std::make_unique<memory::MemoryBudget>(host->options_.memory_budget_bytes,
                                                         &metrics::MetricsRegistry::Default());
  RETURN_IF_ERROR(host->StartBroker());
  RETURN_IF_ERROR(host->OpenWriteSides());
  std::vector<std::string> empty_stores;
  for (const auto& [name, side] : host->write_sides_) {
    if (side->store()->HeadPosition() == 0) empty_stores.push_back(name);
  }
  RETURN_IF_ERROR(host->ConnectPeers());
  RETURN_IF_ERROR(host->StartModules());
  if (host->options_.demo_data) host->SeedDemoData(empty_stores);
  for (ContextModule* module : host->hosted_) RETURN_IF_ERROR(module->StartBackgroundJobs());
  RETURN_IF_ERROR(host->StartServers());
  log::Info("process.started", {{"grpc", host->grpc_address()},
                                {"kafka", host->kafka_bootstrap_},
                                {"embedded_broker", host->embedded_broker()},
                                {"metrics", host->metrics_url()},
                                {"data_dir", host->options_.data_dir},
                                {"contexts", absl::StrJoin(host->hosted(), ",")}});
  return host;
}

absl::Status ModuleHost::StartBroker() {
  if (!options_.kafka_brokers.empty()) {
    kafka_bootstrap_ = options_.kafka_brokers;
    return absl::OkStatus();
  }
  // Every registered context's topic, hosted here or not: other processes publish to it.
  kafka::EmbeddedBrokerOptions broker_options;
  for (const auto& module : modules_) {
    if (module->owns_store()) {
      broker_options.topics.push_back({TopicFor(module->name()), options_.kafka_partitions});
    }
  }
  broker_options.topics.push_back({kDeadLetterTopic, 1});
  ASSIGN_OR_RETURN(broker_, kafka::EmbeddedBroker::Start(broker_options));
  kafka_bootstrap_ = broker_->bootstrap_servers();
  return absl::OkStatus();
}

absl::Status ModuleHost::OpenWriteSides() {
  directory_ = std::make_unique<Directory>();
  for (ContextModule* module : hosted_) {
    if (!module->owns_store()) continue;
    ASSIGN_OR_RETURN(std::unique_ptr<WriteSide> side,
                     WriteSide::Open({.context = std::string(module->name()),
                                      .data_dir = options_.data_dir,
                                      .bootstrap_servers = kafka_bootstrap_,
                                      .durability = options_.durability,
                                      .memory = memory_.get()}));
    write_sides_[std::string(module->name())] = std::move(side);
  }
  return absl::OkStatus();
}

absl::Status ModuleHost::ConnectPeers() {
  for (const auto& [peer_name, address] : options_.peers) {
    const std::string& name = peer_name;  // (structured bindings cannot be captured before C++20)
    const bool known = std::any_of(modules_.begin(), modules_.end(), [&](const auto& module) {
      return module->name() == name && module->owns_store();
    });
    if (!known) {
      return InvalidField("peers", absl::StrCat("\"", name, "\" is no context with a store"));
    }
    if (address.empty()) return InvalidField("peers", absl::StrCat(name, ": address required"));
  }
  // Registry order, so that Reachable() lists contexts the same way in every process.
  for (const auto& module : modules_) {
    if (!module->owns_store()) continue;
    directory_->Register(*module);
    const std::string name(module->name());
    if (auto side = write_sides_.find(name); side != write_sides_.end()) {
      directory_->Add(*module, std::make_unique<feed::LocalEventFeedReader>(side->second->store()),
                      side->second->appended());
    } else if (auto peer = options_.peers.find(name); peer != options_.peers.end()) {
      directory_->Add(*module,
                      std::make_unique<feed::GrpcEventFeedReader>(
                          grpc::CreateChannel(peer->second, grpc::InsecureChannelCredentials()),
                          feed::GrpcEventFeedReaderOptions{.context = name}),
                      /*appended=*/nullptr);
    }
  }
  return absl::OkStatus();
}

absl::Status ModuleHost::StartModules() {
  ASSIGN_OR_RETURN(dead_letters_, kafka::DeadLetterPublisher::Create(
                                      kafka_bootstrap_, std::string(kDeadLetterTopic)));
  for (ContextModule* module : hosted_) {
    auto side = write_sides_.find(std::string(module->name()));
    absl::Status started = module->Start({
        .data_dir = options_.data_dir,
        .bootstrap_servers = kafka_bootstrap_,
        .executor = &executor_,
        .metrics = &metrics::MetricsRegistry::Default(),
        .dead_letters = dead_letters_.get(),
        .clock = [this] { return clock_.Now(); },
        .write_side = side == write_sides_.end() ? nullptr : side->second.get(),
        .contexts = directory_.get(),
        .memory = memory_.get(),
    });
    if (!started.ok()) {
      return absl::Status(started.code(), absl::StrCat(module->name(), ": ", started.message()));
    }
  }
  return absl::OkStatus();
}

void ModuleHost::SeedDemoData(const std::vector<std::string>& empty_stores) {
  for (ContextModule* module : hosted_) {
    if (!module->owns_store() ||
        std::find(empty_stores.begin(), empty_stores.end(), module->name()) == empty_stores.end()) {
      continue;
    }
    // Demo data is a convenience: a failure is logged loudly but does not stop the platform.
    absl::StatusOr<std::string> seeded = module->SeedDemoData(clock_);
    clock_.SetBehind(absl::ZeroDuration());
    if (!seeded.ok()) {
      log::Error("process.demo_data.failed",
                 {{"context", module->name()}, {"error", seeded.status().ToString()}});
      continue;
    }
    if (seeded->empty()) continue;
    demo_seeded_.push_back(*seeded);
    write_sides_.at(std::string(module->name()))->relay()->Wake();
    log::Info("process.demo_data.seeded", {{"context", module->name()}, {"wrote", *seeded}});
  }
}

absl::Status ModuleHost::StartServers() {
  ASSIGN_OR_RETURN(http_, metrics::MetricsHttpServer::Start(&metrics::MetricsRegistry::Default(),
                                                            options_.host, options_.http_port));
  std::vector<grpc::Service*> services;
  std::vector<std::string> health_names;
  if (!write_sides_.empty()) {
    feed::EventFeedService::Stores stores;
    for (const auto& [name, side] : write_sides_) stores[name] = side->store();
    feed_ = std::make_unique<feed::EventFeedService>(std::move(stores), &executor_);
    services.push_back(feed_.get());
    health_names.push_back(kEventFeedServiceName);
  }
  std::vector<projection::AdministeredProjection> administered;
  for (ContextModule* module : hosted_) {
    for (const HostedService& service : module->services()) {
      services.push_back(service.service);
      health_names.push_back(service.health_name);
    }
    for (projection::AdministeredProjection& projection : module->projections()) {
      administered.push_back(std::move(projection));
    }
  }
  if (!administered.empty()) {
    admin_ = std::make_unique<projection::ProjectionAdminService>(
        &executor_, absl::StrCat(options_.data_dir, "/projections"));
    for (projection::AdministeredProjection& projection : administered) {
      admin_->Register(std::move(projection));
    }
    services.push_back(admin_.get());
    health_names.push_back(projection::ProjectionAdminService::kServiceName);
  }
  ASSIGN_OR_RETURN(grpc_, grpc_server::GrpcServer::Start(
                              {.host = options_.host, .port = options_.grpc_port}, services));
  for (const std::string& name : health_names) grpc_->SetServing(name, true);
  metrics::MetricsRegistry& registry = metrics::MetricsRegistry::Default();
  registry
      .GetGauge("process_start_time_seconds", "Start time of the process since the Unix epoch.")
      ->Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  memory_gauges_.push_back(registry.AddCallbackGauge(
      "sales_process_resident_bytes", "The process's resident memory (compare with the budget).",
      {}, [] { return static_cast<double>(ResidentBytes()); }));
  memory_gauges_.push_back(registry.AddCallbackGauge(
      "sales_heap_allocated_bytes",
      "Bytes the process has allocated and not freed, by the allocator's count.", {},
      [] { return static_cast<double>(HeapAllocatedBytes()); }));
  registry.GetGauge("sales_embedded_broker", "1 when the process runs the embedded Kafka broker.")
      ->Set(embedded_broker() ? 1 : 0);
  return absl::OkStatus();
}

ModuleHost::~ModuleHost() { Shutdown(); }

void ModuleHost::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  const bool was_serving = grpc_ != nullptr;
  for (ContextModule* module : hosted_) module->EndStreams();  // open watches would hold it
  if (was_serving) grpc_->Shutdown(absl::Now() + absl::Seconds(5));
  admin_.reset();
  feed_.reset();
  // Reverse order: the read side reads the stores through their feeds.
  for (auto it = hosted_.rbegin(); it != hosted_.rend(); ++it) (*it)->Stop();
  dead_letters_.reset();
  directory_.reset();
  write_sides_.clear();
  http_.reset();
  broker_.reset();
  if (was_serving) log::Info("process.stopped", {{"data_dir", options_.data_dir}});
}

std::string ModuleHost::metrics_url() const {
  return absl::StrCat("http://", options_.host, ":", http_->port(), "/metrics");
}

std::vector<std::string> ModuleHost::try_commands() const {
  std::vector<std::string> commands;
  for (ContextModule* module : hosted_) {
    for (std::string& command : module->try_commands()) commands.push_back(std::move(command));
  }
  return commands;
}

std::vector<std::string> ModuleHost::hosted() const {
  std::vector<std::string> names;
  for (ContextModule* module : hosted_) names.emplace_back(module->name());
  return names;
}

ContextModule* ModuleHost::module(absl::string_view name) const {
  for (ContextModule* hosted : hosted_) {
    if (hosted->name() == name) return hosted;
  }
  return nullptr;
}

WriteSide* ModuleHost::write_side(absl::string_view name) const {
  auto it = write_sides_.find(std::string(name));
  return it == write_sides_.end() ? nullptr : it->second.get();
}

}  // namespace sales::runtime
