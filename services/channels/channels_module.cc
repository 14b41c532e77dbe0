#include "services/channels/channels_module.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/channels/demo_data.h"
#include "services/org/replica/module_org_replica.h"

namespace sales::channels {

namespace {

// How long demo seeding waits for the org replica to hold the demo organisation.
constexpr absl::Duration kDemoOrgWait = absl::Seconds(30);

}  // namespace

std::vector<std::string> ChannelsModule::try_commands() const {
  return {"channels list", "channels conflicts", "catalog consistency"};
}

absl::Status ChannelsModule::Start(const runtime::ModuleEnvironment& env) {
  ASSIGN_OR_RETURN(org_, org::OpenModuleOrgReplica(env, "channels"));
  ASSIGN_OR_RETURN(app_,
                   ChannelsApp::Create({.store = env.write_side->store(),
                                        .org = org_.get(),
                                        .read_model_path = env.data_dir + "/channels/read-model",
                                        .topic = env.write_side->topic(),
                                        .dead_letters = env.dead_letters,
                                        .metrics = env.metrics,
                                        .clock = env.clock,
                                        .memory = env.memory}));
  service_ = std::make_unique<ChannelServiceImpl>(app_.get(), env.executor);

  ASSIGN_OR_RETURN(runtime::ContextEndpoint leads, env.contexts->Find("leads"));
  const projection::ProjectionSource leads_source = runtime::SourceOf(leads);
  auto_claims_ = std::make_unique<AutoClaimProcess>(app_.get(), env.metrics);
  ASSIGN_OR_RETURN(
      auto_claim_runner_,
      projection::ProjectionRunner::Create(
          auto_claims_.get(), {.path = env.data_dir + "/channels/auto-claims",
                               .bootstrap_servers = runtime::KafkaFor(env, {leads_source}),
                               .sources = {leads_source},
                               .dead_letters = env.dead_letters,
                               .metrics = env.metrics,
                               .store = {.memory = env.memory},
                               .wake_batch_delay = projection::kBackgroundWakeBatchDelay}));
  return absl::OkStatus();
}

absl::Status ChannelsModule::StartBackgroundJobs() {
  auto_claim_runner_->Start();
  return absl::OkStatus();
}

std::vector<runtime::HostedService> ChannelsModule::services() const {
  return {{service_.get(), ChannelServiceImpl::kServiceName}};
}

std::vector<projection::AdministeredProjection> ChannelsModule::projections() const {
  return {app_->read_model(), org_->administered("org-replica@channels")};
}

absl::StatusOr<std::string> ChannelsModule::SeedDemoData(runtime::DemoClock& clock) {
  // The demo catalogue and agreements name the demo organisation's product lines and regions.
  RETURN_IF_ERROR(org_->CatchUp(kDemoOrgWait));
  if (org_->Current().version == 0) {
    return absl::FailedPreconditionError(
        "no organisation to seed demo channels into (seed org first)");
  }
  ASSIGN_OR_RETURN(DemoChannelsSummary seeded, channels::SeedDemoData(*app_, clock));
  return absl::StrCat(seeded.channels, " channels, ", seeded.products, " products");
}

void ChannelsModule::Stop() {
  auto_claim_runner_.reset();  // stops sending claims before the app goes
  auto_claims_.reset();
  service_.reset();
  app_.reset();
  org_.reset();
}

}  // namespace sales::channels
