#include "services/orders/app/orders_app.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/aggregate_loader.h"
#include "common/eventsourcing/command_executor.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventsourcing/multi_stream_command.h"
#include "common/log/log.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/validation/field_validation.h"
#include "services/orders/domain/validation.h"

namespace sales::orders {
namespace {

// How long a decision refused on the replicas waits for them to catch up before deciding again.
constexpr absl::Duration kReplicaCatchUpTimeout = absl::Seconds(1);
// Fixed cache sizes without a memory budget.
constexpr size_t kCacheBytes = size_t{32} << 20;
// Orders the overdue scanner reports per run (the rest on the next run).
constexpr size_t kMaxOverduePerScan = 1'000;
constexpr absl::string_view kScannerActor = "system:overdue-scanner";

v1::Customer EvolveCustomer(v1::Customer customer, const v1::CustomerEvent& event) {
  return Evolve(std::move(customer), event);
}
v1::Order EvolveOrder(v1::Order order, const v1::OrderEvent& event) {
  return Evolve(std::move(order), event);
}
v1::Stock EvolveStock(v1::Stock stock, const v1::StockEvent& event) {
  return Evolve(std::move(stock), event);
}
std::string NoDeal(const v1::Customer&) { return ""; }

bool IsRefusalWorthACatchUp(const absl::Status& status) {
  return absl::IsNotFound(status) || absl::IsFailedPrecondition(status);
}

// What placing an order looked up of the other contexts, kept alive for DecidePlace.
struct Placement {
  std::optional<channels::v1::Channel> channel;
  std::map<std::string, channels::v1::Product, std::less<>> products;
  std::map<std::string, std::optional<bool>> deals;

  PlacementLookups Lookups() const {
    return {.channel = channel.has_value() ? &*channel : nullptr,
            .products = [this](absl::string_view sku) -> const channels::v1::Product* {
              auto it = products.find(sku);
              return it == products.end() ? nullptr : &it->second;
            },
            .deal_won = [this](absl::string_view deal_id) -> std::optional<bool> {
              auto it = deals.find(std::string(deal_id));
              return it == deals.end() ? std::nullopt : it->second;
            }};
  }
};

absl::StatusOr<Placement> LookUpPlacement(const PlacementSources& sources,
                                          const v1::PlaceOrderRequest& c) {
  Placement placement;
  std::vector<std::string> skus;
  skus.reserve(c.lines_size());
  for (const v1::PlaceOrderLine& line : c.lines()) {
    skus.push_back(line.sku());
    ASSIGN_OR_RETURN(std::optional<channels::v1::Product> product, sources.Product(line.sku()));
    if (product.has_value()) placement.products.emplace(line.sku(), *std::move(product));
  }
  ASSIGN_OR_RETURN(placement.channel, sources.Channel(c.channel_id(), skus));
  if (!c.deal_id().empty()) {
    ASSIGN_OR_RETURN(placement.deals[c.deal_id()], sources.DealWon(c.deal_id()));
  }
  return placement;
}

}  // namespace

absl::StatusOr<std::unique_ptr<OrdersApp>> OrdersApp::Create(OrdersAppOptions options) {
  if (options.store == nullptr) return absl::InvalidArgumentError("OrdersApp: store is required");
  if (options.org == nullptr) return absl::InvalidArgumentError("OrdersApp: org is required");
  if (options.placement == nullptr) {
    return absl::InvalidArgumentError("OrdersApp: placement sources are required");
  }
  if (options.read_model_path.empty()) {
    return absl::InvalidArgumentError("OrdersApp: read_model_path is required");
  }
  if (options.overdue_scan_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("OrdersApp: overdue_scan_interval must be positive");
  }
  auto app = std::unique_ptr<OrdersApp>(new OrdersApp(std::move(options)));
  ASSIGN_OR_RETURN(app->read_model_,
                   projection::OwnReadModel::Start(&app->projection_,
                                                   {.store = app->options_.store,
                                                    .topic = app->options_.topic,
                                                    .path = app->options_.read_model_path,
                                                    .dead_letters = app->options_.dead_letters,
                                                    .metrics = app->options_.metrics,
                                                    .memory = app->options_.memory}));
  app->model_ = std::make_unique<OrdersReadModel>(&app->read_model_->store());
  return app;
}

OrdersApp::~OrdersApp() {
  absl::MutexLock lock(&scanner_mu_);
  scanner_.reset();  // waits for a scan in progress
}

OrdersApp::OrdersApp(OrdersAppOptions options)
    : options_(std::move(options)),
      customers_(memory::JoinCachesOrFixed(options_.memory, "orders/customers", 1, kCacheBytes)),
      orders_(memory::JoinCachesOrFixed(options_.memory, "orders/orders", 2, kCacheBytes)),
      stock_(memory::JoinCachesOrFixed(options_.memory, "orders/stock", 1, kCacheBytes)) {}

OrdersContext OrdersApp::ContextAt(absl::Time now, const org::v1::SalesOrganisation& org,
                                   const std::string& actor) const {
  return {
      .now = now, .today = absl::ToCivilDay(now, absl::UTCTimeZone()), .org = org, .actor = actor};
}

// ---- Customers ----

namespace {

template <typename Request>
absl::StatusOr<eventsourcing::CommandOutcome<v1::Customer>> ExecuteCustomerCommand(
    eventstore::EventStore& store, eventsourcing::StreamLocks& locks,
    eventsourcing::AggregateCache<v1::Customer>& cache, const Request& request,
    const CallOrigin& origin, const OrdersContext& ctx) {
  const std::string stream_id = CustomerStreamId(request.customer_id());
  absl::MutexLock lock(&locks.For(stream_id));
  return eventsourcing::ExecuteCommand<v1::CustomerEvent>(
      store,
      eventsourcing::OptionsFor(stream_id, request.meta(), origin,
                                eventsourcing::RequestFingerprint(request)),
      v1::Customer(), &EvolveCustomer,
      [&](const v1::Customer& customer) { return Decide(customer, request, ctx); }, &NoDeal, &cache,
      eventsourcing::OccurredAtOfEvent(ctx.now));
}

}  // namespace

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::RegisterCustomer(
    const v1::RegisterCustomerRequest& r, const CallOrigin& o) {
  RETURN_IF_ERROR(ValidateRegisterCustomer(r));
  auto outcome = org::DecideWithOrgCatchUp(*options_.org, kReplicaCatchUpTimeout, [&] {
    const org::OrgView::Snapshot org = options_.org->Current();
    return ExecuteCustomerCommand(
        *options_.store, locks_, customers_, r, o,
        ContextAt(o.caused_at.value_or(options_.clock()), *org.organisation, r.meta().actor()));
  });
  counter_.Count("RegisterCustomer", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  v1::OrdersCommandResponse response;
  response.set_stream_version(outcome->version);
  return response;
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::ChangeCustomerCredit(
    const v1::ChangeCustomerCreditRequest& r, const CallOrigin& o) {
  RETURN_IF_ERROR(ValidateChangeCustomerCredit(r));
  const org::OrgView::Snapshot org = options_.org->Current();
  auto outcome = ExecuteCustomerCommand(
      *options_.store, locks_, customers_, r, o,
      ContextAt(o.caused_at.value_or(options_.clock()), *org.organisation, r.meta().actor()));
  counter_.Count("ChangeCustomerCredit", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  v1::OrdersCommandResponse response;
  response.set_stream_version(outcome->version);
  return response;
}

// ---- Orders ----

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::PlaceOrder(const v1::PlaceOrderRequest& r,
                                                                const CallOrigin& o) {
  v1::PlaceOrderRequest command = r;
  if (command.order_id().empty()) command.set_order_id(eventsourcing::GeneratedId("O-", r.meta()));
  RETURN_IF_ERROR(ValidatePlaceOrder(command));
  const std::string stream_id = OrderStreamId(command.order_id());
  eventsourcing::CommandOptions options =
      eventsourcing::OptionsFor(stream_id, r.meta(), o, eventsourcing::RequestFingerprint(r));
  auto place = [&]() -> absl::StatusOr<eventsourcing::MultiStreamOutcome> {
    ASSIGN_OR_RETURN(Placement placement, LookUpPlacement(*options_.placement, command));
    const org::OrgView::Snapshot org = options_.org->Current();
    const OrdersContext ctx =
        ContextAt(o.caused_at.value_or(options_.clock()), *org.organisation, r.meta().actor());
    absl::MutexLock lock(&locks_.For(stream_id));
    return eventsourcing::ExecuteMultiStreamCommand(
        *options_.store, options,
        [&](eventsourcing::StreamSet& streams) -> absl::Status {
          ASSIGN_OR_RETURN(auto order, streams.Load<v1::OrderEvent>(stream_id, v1::Order(),
                                                                    &EvolveOrder, &orders_));
          ASSIGN_OR_RETURN(auto customer, streams.Load<v1::CustomerEvent>(
                                              CustomerStreamId(command.customer_id()),
                                              v1::Customer(), &EvolveCustomer, &customers_));
          ASSIGN_OR_RETURN(OrderEvents events,
                           DecidePlace(*order, *customer, command, placement.Lookups(), ctx));
          return streams.Append(stream_id, events, command.deal_id());
        },
        eventsourcing::OccurredAtOfEvent(ctx.now));
  };
  absl::StatusOr<eventsourcing::MultiStreamOutcome> outcome = place();
  // Refused on what the replicas hold: maybe what was just created elsewhere is not in them
  // yet. Decided again once they caught up.
  if (IsRefusalWorthACatchUp(outcome.status())) {
    const absl::Status org_caught_up = options_.org->CatchUp(kReplicaCatchUpTimeout);
    const absl::Status caught_up = options_.placement->CatchUp(kReplicaCatchUpTimeout);
    if (org_caught_up.ok() || caught_up.ok()) outcome = place();
  }
  counter_.Count("PlaceOrder", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  if (!outcome->results.empty()) read_model_->Wake();
  v1::OrdersCommandResponse response;
  response.set_order_id(command.order_id());
  response.set_stream_version(outcome->version);
  response.set_status(v1::ORDER_STATUS_PLACED);  // also what a replay of it answered
  return response;
}

absl::StatusOr<std::vector<std::shared_ptr<const v1::Stock>>> OrdersApp::LoadLineStock(
    eventsourcing::StreamSet& streams, const v1::Order& order, StockStates& states) {
  std::vector<std::shared_ptr<const v1::Stock>> loaded;
  loaded.reserve(order.lines_size());
  for (const v1::OrderLine& line : order.lines()) {
    ASSIGN_OR_RETURN(loaded.emplace_back(),
                     streams.Load<v1::StockEvent>(StockStreamId(line.sku()), v1::Stock(),
                                                  &EvolveStock, &stock_));
    states[line.sku()] = loaded.back().get();
  }
  return loaded;
}

absl::Status OrdersApp::AppendChange(eventsourcing::StreamSet& streams, const v1::Order& order,
                                     const OrderChange& change) {
  // Streams the decision did not read are loaded here for their versions: their events do not
  // depend on their state (a hold released, consumed or restocked is the order's own), but the
  // append must still come after whatever they hold. Streams the decision read keep the version
  // it read them at.
  RETURN_IF_ERROR(streams.Append(OrderStreamId(order.order_id()), change.order, order.deal_id()));
  if (!change.customer.empty()) {
    const std::string customer_stream = CustomerStreamId(order.customer_id());
    if (!streams.loaded(customer_stream)) {
      RETURN_IF_ERROR(streams
                          .Load<v1::CustomerEvent>(customer_stream, v1::Customer(), &EvolveCustomer,
                                                   &customers_)
                          .status());
    }
    RETURN_IF_ERROR(streams.Append(customer_stream, change.customer, ""));
  }
  for (const auto& [sku, events] : change.stock) {
    const std::string stock_stream = StockStreamId(sku);
    if (!streams.loaded(stock_stream)) {
      RETURN_IF_ERROR(
          streams.Load<v1::StockEvent>(stock_stream, v1::Stock(), &EvolveStock, &stock_).status());
    }
    RETURN_IF_ERROR(streams.Append(stock_stream, events, ""));
  }
  if (!change.other_orders.empty()) {
    // Only receipts fill other orders' back-orders, and ReceiveStock appends them itself.
    return absl::InternalError(absl::StrCat("an order command changed another order (",
                                            change.other_orders.begin()->first, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::OrderCommand(
    absl::string_view name, const std::string& order_id, const google::protobuf::Message& request,
    const common::v1::CommandMeta& meta, const CallOrigin& origin, bool locks_stock,
    const OrderDecision& decide) {
  RETURN_IF_ERROR(ValidateId("order_id", order_id));
  const std::string stream_id = OrderStreamId(order_id);
  // The streams the command will likely append to are locked together (StreamLocks::Held): the
  // order, its customer and (for commands that move stock) its lines' SKUs — the order's
  // customer and lines never change after placement. The locks only spare concurrent commands
  // on the same streams wasted attempts; correctness comes from the append's expected versions
  // (a stream that moved since the decision read it makes the command decide again).
  std::vector<std::string> locked = {stream_id};
  ASSIGN_OR_RETURN(auto current,
                   eventsourcing::LoadAggregate<v1::OrderEvent>(
                       *options_.store, stream_id, v1::Order(), &EvolveOrder, {}, &orders_));
  if (!current.state->order_id().empty()) {
    locked.push_back(CustomerStreamId(current.state->customer_id()));
    if (locks_stock) {
      for (const v1::OrderLine& line : current.state->lines()) {
        locked.push_back(StockStreamId(line.sku()));
      }
    }
  }
  const org::OrgView::Snapshot org = options_.org->Current();
  const OrdersContext ctx =
      ContextAt(origin.caused_at.value_or(options_.clock()), *org.organisation, meta.actor());
  eventsourcing::CommandOptions options = eventsourcing::OptionsFor(
      stream_id, meta, origin, eventsourcing::RequestFingerprint(request));
  v1::OrderStatus decided_status = v1::ORDER_STATUS_UNSPECIFIED;  // of the attempt that landed
  absl::StatusOr<eventsourcing::MultiStreamOutcome> outcome;
  {
    eventsourcing::StreamLocks::Held held(locks_, locked);
    outcome = eventsourcing::ExecuteMultiStreamCommand(
        *options_.store, options,
        [&](eventsourcing::StreamSet& streams) -> absl::Status {
          ASSIGN_OR_RETURN(auto order, streams.Load<v1::OrderEvent>(stream_id, v1::Order(),
                                                                    &EvolveOrder, &orders_));
          ASSIGN_OR_RETURN(OrderChange change, decide(streams, *order, ctx));
          v1::Order after = *order;
          for (const v1::OrderEvent& event : change.order) after = Evolve(std::move(after), event);
          decided_status = after.status();
          return AppendChange(streams, *order, change);
        },
        eventsourcing::OccurredAtOfEvent(ctx.now));
  }
  counter_.Count(name, outcome.status());
  RETURN_IF_ERROR(outcome.status());
  if (!outcome->results.empty()) read_model_->Wake();
  v1::OrdersCommandResponse response;
  response.set_order_id(order_id);
  response.set_stream_version(outcome->version);
  if (outcome->deduplicated) {
    // A replay answers as the first call did: the status at the version it answered.
    ASSIGN_OR_RETURN(decided_status, StatusAtVersion(order_id, outcome->version));
  }
  response.set_status(decided_status);
  return response;
}

absl::StatusOr<v1::OrderStatus> OrdersApp::StatusAtVersion(const std::string& order_id,
                                                           uint64_t version) {
  ASSIGN_OR_RETURN(std::vector<eventstore::EventEnvelope> events,
                   options_.store->ReadStream(OrderStreamId(order_id), 1, version));
  v1::Order order;
  for (const eventstore::EventEnvelope& envelope : events) {
    v1::OrderEvent event;
    RETURN_IF_ERROR(eventsourcing::UnpackEvent(envelope.payload(), event));
    order = Evolve(std::move(order), event);
  }
  return order.status();
}

namespace {

// The customer of an existing order, loaded into `streams` (an empty customer for no order: the
// decision then refuses the order as unknown).
absl::StatusOr<std::shared_ptr<const v1::Customer>> LoadCustomerOf(
    eventsourcing::StreamSet& streams, const v1::Order& order,
    eventsourcing::AggregateCache<v1::Customer>& cache) {
  if (order.order_id().empty()) return std::make_shared<const v1::Customer>();
  return streams.Load<v1::CustomerEvent>(CustomerStreamId(order.customer_id()), v1::Customer(),
                                         &EvolveCustomer, &cache);
}

}  // namespace

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::ConfirmOrder(const v1::ConfirmOrderRequest& r,
                                                                  const CallOrigin& o) {
  return OrderCommand("ConfirmOrder", r.order_id(), r, r.meta(), o, /*locks_stock=*/true,
                      [&](eventsourcing::StreamSet& streams, const v1::Order& order,
                          const OrdersContext& ctx) -> absl::StatusOr<OrderChange> {
                        ASSIGN_OR_RETURN(auto customer, LoadCustomerOf(streams, order, customers_));
                        StockStates stock;
                        ASSIGN_OR_RETURN(auto kept, LoadLineStock(streams, order, stock));
                        return DecideConfirm(order, *customer, stock, r, ctx);
                      });
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::ReleaseCreditHold(
    const v1::ReleaseCreditHoldRequest& r, const CallOrigin& o) {
  return OrderCommand("ReleaseCreditHold", r.order_id(), r, r.meta(), o, /*locks_stock=*/true,
                      [&](eventsourcing::StreamSet& streams, const v1::Order& order,
                          const OrdersContext& ctx) -> absl::StatusOr<OrderChange> {
                        ASSIGN_OR_RETURN(auto customer, LoadCustomerOf(streams, order, customers_));
                        StockStates stock;
                        ASSIGN_OR_RETURN(auto kept, LoadLineStock(streams, order, stock));
                        return DecideRelease(order, *customer, stock, r, ctx);
                      });
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::CancelOrder(const v1::CancelOrderRequest& r,
                                                                 const CallOrigin& o) {
  return OrderCommand("CancelOrder", r.order_id(), r, r.meta(), o, /*locks_stock=*/true,
                      [&](eventsourcing::StreamSet& streams, const v1::Order& order,
                          const OrdersContext& ctx) -> absl::StatusOr<OrderChange> {
                        ASSIGN_OR_RETURN(auto customer, LoadCustomerOf(streams, order, customers_));
                        return DecideCancel(order, *customer, r, ctx);
                      });
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::ShipOrder(const v1::ShipOrderRequest& r,
                                                               const CallOrigin& o) {
  return OrderCommand("ShipOrder", r.order_id(), r, r.meta(), o, /*locks_stock=*/true,
                      [&](eventsourcing::StreamSet&, const v1::Order& order,
                          const OrdersContext& ctx) { return DecideShip(order, r, ctx); });
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::DeliverOrder(const v1::DeliverOrderRequest& r,
                                                                  const CallOrigin& o) {
  return OrderCommand("DeliverOrder", r.order_id(), r, r.meta(), o, /*locks_stock=*/false,
                      [&](eventsourcing::StreamSet&, const v1::Order& order,
                          const OrdersContext& ctx) { return DecideDeliver(order, r, ctx); });
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::InvoiceOrder(const v1::InvoiceOrderRequest& r,
                                                                  const CallOrigin& o) {
  v1::InvoiceOrderRequest command = r;
  if (command.invoice_id().empty()) {
    command.set_invoice_id(eventsourcing::GeneratedId("INV-", r.meta()));
  }
  ASSIGN_OR_RETURN(v1::OrdersCommandResponse response,
                   OrderCommand("InvoiceOrder", r.order_id(), r, r.meta(), o, /*locks_stock=*/false,
                                [&](eventsourcing::StreamSet& streams, const v1::Order& order,
                                    const OrdersContext& ctx) -> absl::StatusOr<OrderChange> {
                                  ASSIGN_OR_RETURN(auto customer,
                                                   LoadCustomerOf(streams, order, customers_));
                                  return DecideInvoice(order, *customer, command, ctx);
                                }));
  response.set_generated_id(r.invoice_id().empty() ? command.invoice_id() : "");
  return response;
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::RecordPayment(
    const v1::RecordPaymentRequest& r, const CallOrigin& o) {
  v1::RecordPaymentRequest command = r;
  if (command.payment_id().empty()) {
    command.set_payment_id(eventsourcing::GeneratedId("PAY-", r.meta()));
  }
  ASSIGN_OR_RETURN(
      v1::OrdersCommandResponse response,
      OrderCommand("RecordPayment", r.order_id(), r, r.meta(), o, /*locks_stock=*/false,
                   [&](eventsourcing::StreamSet& streams, const v1::Order& order,
                       const OrdersContext& ctx) -> absl::StatusOr<OrderChange> {
                     ASSIGN_OR_RETURN(auto customer, LoadCustomerOf(streams, order, customers_));
                     return DecidePayment(order, *customer, command, ctx);
                   }));
  response.set_generated_id(r.payment_id().empty() ? command.payment_id() : "");
  return response;
}

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::ReturnItems(const v1::ReturnItemsRequest& r,
                                                                 const CallOrigin& o) {
  v1::ReturnItemsRequest command = r;
  if (command.return_id().empty()) {
    command.set_return_id(eventsourcing::GeneratedId("RET-", r.meta()));
  }
  ASSIGN_OR_RETURN(v1::OrdersCommandResponse response,
                   OrderCommand("ReturnItems", r.order_id(), r, r.meta(), o, /*locks_stock=*/true,
                                [&](eventsourcing::StreamSet& streams, const v1::Order& order,
                                    const OrdersContext& ctx) -> absl::StatusOr<OrderChange> {
                                  ASSIGN_OR_RETURN(auto customer,
                                                   LoadCustomerOf(streams, order, customers_));
                                  return DecideReturn(order, *customer, command, ctx);
                                }));
  response.set_generated_id(r.return_id().empty() ? command.return_id() : "");
  return response;
}

// ---- Inventory ----

absl::StatusOr<v1::OrdersCommandResponse> OrdersApp::ReceiveStock(const v1::ReceiveStockRequest& r,
                                                                  const CallOrigin& o) {
  RETURN_IF_ERROR(ValidateReceiveStock(r));
  // Only catalogue SKUs are stocked (the channels replica; caught up once when it has not seen
  // the SKU yet).
  ASSIGN_OR_RETURN(std::optional<channels::v1::Product> product,
                   options_.placement->Product(r.sku()));
  if (!product.has_value() && options_.placement->CatchUp(kReplicaCatchUpTimeout).ok()) {
    ASSIGN_OR_RETURN(product, options_.placement->Product(r.sku()));
  }
  if (!product.has_value()) {
    const absl::Status unknown =
        absl::NotFoundError(absl::StrCat("sku: SKU ", Quoted(r.sku()), " is not in the catalogue"));
    counter_.Count("ReceiveStock", unknown);
    return unknown;
  }
  const std::string stream_id = StockStreamId(r.sku());
  const org::OrgView::Snapshot org = options_.org->Current();
  const OrdersContext ctx =
      ContextAt(o.caused_at.value_or(options_.clock()), *org.organisation, r.meta().actor());
  eventsourcing::CommandOptions options =
      eventsourcing::OptionsFor(stream_id, r.meta(), o, eventsourcing::RequestFingerprint(r));
  absl::StatusOr<eventsourcing::MultiStreamOutcome> outcome;
  {
    absl::MutexLock lock(&locks_.For(stream_id));
    outcome = eventsourcing::ExecuteMultiStreamCommand(
        *options_.store, options,
        [&](eventsourcing::StreamSet& streams) -> absl::Status {
          ASSIGN_OR_RETURN(auto stock, streams.Load<v1::StockEvent>(stream_id, v1::Stock(),
                                                                    &EvolveStock, &stock_));
          // The orders waiting for this SKU, in the order they were taken (the first ones).
          std::vector<std::shared_ptr<const v1::Order>> kept;
          std::map<std::string, const v1::Order*> waiting;
          for (const v1::Stock::Hold& hold : stock->holds()) {
            if (hold.backordered() <= 0 || waiting.count(hold.order_id()) > 0) continue;
            if (waiting.size() >= kMaxOrdersFilledPerReceipt) break;
            ASSIGN_OR_RETURN(kept.emplace_back(),
                             streams.Load<v1::OrderEvent>(OrderStreamId(hold.order_id()),
                                                          v1::Order(), &EvolveOrder, &orders_));
            waiting[hold.order_id()] = kept.back().get();
          }
          ASSIGN_OR_RETURN(OrderChange change, DecideReceive(*stock, waiting, r, ctx));
          RETURN_IF_ERROR(streams.Append(stream_id, change.stock[r.sku()], ""));
          for (const auto& [order_id, events] : change.other_orders) {
            RETURN_IF_ERROR(
                streams.Append(OrderStreamId(order_id), events, waiting[order_id]->deal_id()));
          }
          return absl::OkStatus();
        },
        eventsourcing::OccurredAtOfEvent(ctx.now));
  }
  counter_.Count("ReceiveStock", outcome.status());
  RETURN_IF_ERROR(outcome.status());
  if (!outcome->results.empty()) read_model_->Wake();
  v1::OrdersCommandResponse response;
  response.set_stream_version(outcome->version);
  return response;
}

// ---- Queries ----

absl::StatusOr<v1::CustomerAccount> OrdersApp::GetCustomer(const v1::GetCustomerRequest& request) {
  RETURN_IF_ERROR(ValidateId("customer_id", request.customer_id()));
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::CustomerEvent>(
                                    *options_.store, CustomerStreamId(request.customer_id()),
                                    v1::Customer(), &EvolveCustomer, {}, &customers_));
  const v1::Customer& customer = *loaded.state;
  if (customer.customer_id().empty()) {
    return absl::NotFoundError(
        absl::StrCat("customer ", Quoted(request.customer_id()), " does not exist"));
  }
  v1::CustomerAccount account;
  *account.mutable_customer() = customer;
  const std::string& currency = customer.credit_limit().currency();
  account.mutable_exposure()->set_currency(currency);
  account.mutable_exposure()->set_units(customer.exposure());
  account.mutable_headroom()->set_currency(currency);
  account.mutable_headroom()->set_units(customer.credit_limit().units() - customer.exposure());
  ASSIGN_OR_RETURN(std::vector<v1::OpenInvoice> invoices,
                   model_->OpenInvoices(customer.customer_id(),
                                        absl::ToCivilDay(options_.clock(), absl::UTCTimeZone())));
  for (v1::OpenInvoice& invoice : invoices) *account.add_open_invoices() = std::move(invoice);
  return account;
}

absl::StatusOr<v1::Order> OrdersApp::GetOrder(const v1::GetOrderRequest& request) {
  RETURN_IF_ERROR(ValidateId("order_id", request.order_id()));
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::OrderEvent>(
                                    *options_.store, OrderStreamId(request.order_id()), v1::Order(),
                                    &EvolveOrder, {}, &orders_));
  if (loaded.state->order_id().empty()) {
    return absl::NotFoundError(
        absl::StrCat("order ", Quoted(request.order_id()), " does not exist"));
  }
  return *loaded.state;
}

absl::StatusOr<v1::StockLevel> OrdersApp::GetStock(const v1::GetStockRequest& request) {
  RETURN_IF_ERROR(ValidateId("sku", request.sku()));
  ASSIGN_OR_RETURN(auto loaded, eventsourcing::LoadAggregate<v1::StockEvent>(
                                    *options_.store, StockStreamId(request.sku()), v1::Stock(),
                                    &EvolveStock, {}, &stock_));
  if (loaded.version == 0) {
    ASSIGN_OR_RETURN(std::optional<channels::v1::Product> product,
                     options_.placement->Product(request.sku()));
    if (!product.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("SKU ", Quoted(request.sku()), " is neither stocked nor in the catalogue"));
    }
  }
  v1::StockLevel level;
  *level.mutable_stock() = *loaded.state;
  level.mutable_stock()->set_sku(request.sku());
  level.set_available(AvailableStock(loaded.state.get()));
  return level;
}

absl::StatusOr<v1::ListOrdersResponse> OrdersApp::ListOrders(const v1::ListOrdersRequest& request) {
  return model_->ListOrders(request);
}

absl::StatusOr<v1::ListStockResponse> OrdersApp::ListStock(const v1::ListStockRequest& request) {
  return model_->ListStock(request);
}

absl::StatusOr<v1::AgingReport> OrdersApp::GetAgingReport(
    const v1::GetAgingReportRequest& request) {
  return model_->AgingReport(request, absl::ToCivilDay(options_.clock(), absl::UTCTimeZone()));
}

// ---- The overdue scanner ----

absl::StatusOr<int> OrdersApp::ScanOverdue() {
  const absl::Time now = options_.clock();
  const org::OrgView::Snapshot org = options_.org->Current();
  const OrdersContext ctx = ContextAt(now, *org.organisation, std::string(kScannerActor));
  ASSIGN_OR_RETURN(std::vector<std::string> due,
                   model_->UnreportedOverdue(ctx.today, kMaxOverduePerScan));
  int appended = 0;
  for (const std::string& order_id : due) {
    const eventsourcing::CommandOptions options{.stream_id = OrderStreamId(order_id),
                                                .metadata = {.actor = std::string(kScannerActor)}};
    absl::MutexLock lock(&locks_.For(options.stream_id));
    auto outcome = eventsourcing::ExecuteCommand<v1::OrderEvent>(
        *options_.store, options, v1::Order(), &EvolveOrder,
        [&](const v1::Order& order) -> absl::StatusOr<OrderEvents> {
          OrderEvents events;
          if (std::optional<v1::OrderEvent> overdue = DetectOverdue(order, ctx)) {
            events.push_back(*std::move(overdue));
          }
          return events;
        },
        [](const v1::Order& order) { return order.deal_id(); }, &orders_,
        eventsourcing::OccurredAtOfEvent(now));
    counter_.Count("DetectOverdue", outcome.status());
    if (!outcome.ok()) {
      log::Error("orders.overdue_scan.failed",
                 {{"order_id", order_id}, {"error", outcome.status().ToString()}});
      continue;
    }
    appended += static_cast<int>(outcome->appended);
  }
  if (appended > 0) read_model_->Wake();
  return appended;
}

void OrdersApp::StartOverdueScanner() {
  absl::MutexLock lock(&scanner_mu_);
  if (scanner_ != nullptr) return;
  scanner_ = std::make_unique<concurrency::PeriodicTask>(options_.overdue_scan_interval, [this] {
    absl::StatusOr<int> scanned = ScanOverdue();
    if (!scanned.ok()) {
      log::Error("orders.overdue_scan.failed", {{"error", scanned.status().ToString()}});
    }
  });
}

absl::Status OrdersApp::WaitForReadModel(absl::Duration timeout) {
  return read_model_->AwaitFeedHeads(timeout);
}

projection::AdministeredProjection OrdersApp::read_model() const {
  return read_model_->administered([] { return std::make_unique<OrdersReadModelProjection>(); });
}

}  // namespace sales::orders
