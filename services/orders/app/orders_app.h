// OrdersApp: the orders context's command handling — a table of commands over its three kinds
// of streams (customer-<id>, order-<id>, stock-<sku>); a command that changes several (confirm:
// the order, its customer's account and every line's stock) appends to all of them in one
// multi-stream append (eventsourcing::ExecuteMultiStreamCommand) at the versions it read them at,
// so an order is never confirmed without its reservations — the queries that read one aggregate
// (read-your-writes: a customer's account — its open invoices come from the read model — an
// order with its history, a SKU's stock), the lists and the aging report of its read model
// (read_model/read_model.h, a projection of its own store it follows in this process; eventually
// consistent), and the overdue-invoice scanner.
//
//   ASSIGN_OR_RETURN(auto app, OrdersApp::Create({.store = store, .org = &org_view,
//                                                .placement = &replicas,
//                                                .read_model_path = dir + "/read-model"}));
//   ASSIGN_OR_RETURN(v1::OrdersCommandResponse placed, app->PlaceOrder(request, origin));
//
// Placing an order reads the org replica (the rep credited) and the PlacementSources (the
// channels replica: catalogue, channel, agreements, prices; the deals replica); a NOT_FOUND or a
// refused rule decided on them is decided again once after they caught up, as the other
// contexts do with their org replica. Metrics: sales_orders_commands_total{command,outcome}.
//
// Thread-safety: every method may be called concurrently. Methods block on RocksDB: call them
// from an executor, not from a gRPC reaction thread.
#ifndef SALES_SERVICES_ORDERS_APP_ORDERS_APP_H_
#define SALES_SERVICES_ORDERS_APP_ORDERS_APP_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/concurrency/periodic_task.h"
#include "common/eventsourcing/aggregate_cache.h"
#include "common/eventsourcing/command_support.h"
#include "common/eventsourcing/multi_stream_command.h"
#include "common/eventstore/event_store.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/own_read_model.h"
#include "sales/channels/v1/model.pb.h"
#include "sales/orders/v1/orders.pb.h"
#include "services/orders/domain/aggregates.h"
#include "services/orders/read_model/read_model.h"
#include "services/org/replica/org_view.h"

namespace sales::orders {

using eventsourcing::CallOrigin;

// What placing an order reads of other contexts: in a process, their replicas
// (app/placement_replicas.h).
class PlacementSources {
 public:
  virtual ~PlacementSources() = default;
  // The channel as CheckOrderEligibility reads it, with the price entries of `skus`; nullopt when
  // there is no such channel.
  virtual absl::StatusOr<std::optional<channels::v1::Channel>> Channel(
      absl::string_view channel_id, const std::vector<std::string>& skus) const = 0;
  virtual absl::StatusOr<std::optional<channels::v1::Product>> Product(
      absl::string_view sku) const = 0;
  // Whether the deal is won; nullopt when there is no such deal.
  virtual absl::StatusOr<std::optional<bool>> DealWon(absl::string_view deal_id) const = 0;
  // Waits until the sources hold what their owners had written at the call (best effort).
  virtual absl::Status CatchUp(absl::Duration timeout) = 0;
};

struct OrdersAppOptions {
  eventstore::EventStore* store = nullptr;       // the orders event store; must outlive the app
  org::OrgView* org = nullptr;                   // the org replica; must outlive the app
  PlacementSources* placement = nullptr;         // the channels and deals replicas; must outlive it
  std::string read_model_path;                   // the read model's RocksDB directory; required
  std::string topic = "sales.orders.v1.events";  // the read model's source name
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // its poison events; null: logged only
  metrics::MetricsRegistry* metrics = nullptr;         // its runner's metrics; null: none
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // The aggregates' caches join it as "orders/customers", "orders/orders" and "orders/stock";
  // null: fixed sizes. Must outlive the app.
  memory::MemoryBudget* memory = nullptr;
  // How often the overdue scanner runs once started (StartOverdueScanner).
  absl::Duration overdue_scan_interval = absl::Minutes(1);
};

class OrdersApp {
 public:
  // INVALID_ARGUMENT without a store, an org view, placement sources or a read model path, or with
  // a scan interval ≤ 0; the read model's errors when it cannot be opened. The read model starts
  // following the store.
  static absl::StatusOr<std::unique_ptr<OrdersApp>> Create(OrdersAppOptions options);
  ~OrdersApp();

  // Customers.
  absl::StatusOr<v1::OrdersCommandResponse> RegisterCustomer(const v1::RegisterCustomerRequest&,
                                                             const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> ChangeCustomerCredit(
      const v1::ChangeCustomerCreditRequest&, const CallOrigin&);
  // Orders.
  absl::StatusOr<v1::OrdersCommandResponse> PlaceOrder(const v1::PlaceOrderRequest&,
                                                       const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> ConfirmOrder(const v1::ConfirmOrderRequest&,
                                                         const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> ReleaseCreditHold(const v1::ReleaseCreditHoldRequest&,
                                                              const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> CancelOrder(const v1::CancelOrderRequest&,
                                                        const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> ShipOrder(const v1::ShipOrderRequest&,
                                                      const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> DeliverOrder(const v1::DeliverOrderRequest&,
                                                         const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> InvoiceOrder(const v1::InvoiceOrderRequest&,
                                                         const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> RecordPayment(const v1::RecordPaymentRequest&,
                                                          const CallOrigin&);
  absl::StatusOr<v1::OrdersCommandResponse> ReturnItems(const v1::ReturnItemsRequest&,
                                                        const CallOrigin&);
  // Inventory (catalogue SKUs only: NOT_FOUND for another).
  absl::StatusOr<v1::OrdersCommandResponse> ReceiveStock(const v1::ReceiveStockRequest&,
                                                         const CallOrigin&);

  // Queries of one aggregate (NOT_FOUND for what does not exist; INVALID_ARGUMENT for a
  // malformed id).
  absl::StatusOr<v1::CustomerAccount> GetCustomer(const v1::GetCustomerRequest& request);
  absl::StatusOr<v1::Order> GetOrder(const v1::GetOrderRequest& request);
  // A SKU of the catalogue (the channels replica) with no stock stream yet has zero stock.
  absl::StatusOr<v1::StockLevel> GetStock(const v1::GetStockRequest& request);
  // Lists and reports (the read model; "today" from the app's clock, days in UTC).
  absl::StatusOr<v1::ListOrdersResponse> ListOrders(const v1::ListOrdersRequest& request);
  absl::StatusOr<v1::ListStockResponse> ListStock(const v1::ListStockRequest& request);
  absl::StatusOr<v1::AgingReport> GetAgingReport(const v1::GetAgingReportRequest& request);

  // Appends InvoiceOverdue (once per invoice) for every open invoice past its due date on the
  // clock's day, as the read model lists them; returns how many were appended.
  absl::StatusOr<int> ScanOverdue();
  // Runs ScanOverdue every options.overdue_scan_interval until the app is destroyed.
  void StartOverdueScanner();

  // Waits until the read model has applied everything appended so far (tests, demo seeding).
  absl::Status WaitForReadModel(absl::Duration timeout);
  // The read model, for ProjectionAdmin (status, checked rebuild).
  projection::AdministeredProjection read_model() const;

 private:
  explicit OrdersApp(OrdersAppOptions options);
  OrdersContext ContextAt(absl::Time now, const org::v1::SalesOrganisation& org,
                          const std::string& actor) const;

  // A command on an existing order and the aggregates around it: decide(streams, order, context)
  // returns the OrderChange, appended in one multi-stream append at the versions the decision
  // read (the order's, its customer's and its lines' stock streams are also locked, to spare
  // concurrent commands wasted attempts). Counted as `name`.
  using OrderDecision = std::function<absl::StatusOr<OrderChange>(
      eventsourcing::StreamSet& streams, const v1::Order& order, const OrdersContext& ctx)>;
  absl::StatusOr<v1::OrdersCommandResponse> OrderCommand(absl::string_view name,
                                                         const std::string& order_id,
                                                         const google::protobuf::Message& request,
                                                         const common::v1::CommandMeta& meta,
                                                         const CallOrigin& origin, bool locks_stock,
                                                         const OrderDecision& decide);
  // Appends every stream's events of `change` (loading the streams the decision did not).
  absl::Status AppendChange(eventsourcing::StreamSet& streams, const v1::Order& order,
                            const OrderChange& change);
  // The stock states of the order's lines' SKUs, loaded into `streams`.
  absl::StatusOr<std::vector<std::shared_ptr<const v1::Stock>>> LoadLineStock(
      eventsourcing::StreamSet& streams, const v1::Order& order, StockStates& states);
  // The order's status after its first `version` events (a replay's answer).
  absl::StatusOr<v1::OrderStatus> StatusAtVersion(const std::string& order_id, uint64_t version);

  const OrdersAppOptions options_;
  OrdersReadModelProjection projection_;
  std::unique_ptr<projection::OwnReadModel> read_model_;  // follows this app's store
  std::unique_ptr<OrdersReadModel> model_;
  eventsourcing::AggregateCache<v1::Customer> customers_;
  eventsourcing::AggregateCache<v1::Order> orders_;
  eventsourcing::AggregateCache<v1::Stock> stock_;
  eventsourcing::StreamLocks locks_;
  const eventsourcing::CommandCounter counter_{"orders"};
  absl::Mutex scanner_mu_;
  std::unique_ptr<concurrency::PeriodicTask> scanner_ ABSL_GUARDED_BY(scanner_mu_);
};

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_APP_ORDERS_APP_H_
