#include "services/orders/orders_module.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/orders/demo_data.h"
#include "services/org/replica/module_org_replica.h"

namespace sales::orders {

namespace {

// How long demo seeding waits for the replicas to hold the demo organisation, channels and deals.
constexpr absl::Duration kDemoReplicaWait = absl::Seconds(30);

}  // namespace

std::vector<std::string> OrdersModule::try_commands() const {
  return {"orders list", "customers show C-JINLING", "inventory list", "receivables aging"};
}

absl::Status OrdersModule::Start(const runtime::ModuleEnvironment& env) {
  ASSIGN_OR_RETURN(runtime::ContextEndpoint channels, env.contexts->Find("channels"));
  ASSIGN_OR_RETURN(runtime::ContextEndpoint leads, env.contexts->Find("leads"));
  const projection::ProjectionSource channels_source = runtime::SourceOf(channels);
  const projection::ProjectionSource leads_source = runtime::SourceOf(leads);
  ASSIGN_OR_RETURN(org_, org::OpenModuleOrgReplica(env, "orders"));
  ASSIGN_OR_RETURN(replicas_,
                   PlacementReplicas::Open(
                       {.dir = env.data_dir + "/orders",
                        .channels_bootstrap_servers = runtime::KafkaFor(env, {channels_source}),
                        .leads_bootstrap_servers = runtime::KafkaFor(env, {leads_source}),
                        .channels = channels_source,
                        .leads = leads_source,
                        .dead_letters = env.dead_letters,
                        .metrics = env.metrics,
                        .memory = env.memory}));
  ASSIGN_OR_RETURN(app_, OrdersApp::Create({.store = env.write_side->store(),
                                            .org = org_.get(),
                                            .placement = replicas_.get(),
                                            .read_model_path = env.data_dir + "/orders/read-model",
                                            .topic = env.write_side->topic(),
                                            .dead_letters = env.dead_letters,
                                            .metrics = env.metrics,
                                            .clock = env.clock,
                                            .memory = env.memory}));
  service_ = std::make_unique<OrderServiceImpl>(app_.get(), env.executor);
  return absl::OkStatus();
}

absl::Status OrdersModule::StartBackgroundJobs() {
  app_->StartOverdueScanner();
  return absl::OkStatus();
}

std::vector<runtime::HostedService> OrdersModule::services() const {
  return {{service_.get(), OrderServiceImpl::kServiceName}};
}

std::vector<projection::AdministeredProjection> OrdersModule::projections() const {
  std::vector<projection::AdministeredProjection> projections = {
      app_->read_model(), org_->administered("org-replica@orders")};
  for (projection::AdministeredProjection& replica : replicas_->administered()) {
    projections.push_back(std::move(replica));
  }
  return projections;
}

absl::StatusOr<std::string> OrdersModule::SeedDemoData(runtime::DemoClock& clock) {
  // The demo orders name the demo organisation's reps, the demo channels and SKUs and the demo
  // leads' won deals: wait until the replicas hold them.
  RETURN_IF_ERROR(org_->CatchUp(kDemoReplicaWait));
  RETURN_IF_ERROR(replicas_->CatchUp(kDemoReplicaWait));
  if (org_->Current().version == 0) {
    return absl::FailedPreconditionError(
        "no organisation to seed demo orders into (seed org first)");
  }
  ASSIGN_OR_RETURN(DemoOrdersSummary seeded, orders::SeedDemoData(*app_, clock));
  return absl::StrCat(seeded.customers, " customers, ", seeded.orders, " orders");
}

void OrdersModule::Stop() {
  service_.reset();
  app_.reset();  // stops the overdue scanner
  replicas_.reset();
  org_.reset();
}

}  // namespace sales::orders
