#include "services/org/replica/module_org_replica.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::org {

absl::StatusOr<std::unique_ptr<OrgReplica>> OpenModuleOrgReplica(
    const runtime::ModuleEnvironment& env, absl::string_view context) {
  ASSIGN_OR_RETURN(runtime::ContextEndpoint org, env.contexts->Find("org"));
  const projection::ProjectionSource source = runtime::SourceOf(org);
  return OrgReplica::Open({.path = absl::StrCat(env.data_dir, "/", context, "/org-replica"),
                           .bootstrap_servers = runtime::KafkaFor(env, {source}),
                           .source = source,
                           .dead_letters = env.dead_letters,
                           .metrics = env.metrics,
                           .memory = env.memory});
}

}  // namespace sales::org
