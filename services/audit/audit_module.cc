#include "services/audit/audit_module.h"

#include "common/status/status_macros.h"

namespace sales::audit {

absl::Status AuditModule::Start(const runtime::ModuleEnvironment& env) {
  AuditHostOptions options{.data_dir = env.data_dir,
                           .dead_letters = env.dead_letters,
                           .executor = env.executor,
                           .metrics = env.metrics,
                           .memory = env.memory};
  for (const runtime::ContextEndpoint& context : env.contexts->Reachable()) {
    options.sources.push_back(runtime::SourceOf(context));
    options.feeds[context.name] = context.feed;
    if (context.folder != nullptr) options.folders[context.name] = context.folder;
  }
  if (options.sources.empty()) {
    return absl::FailedPreconditionError(
        "no context with an event store is reachable: host one here (--contexts) or give its "
        "process's address (--peers=NAME=HOST:PORT)");
  }
  options.bootstrap_servers = runtime::KafkaFor(env, options.sources);
  ASSIGN_OR_RETURN(host_, AuditHost::Open(std::move(options)));
  return absl::OkStatus();
}

std::vector<runtime::HostedService> AuditModule::services() const {
  return {{host_->service(), AuditHost::kServiceName}};
}

std::vector<projection::AdministeredProjection> AuditModule::projections() const {
  return {host_->administered()};
}

}  // namespace sales::audit
