// The orders read model (the lists and reports of OrderService): a Projection of the orders store
// on the common runner, and the queries over its store — orders with filters, stock levels, a
// customer's open invoices, the receivables aging report.
//
//   OrdersReadModelProjection projection;
//   ASSIGN_OR_RETURN(auto runner, projection::ProjectionRunner::Create(&projection, {
//       .path = dir + "/read-model", .sources = {orders_source}}));
//   runner->Start();
//   OrdersReadModel model(&runner->store());
//   ASSIGN_OR_RETURN(v1::AgingReport report, model.AgingReport(request, today));
//
// Order and stock rows fold each stream's events with the domain's own Evolve (aggregates.h), so
// a list shows what the aggregate held at the applied version; the aging rows sum open balances
// per due day (sums: independent of how streams interleave), so a report on any day is a scan of
// one row per group however many invoices are open. Rebuildable to the same checksum
// (salesctl projection rebuild orders-read-model).
//
// Layout ('/'-separated; ids cannot contain '/'; days as yyyymmdd, newest-first lists by
// 99999999 − yyyymmdd):
//   o/<order>                          the order (v1::Order)
//   l/<newest-first day>/<order>       every order by placement day (empty)
//   lc/<customer>/<day>/<order>, lr/<rep>/<day>/<order>, lh/<channel>/<day>/<order>
//                                      the same by customer, rep, channel (empty)
//   k/<sku>                            the stock (v1::Stock)
//   i/<customer>/<due yyyymmdd>/<order> an open invoice (balance > 0) of the customer (empty)
//   a/<dimension>/<group>␁<currency>   open balances by due day (v1::AgingGroupRow); dimension
//                                      t (total, group "-"), c (customer), r (rep), g (region);
//                                      ␁ is the byte 0x01, so groups sort by id
//   d/<due yyyymmdd>/<order>           an open invoice whose InvoiceOverdue is not recorded yet
//                                      (the overdue scanner's work list; empty)
//
// Queries validate their requests (INVALID_ARGUMENT naming the field) and page with
// projection::ScanPage. Thread-safety: the runner applies; the queries may run concurrently with
// it and each other.
#ifndef SALES_SERVICES_ORDERS_READ_MODEL_READ_MODEL_H_
#define SALES_SERVICES_ORDERS_READ_MODEL_READ_MODEL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"
#include "sales/orders/v1/orders.pb.h"

namespace sales::orders {

class OrdersReadModelProjection final : public projection::Projection {
 public:
  static constexpr char kName[] = "orders-read-model";
  absl::string_view name() const override { return kName; }
  // Order and stock streams fold; an undecodable event is INVALID_ARGUMENT, a sales.orders.v1 type
  // their wrappers lack UNIMPLEMENTED; customer streams and others are ignored.
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;
};

class OrdersReadModel {
 public:
  // `store` is the projection's (ProjectionRunner::store()) and must outlive the model.
  explicit OrdersReadModel(projection::ProjectionStore* store) : store_(store) {}

  absl::StatusOr<v1::ListOrdersResponse> ListOrders(const v1::ListOrdersRequest& request) const;
  absl::StatusOr<v1::ListStockResponse> ListStock(const v1::ListStockRequest& request) const;
  // The customer's open invoices by due date, with days overdue on `today`.
  absl::StatusOr<std::vector<v1::OpenInvoice>> OpenInvoices(absl::string_view customer_id,
                                                            absl::CivilDay today) const;
  // Orders with an open invoice due before `today` whose InvoiceOverdue is not recorded yet, by
  // due date, at most `limit`.
  absl::StatusOr<std::vector<std::string>> UnreportedOverdue(absl::CivilDay today,
                                                             size_t limit) const;
  // On the request's as_of, or `today` when it has none.
  absl::StatusOr<v1::AgingReport> AgingReport(const v1::GetAgingReportRequest& request,
                                              absl::CivilDay today) const;

 private:
  projection::ProjectionStore* const store_;
};

// The summary of an order (what ListOrders shows of it).
v1::OrderSummary SummaryOf(const v1::Order& order);

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_READ_MODEL_READ_MODEL_H_
