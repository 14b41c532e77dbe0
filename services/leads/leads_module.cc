#include "services/leads/leads_module.h"

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "services/leads/demo_data.h"
#include "services/org/replica/module_org_replica.h"

namespace sales::leads {

namespace {

// How long demo seeding waits for the org replica to hold the demo organisation.
constexpr absl::Duration kDemoOrgWait = absl::Seconds(30);

// The read model of the layout before it ran on the projection runner: derived data, rebuilt
// from the store in the new place, so the old directory is only removed.
absl::Status RemoveEarlierReadModel(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return absl::OkStatus();
  std::filesystem::remove_all(path, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot remove the earlier read model ", path, ": ", error.message()));
  }
  log::Info("leads.read_model.earlier_layout_removed", {{"path", path}});
  return absl::OkStatus();
}

}  // namespace

absl::Status LeadsModule::Start(const runtime::ModuleEnvironment& env) {
  ASSIGN_OR_RETURN(eventstore::StreamHead old_org, env.write_side->store()->GetStreamHead("org"));
  if (old_org.version > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the leads store in ", env.data_dir,
        " was written by an earlier layout (the organisation inside leads); the organisation is "
        "now the org context's: start on a new --data_dir"));
  }
  ASSIGN_OR_RETURN(org_, org::OpenModuleOrgReplica(env, "leads"));
  RETURN_IF_ERROR(RemoveEarlierReadModel(env.data_dir + "/leads/read_model"));
  ASSIGN_OR_RETURN(app_, LeadsApp::Create({.store = env.write_side->store(),
                                           .org = org_.get(),
                                           .read_model_path = env.data_dir + "/leads/read-model",
                                           .topic = env.write_side->topic(),
                                           .dead_letters = env.dead_letters,
                                           .metrics = env.metrics,
                                           .clock = env.clock,
                                           .memory = env.memory}));
  service_ = std::make_unique<LeadServiceImpl>(app_.get(), env.executor);
  return absl::OkStatus();
}

absl::Status LeadsModule::StartBackgroundJobs() {
  app_->StartOverdueScanner();
  return absl::OkStatus();
}

std::vector<runtime::HostedService> LeadsModule::services() const {
  return {{service_.get(), LeadServiceImpl::kServiceName}};
}

std::vector<projection::AdministeredProjection> LeadsModule::projections() const {
  return {app_->read_model(), org_->administered("org-replica@leads")};
}

absl::StatusOr<std::string> LeadsModule::SeedDemoData(runtime::DemoClock& clock) {
  // The demo leads name the demo organisation's regions, teams and reps.
  RETURN_IF_ERROR(org_->CatchUp(kDemoOrgWait));
  if (org_->Current().version == 0) {
    return absl::FailedPreconditionError(
        "no organisation to seed demo leads into (seed org first)");
  }
  ASSIGN_OR_RETURN(int leads, leads::SeedDemoData(*app_, clock));
  return absl::StrCat(leads, " leads");
}

void LeadsModule::Stop() {
  service_.reset();
  app_.reset();  // stops the overdue scanner
  org_.reset();
}

}  // namespace sales::leads
