#include "services/incentives/incentives_module.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/incentives/demo_data.h"
#include "services/org/replica/module_org_replica.h"

namespace sales::incentives {

namespace {

// How long demo seeding waits for the org replica to hold the demo organisation.
constexpr absl::Duration kDemoOrgWait = absl::Seconds(30);

}  // namespace

std::vector<std::string> IncentivesModule::try_commands() const {
  return {"commissions statement --rep huang.lan", "targets gaps --year 2026", "plans list"};
}

absl::Status IncentivesModule::Start(const runtime::ModuleEnvironment& env) {
  ASSIGN_OR_RETURN(runtime::ContextEndpoint orders, env.contexts->Find("orders"));
  ASSIGN_OR_RETURN(runtime::ContextEndpoint leads, env.contexts->Find("leads"));
  const projection::ProjectionSource orders_source = runtime::SourceOf(orders);
  const projection::ProjectionSource leads_source = runtime::SourceOf(leads);
  ASSIGN_OR_RETURN(org_, org::OpenModuleOrgReplica(env, "incentives"));
  ASSIGN_OR_RETURN(app_,
                   IncentivesApp::Create(
                       {.store = env.write_side->store(), .org = org_.get(), .clock = env.clock}));
  service_ = std::make_unique<IncentiveServiceImpl>(app_.get(), env.executor);
  ledger_ = std::make_unique<LedgerProcess>(app_.get(), env.metrics);
  ASSIGN_OR_RETURN(ledger_runner_,
                   projection::ProjectionRunner::Create(
                       ledger_.get(),
                       {.path = env.data_dir + "/incentives/ledger-process",
                        .bootstrap_servers = runtime::KafkaFor(env, {orders_source, leads_source}),
                        .sources = {orders_source, leads_source},
                        .dead_letters = env.dead_letters,
                        .metrics = env.metrics,
                        .store = {.memory = env.memory},
                        .wake_batch_delay = projection::kBackgroundWakeBatchDelay}));
  return absl::OkStatus();
}

absl::Status IncentivesModule::StartBackgroundJobs() {
  ledger_runner_->Start();
  return absl::OkStatus();
}

std::vector<runtime::HostedService> IncentivesModule::services() const {
  return {{service_.get(), IncentiveServiceImpl::kServiceName}};
}

std::vector<projection::AdministeredProjection> IncentivesModule::projections() const {
  return {org_->administered("org-replica@incentives")};
}

absl::StatusOr<std::string> IncentivesModule::SeedDemoData(runtime::DemoClock& clock) {
  // The demo targets and plans name the demo organisation's nodes and reps.
  RETURN_IF_ERROR(org_->CatchUp(kDemoOrgWait));
  if (org_->Current().version == 0) {
    return absl::FailedPreconditionError(
        "no organisation to seed demo incentives into (seed org first)");
  }
  ASSIGN_OR_RETURN(DemoIncentivesSummary seeded, incentives::SeedDemoData(*app_, clock));
  return absl::StrCat(seeded.targets, " targets, ", seeded.plans, " plans, ", seeded.splits,
                      " credit split");
}

void IncentivesModule::Stop() {
  ledger_runner_.reset();  // stops recording before the app goes
  ledger_.reset();
  service_.reset();
  app_.reset();
  org_.reset();
}

}  // namespace sales::incentives
