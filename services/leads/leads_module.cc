#include "services/leads/leads_module.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/leads/demo_data.h"

namespace sales::leads {

absl::Status LeadsModule::Start(const runtime::ModuleEnvironment& env) {
  ASSIGN_OR_RETURN(app_, LeadsApp::Create({.store = env.write_side->store(),
                                           .read_model_path = env.data_dir + "/leads/read_model",
                                           .clock = env.clock}));
  service_ = std::make_unique<LeadServiceImpl>(app_.get(), env.executor);
  app_->StartOverdueScanner();
  return absl::OkStatus();
}

std::vector<runtime::HostedService> LeadsModule::services() const {
  return {{service_.get(), LeadServiceImpl::kServiceName}};
}

absl::StatusOr<std::string> LeadsModule::SeedDemoData(runtime::DemoClock& clock) {
  ASSIGN_OR_RETURN(int leads, leads::SeedDemoData(*app_, clock));
  return absl::StrCat(leads, " leads");
}

void LeadsModule::Stop() {
  service_.reset();
  app_.reset();  // stops the overdue scanner
}

}  // namespace sales::leads
