// OrderServiceImpl: the gRPC adapter of the orders context (sales.orders.v1.OrderService) over an
// OrdersApp. Mechanical: commands through grpc_server::FinishCommandOnExecutor (meta checked, call
// origin from the metadata, correlation id echoed), queries through FinishUnaryOnExecutor; a
// request that does not parse is INVALID_ARGUMENT (RequestParsingService).
//
//   OrderServiceImpl service(app.get(), &executor);
//
// Thread-safety: called concurrently by gRPC; `app` and `executor` must outlive the server.
#ifndef SALES_SERVICES_ORDERS_API_ORDER_SERVICE_IMPL_H_
#define SALES_SERVICES_ORDERS_API_ORDER_SERVICE_IMPL_H_

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "grpcpp/grpcpp.h"
#include "sales/orders/v1/orders.grpc.pb.h"
#include "services/orders/app/orders_app.h"

namespace sales::orders {

class OrderServiceImpl final
    : public grpc_server::RequestParsingService<v1::OrderService::CallbackService> {
 public:
  static constexpr char kServiceName[] = "sales.orders.v1.OrderService";

  OrderServiceImpl(OrdersApp* app, concurrency::Executor* executor)
      : app_(app), executor_(executor) {
    ParseRequestsOf(&OrderServiceImpl::RegisterCustomer, &OrderServiceImpl::ChangeCustomerCredit,
                    &OrderServiceImpl::PlaceOrder, &OrderServiceImpl::ConfirmOrder,
                    &OrderServiceImpl::ReleaseCreditHold, &OrderServiceImpl::CancelOrder,
                    &OrderServiceImpl::ShipOrder, &OrderServiceImpl::DeliverOrder,
                    &OrderServiceImpl::InvoiceOrder, &OrderServiceImpl::RecordPayment,
                    &OrderServiceImpl::ReturnItems, &OrderServiceImpl::ReceiveStock,
                    &OrderServiceImpl::GetCustomer, &OrderServiceImpl::GetOrder,
                    &OrderServiceImpl::ListOrders, &OrderServiceImpl::GetStock,
                    &OrderServiceImpl::ListStock, &OrderServiceImpl::GetAgingReport);
  }

  grpc::ServerUnaryReactor* RegisterCustomer(grpc::CallbackServerContext* context,
                                             const v1::RegisterCustomerRequest* request,
                                             v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeCustomerCredit(grpc::CallbackServerContext* context,
                                                 const v1::ChangeCustomerCreditRequest* request,
                                                 v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* PlaceOrder(grpc::CallbackServerContext* context,
                                       const v1::PlaceOrderRequest* request,
                                       v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmOrder(grpc::CallbackServerContext* context,
                                         const v1::ConfirmOrderRequest* request,
                                         v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* ReleaseCreditHold(grpc::CallbackServerContext* context,
                                              const v1::ReleaseCreditHoldRequest* request,
                                              v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* CancelOrder(grpc::CallbackServerContext* context,
                                        const v1::CancelOrderRequest* request,
                                        v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* ShipOrder(grpc::CallbackServerContext* context,
                                      const v1::ShipOrderRequest* request,
                                      v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* DeliverOrder(grpc::CallbackServerContext* context,
                                         const v1::DeliverOrderRequest* request,
                                         v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* InvoiceOrder(grpc::CallbackServerContext* context,
                                         const v1::InvoiceOrderRequest* request,
                                         v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* RecordPayment(grpc::CallbackServerContext* context,
                                          const v1::RecordPaymentRequest* request,
                                          v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* ReturnItems(grpc::CallbackServerContext* context,
                                        const v1::ReturnItemsRequest* request,
                                        v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* ReceiveStock(grpc::CallbackServerContext* context,
                                         const v1::ReceiveStockRequest* request,
                                         v1::OrdersCommandResponse* response) override;
  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* context,
                                        const v1::GetCustomerRequest* request,
                                        v1::CustomerAccount* response) override;
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext* context,
                                     const v1::GetOrderRequest* request,
                                     v1::Order* response) override;
  grpc::ServerUnaryReactor* ListOrders(grpc::CallbackServerContext* context,
                                       const v1::ListOrdersRequest* request,
                                       v1::ListOrdersResponse* response) override;
  grpc::ServerUnaryReactor* GetStock(grpc::CallbackServerContext* context,
                                     const v1::GetStockRequest* request,
                                     v1::StockLevel* response) override;
  grpc::ServerUnaryReactor* ListStock(grpc::CallbackServerContext* context,
                                      const v1::ListStockRequest* request,
                                      v1::ListStockResponse* response) override;
  grpc::ServerUnaryReactor* GetAgingReport(grpc::CallbackServerContext* context,
                                           const v1::GetAgingReportRequest* request,
                                           v1::AgingReport* response) override;

 private:
  template <typename Request>
  grpc::ServerUnaryReactor* Command(grpc::CallbackServerContext* context, const Request* request,
                                    v1::OrdersCommandResponse* response,
                                    absl::StatusOr<v1::OrdersCommandResponse> (OrdersApp::*method)(
                                        const Request&, const CallOrigin&));
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Query(grpc::CallbackServerContext* context, const Request* request,
                                  Response* response,
                                  absl::StatusOr<Response> (OrdersApp::*method)(const Request&));

  OrdersApp* const app_;
  concurrency::Executor* const executor_;
};

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_API_ORDER_SERVICE_IMPL_H_
