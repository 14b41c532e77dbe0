#include "services/org/org_module.h"

#include "common/status/status_macros.h"
#include "services/org/demo_data.h"

namespace sales::org {

absl::Status OrgModule::Start(const runtime::ModuleEnvironment& env) {
  ASSIGN_OR_RETURN(app_, OrgApp::Create({.store = env.write_side->store(), .clock = env.clock}));
  service_ = std::make_unique<OrgServiceImpl>(app_.get(), env.executor);
  return absl::OkStatus();
}

std::vector<runtime::HostedService> OrgModule::services() const {
  return {{service_.get(), OrgServiceImpl::kServiceName}};
}

absl::StatusOr<std::string> OrgModule::SeedDemoData(runtime::DemoClock& clock) {
  RETURN_IF_ERROR(SeedDemoOrganisation(*app_, clock));
  return std::string("an organisation of 3 teams and 6 reps");
}

void OrgModule::Stop() {
  service_.reset();
  app_.reset();
}

}  // namespace sales::org
