// DashboardModule: a dashboard read side (DashboardHost) as a module (common/runtime/
// context_module.h) — its runner over the topics of the contexts it reads, caught up from their
// EventFeeds (local in salesd, over gRPC in the `projections` process).
//
//   class FunnelModule final : public DashboardModule<FunnelHost> {
//    public:
//     FunnelModule() : DashboardModule("funnel", {"leads"}, {"funnel show --last 30 --by team"}) {}
//   };
#ifndef SALES_SERVICES_PROJECTIONS_DASHBOARD_MODULE_H_
#define SALES_SERVICES_PROJECTIONS_DASHBOARD_MODULE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/runtime/context_module.h"
#include "common/status/status_macros.h"

namespace sales::projections_host {

template <typename Host>
class DashboardModule : public runtime::ContextModule {
 public:
  // `name`: the module's; `reads`: the contexts whose topics it follows; `try_commands`: what
  // salesd suggests.
  DashboardModule(std::string name, std::vector<std::string> reads,
                  std::vector<std::string> try_commands)
      : name_(std::move(name)), reads_(std::move(reads)), try_(std::move(try_commands)) {}

  absl::string_view name() const override { return name_; }
  std::vector<std::string> try_commands() const override { return try_; }

  absl::Status Start(const runtime::ModuleEnvironment& env) override {
    std::vector<projection::ProjectionSource> sources;
    for (const std::string& context : reads_) {
      ASSIGN_OR_RETURN(runtime::ContextEndpoint endpoint, env.contexts->Find(context));
      sources.push_back(runtime::SourceOf(endpoint));
    }
    ASSIGN_OR_RETURN(host_, Host::Open({.data_dir = env.data_dir,
                                        .bootstrap_servers = runtime::KafkaFor(env, sources),
                                        .sources = sources,
                                        .dead_letters = env.dead_letters,
                                        .executor = env.executor,
                                        .metrics = env.metrics,
                                        .memory = env.memory}));
    return absl::OkStatus();
  }
  std::vector<runtime::HostedService> services() const override {
    return {{host_->service(), Host::kServiceName}};
  }
  std::vector<projection::AdministeredProjection> projections() const override {
    return {host_->administered()};
  }
  void EndStreams() override {
    if (host_ != nullptr) host_->EndWatches();
  }
  void Stop() override { host_.reset(); }

  // The read side, after Start (nullptr before).
  Host* host() const { return host_.get(); }

 private:
  const std::string name_;
  const std::vector<std::string> reads_;
  const std::vector<std::string> try_;
  std::unique_ptr<Host> host_;
};

}  // namespace sales::projections_host

#endif  // SALES_SERVICES_PROJECTIONS_DASHBOARD_MODULE_H_
