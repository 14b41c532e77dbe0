// PlacementReplicas: the orders context's replicas of the data placing an order is checked
// against (DESIGN.md: "a context that needs another's data keeps a replica built by the common
// projection runner from that context's topic"):
//   channels  the channels read model's projection (catalogue, channels with their agreement
//             versions, price lists) run on the channels topic, so the order check is the channels
//             domain's CheckOrderEligibility on the very rows the channels service lists;
//   deals     leads::DealsReplica on the leads topic (a deal must be won to be ordered from).
//
//   ASSIGN_OR_RETURN(auto replicas, PlacementReplicas::Open({.dir = data_dir + "/orders",
//       .channels = channels_source, .leads = leads_source, .dead_letters = dlq}));
//   ASSIGN_OR_RETURN(auto app, OrdersApp::Create({…, .placement = replicas.get()}));
//
// Thread-safety: every method may be called from any thread. Destroy before the feeds and the
// dead-letter publisher it was opened with.
#ifndef SALES_SERVICES_ORDERS_APP_PLACEMENT_REPLICAS_H_
#define SALES_SERVICES_ORDERS_APP_PLACEMENT_REPLICAS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/projection_runner.h"
#include "services/channels/read_model/read_model.h"
#include "services/leads/replica/deals_replica.h"
#include "services/orders/app/orders_app.h"

namespace sales::orders {

struct PlacementReplicasOptions {
  std::string dir;  // the replicas go in <dir>/channels-replica and <dir>/deals-replica
  // Kafka for each (empty: follow the source's feed in this process; runtime::KafkaFor).
  std::string channels_bootstrap_servers;
  std::string leads_bootstrap_servers;
  projection::ProjectionSource channels;               // the channels topic and feed
  projection::ProjectionSource leads;                  // the leads topic and feed
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // required; not owned
  metrics::MetricsRegistry* metrics = nullptr;
  memory::MemoryBudget* memory = nullptr;
};

class PlacementReplicas final : public PlacementSources {
 public:
  static absl::StatusOr<std::unique_ptr<PlacementReplicas>> Open(PlacementReplicasOptions options);
  ~PlacementReplicas() override;

  absl::StatusOr<std::optional<channels::v1::Channel>> Channel(
      absl::string_view channel_id, const std::vector<std::string>& skus) const override;
  absl::StatusOr<std::optional<channels::v1::Product>> Product(
      absl::string_view sku) const override;
  absl::StatusOr<std::optional<bool>> DealWon(absl::string_view deal_id) const override;
  absl::Status CatchUp(absl::Duration timeout) override;

  // For ProjectionAdmin: "channels-replica@orders", "deals-replica@orders".
  std::vector<projection::AdministeredProjection> administered() const;

 private:
  PlacementReplicas() = default;

  channels::ChannelsReadModelProjection channels_projection_;
  projection::ProjectionSource channels_source_;
  std::unique_ptr<projection::ProjectionRunner> channels_runner_;
  std::unique_ptr<channels::ChannelsReadModel> channels_;
  std::unique_ptr<leads::DealsReplica> deals_;
};

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_APP_PLACEMENT_REPLICAS_H_
