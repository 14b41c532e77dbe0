#include "services/projections/funnel_module.h"

#include "common/status/status_macros.h"

namespace sales::funnel {

absl::Status FunnelModule::Start(const runtime::ModuleEnvironment& env) {
  ASSIGN_OR_RETURN(runtime::ContextEndpoint leads, env.contexts->Find("leads"));
  const std::vector<projection::ProjectionSource> sources = {runtime::SourceOf(leads)};
  ASSIGN_OR_RETURN(host_, FunnelHost::Open({.data_dir = env.data_dir,
                                            .bootstrap_servers = runtime::KafkaFor(env, sources),
                                            .sources = sources,
                                            .dead_letters = env.dead_letters,
                                            .executor = env.executor,
                                            .metrics = env.metrics,
                                            .memory = env.memory}));
  return absl::OkStatus();
}

std::vector<runtime::HostedService> FunnelModule::services() const {
  return {{host_->service(), FunnelHost::kServiceName}};
}

std::vector<projection::AdministeredProjection> FunnelModule::projections() const {
  return {host_->administered()};
}

void FunnelModule::EndStreams() {
  if (host_ != nullptr) host_->EndWatches();
}

}  // namespace sales::funnel
