#include "services/orders/app/placement_replicas.h"

#include <utility>

#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales::orders {

absl::StatusOr<std::unique_ptr<PlacementReplicas>> PlacementReplicas::Open(
    PlacementReplicasOptions options) {
  if (options.channels.feed == nullptr) return InvalidField("channels.feed", "required");
  if (options.dead_letters == nullptr) return InvalidField("dead_letters", "required");
  auto replicas = std::unique_ptr<PlacementReplicas>(new PlacementReplicas());
  replicas->channels_source_ = options.channels;
  ASSIGN_OR_RETURN(
      replicas->channels_runner_,
      projection::ProjectionRunner::Create(&replicas->channels_projection_,
                                           {.path = options.dir + "/channels-replica",
                                            .bootstrap_servers = options.channels_bootstrap_servers,
                                            .sources = {options.channels},
                                            .dead_letters = options.dead_letters,
                                            .metrics = options.metrics,
                                            .store = {.memory = options.memory}}));
  replicas->channels_ =
      std::make_unique<channels::ChannelsReadModel>(&replicas->channels_runner_->store());
  ASSIGN_OR_RETURN(replicas->deals_,
                   leads::DealsReplica::Open({.path = options.dir + "/deals-replica",
                                              .bootstrap_servers = options.leads_bootstrap_servers,
                                              .source = options.leads,
                                              .dead_letters = options.dead_letters,
                                              .metrics = options.metrics,
                                              .memory = options.memory}));
  replicas->channels_runner_->Start();
  return replicas;
}

PlacementReplicas::~PlacementReplicas() {
  if (channels_runner_ != nullptr) channels_runner_->Stop();
}

absl::StatusOr<std::optional<channels::v1::Channel>> PlacementReplicas::Channel(
    absl::string_view channel_id, const std::vector<std::string>& skus) const {
  return channels_->OrderCheckView(channel_id, skus);
}

absl::StatusOr<std::optional<channels::v1::Product>> PlacementReplicas::Product(
    absl::string_view sku) const {
  return channels_->FindProduct(sku);
}

absl::StatusOr<std::optional<bool>> PlacementReplicas::DealWon(absl::string_view deal_id) const {
  ASSIGN_OR_RETURN(std::optional<leads::DealStatus> status, deals_->Find(deal_id));
  if (!status.has_value()) return std::nullopt;
  return *status == leads::DealStatus::kWon;
}

absl::Status PlacementReplicas::CatchUp(absl::Duration timeout) {
  const absl::Status channels = channels_runner_->AwaitCaughtUp(timeout);
  const absl::Status deals = deals_->CatchUp(timeout);
  return channels.ok() ? deals : channels;
}

std::vector<projection::AdministeredProjection> PlacementReplicas::administered() const {
  return {
      {.name = "channels-replica@orders",
       .runner = channels_runner_.get(),
       .sources = {channels_source_},
       .make_projection = [] { return std::make_unique<channels::ChannelsReadModelProjection>(); }},
      deals_->administered("deals-replica@orders")};
}

}  // namespace sales::orders
