// The org replica a context's module keeps: <data_dir>/<context>/org-replica, fed by the org
// context's topic (or directly by its store when it is in the same process), as every context
// that decides on the organisation needs one.
//
//   ASSIGN_OR_RETURN(org_, org::OpenModuleOrgReplica(env, "orders"));
//   … admin: org_->administered("org-replica@orders")
#ifndef SALES_SERVICES_ORG_REPLICA_MODULE_ORG_REPLICA_H_
#define SALES_SERVICES_ORG_REPLICA_MODULE_ORG_REPLICA_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/runtime/context_module.h"
#include "services/org/replica/org_replica.h"

namespace sales::org {

// Find("org")'s error when the org context is not reachable.
absl::StatusOr<std::unique_ptr<OrgReplica>> OpenModuleOrgReplica(
    const runtime::ModuleEnvironment& env, absl::string_view context);

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_REPLICA_MODULE_ORG_REPLICA_H_
