// OrdersModule: the orders bounded context as a module (common/runtime/context_module.h) — its
// event store (opened by the host), its replicas of the org (<data_dir>/orders/org-replica), of
// the channels (catalogue, channels, agreements, price lists) and of the leads' deals
// (<data_dir>/orders/{channels,deals}-replica; app/placement_replicas.h), the OrdersApp with its
// read model in <data_dir>/orders/read-model, the OrderService adapter, the overdue-invoice
// scanner and the demo orders. salesd hosts it beside the other modules; the `orders` process
// hosts it alone and reads the org, channels and leads through
// --peers=org=HOST:PORT,channels=HOST:PORT,leads=HOST:PORT.
//
// Order streams carry their deal id on every envelope and the audit folds them with the order's
// own Evolve, so a deal's history runs from the lead to the order's payment and GetDealAsOf
// shows the order as of any instant.
//
// Thread-safety: see ContextModule; app() may be used from any thread after Start.
#ifndef SALES_SERVICES_ORDERS_ORDERS_MODULE_H_
#define SALES_SERVICES_ORDERS_ORDERS_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/eventsourcing/state_folder.h"
#include "common/runtime/context_module.h"
#include "services/orders/api/order_service_impl.h"
#include "services/orders/app/orders_app.h"
#include "services/orders/app/placement_replicas.h"
#include "services/orders/domain/aggregates.h"
#include "services/org/replica/org_replica.h"

namespace sales::orders {

class OrdersModule final : public runtime::ContextModule {
 public:
  static constexpr char kName[] = "orders";

  absl::string_view name() const override { return kName; }
  bool owns_store() const override { return true; }
  const eventsourcing::StateFolder* audit_folder() const override { return &folder_; }
  std::vector<std::string> try_commands() const override;

  absl::Status Start(const runtime::ModuleEnvironment& env) override;
  std::vector<runtime::HostedService> services() const override;
  std::vector<projection::AdministeredProjection> projections() const override;
  absl::StatusOr<std::string> SeedDemoData(runtime::DemoClock& clock) override;
  // The overdue-invoice scanner.
  absl::Status StartBackgroundJobs() override;
  void Stop() override;

  // The app, after Start (nullptr before).
  OrdersApp* app() const { return app_.get(); }

 private:
  const eventsourcing::EvolveStateFolder<v1::Order, v1::OrderEvent> folder_{&Evolve};
  std::unique_ptr<org::OrgReplica> org_;
  std::unique_ptr<PlacementReplicas> replicas_;
  std::unique_ptr<OrdersApp> app_;
  std::unique_ptr<OrderServiceImpl> service_;
};

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_ORDERS_MODULE_H_
