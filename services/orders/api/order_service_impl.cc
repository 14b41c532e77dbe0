#include "services/orders/api/order_service_impl.h"

#include "common/grpc/command_call.h"
#include "common/grpc/unary_call.h"
#include "common/validation/field_validation.h"

namespace sales::orders {

template <typename Request>
grpc::ServerUnaryReactor* OrderServiceImpl::Command(
    grpc::CallbackServerContext* context, const Request* request,
    v1::OrdersCommandResponse* response,
    absl::StatusOr<v1::OrdersCommandResponse> (OrdersApp::*method)(const Request&,
                                                                   const CallOrigin&)) {
  return grpc_server::FinishCommandOnExecutor<v1::OrdersCommandResponse>(
      context, executor_, ValidateCommandMeta(request->meta()), response,
      [app = app_, request, method](const CallOrigin& origin) {
        return (app->*method)(*request, origin);
      });
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* OrderServiceImpl::Query(
    grpc::CallbackServerContext* context, const Request* request, Response* response,
    absl::StatusOr<Response> (OrdersApp::*method)(const Request&)) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, absl::OkStatus(), response,
      [app = app_, request, method] { return (app->*method)(*request); });
}

grpc::ServerUnaryReactor* OrderServiceImpl::RegisterCustomer(
    grpc::CallbackServerContext* context, const v1::RegisterCustomerRequest* request,
    v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::RegisterCustomer);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ChangeCustomerCredit(
    grpc::CallbackServerContext* context, const v1::ChangeCustomerCreditRequest* request,
    v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::ChangeCustomerCredit);
}
grpc::ServerUnaryReactor* OrderServiceImpl::PlaceOrder(grpc::CallbackServerContext* context,
                                                       const v1::PlaceOrderRequest* request,
                                                       v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::PlaceOrder);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ConfirmOrder(grpc::CallbackServerContext* context,
                                                         const v1::ConfirmOrderRequest* request,
                                                         v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::ConfirmOrder);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ReleaseCreditHold(
    grpc::CallbackServerContext* context, const v1::ReleaseCreditHoldRequest* request,
    v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::ReleaseCreditHold);
}
grpc::ServerUnaryReactor* OrderServiceImpl::CancelOrder(grpc::CallbackServerContext* context,
                                                        const v1::CancelOrderRequest* request,
                                                        v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::CancelOrder);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ShipOrder(grpc::CallbackServerContext* context,
                                                      const v1::ShipOrderRequest* request,
                                                      v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::ShipOrder);
}
grpc::ServerUnaryReactor* OrderServiceImpl::DeliverOrder(grpc::CallbackServerContext* context,
                                                         const v1::DeliverOrderRequest* request,
                                                         v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::DeliverOrder);
}
grpc::ServerUnaryReactor* OrderServiceImpl::InvoiceOrder(grpc::CallbackServerContext* context,
                                                         const v1::InvoiceOrderRequest* request,
                                                         v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::InvoiceOrder);
}
grpc::ServerUnaryReactor* OrderServiceImpl::RecordPayment(grpc::CallbackServerContext* context,
                                                          const v1::RecordPaymentRequest* request,
                                                          v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::RecordPayment);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ReturnItems(grpc::CallbackServerContext* context,
                                                        const v1::ReturnItemsRequest* request,
                                                        v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::ReturnItems);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ReceiveStock(grpc::CallbackServerContext* context,
                                                         const v1::ReceiveStockRequest* request,
                                                         v1::OrdersCommandResponse* response) {
  return Command(context, request, response, &OrdersApp::ReceiveStock);
}
grpc::ServerUnaryReactor* OrderServiceImpl::GetCustomer(grpc::CallbackServerContext* context,
                                                        const v1::GetCustomerRequest* request,
                                                        v1::CustomerAccount* response) {
  return Query(context, request, response, &OrdersApp::GetCustomer);
}
grpc::ServerUnaryReactor* OrderServiceImpl::GetOrder(grpc::CallbackServerContext* context,
                                                     const v1::GetOrderRequest* request,
                                                     v1::Order* response) {
  return Query(context, request, response, &OrdersApp::GetOrder);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ListOrders(grpc::CallbackServerContext* context,
                                                       const v1::ListOrdersRequest* request,
                                                       v1::ListOrdersResponse* response) {
  return Query(context, request, response, &OrdersApp::ListOrders);
}
grpc::ServerUnaryReactor* OrderServiceImpl::GetStock(grpc::CallbackServerContext* context,
                                                     const v1::GetStockRequest* request,
                                                     v1::StockLevel* response) {
  return Query(context, request, response, &OrdersApp::GetStock);
}
grpc::ServerUnaryReactor* OrderServiceImpl::ListStock(grpc::CallbackServerContext* context,
                                                      const v1::ListStockRequest* request,
                                                      v1::ListStockResponse* response) {
  return Query(context, request, response, &OrdersApp::ListStock);
}
grpc::ServerUnaryReactor* OrderServiceImpl::GetAgingReport(grpc::CallbackServerContext* context,
                                                           const v1::GetAgingReportRequest* request,
                                                           v1::AgingReport* response) {
  return Query(context, request, response, &OrdersApp::GetAgingReport);
}

}  // namespace sales::orders
