// AuditServiceImpl: the gRPC adapter of the audit service (sales.audit.v1.AuditService) over an
// AuditApp. Mechanical: each RPC runs the app call on the executor (the app blocks on RocksDB;
// gRPC reaction threads must not) and maps the status with ToGrpcStatus. GetDealHistory is
// server-streaming: the history is read on the executor, then written page by page, each write
// started when the previous one is done (flow control by the client's reading). That method is
// registered raw (grpc::ByteBuffer): the app builds each page's wire bytes itself (see
// AuditApp::GetDealHistory), so they are sent without a message in between; clients see the
// ordinary typed method.
//
//   concurrency::Executor executor(4);
//   AuditServiceImpl service(&app, &executor);
//   ASSIGN_OR_RETURN(auto server, grpc_server::GrpcServer::Start({.port = 0}, {&service}));
//   server->SetServing(AuditServiceImpl::kServiceName, true);
//
// Thread-safety: as gRPC uses it. `app` and `executor` must outlive the server serving this.
#ifndef SALES_SERVICES_AUDIT_API_AUDIT_SERVICE_IMPL_H_
#define SALES_SERVICES_AUDIT_API_AUDIT_SERVICE_IMPL_H_

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "grpcpp/grpcpp.h"
#include "sales/audit/v1/audit.grpc.pb.h"
#include "services/audit/app/audit_app.h"

namespace sales::audit {

// GetDealHistory is registered raw (its pages are written as the stored bytes) and parses its
// request itself; the other methods through RequestParsingService.
class AuditServiceImpl final : public grpc_server::RequestParsingService<
                                   v1::AuditService::WithRawCallbackMethod_GetDealHistory<
                                       v1::AuditService::CallbackService>> {
 public:
  static constexpr char kServiceName[] = "sales.audit.v1.AuditService";

  AuditServiceImpl(const AuditApp* app, concurrency::Executor* executor)
      : app_(app), executor_(executor) {
    ParseRequestsOf(&AuditServiceImpl::GetDealAsOf, &AuditServiceImpl::VerifyDeal,
                    &AuditServiceImpl::VerifyStream);
  }

  // `request` is a serialized GetDealHistoryRequest; each written buffer a DealHistoryPage.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* GetDealHistory(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* GetDealAsOf(grpc::CallbackServerContext* context,
                                        const v1::GetDealAsOfRequest* request,
                                        v1::GetDealAsOfResponse* response) override;
  grpc::ServerUnaryReactor* VerifyDeal(grpc::CallbackServerContext* context,
                                       const v1::VerifyDealRequest* request,
                                       v1::VerifyResponse* response) override;
  grpc::ServerUnaryReactor* VerifyStream(grpc::CallbackServerContext* context,
                                         const v1::VerifyStreamRequest* request,
                                         v1::VerifyResponse* response) override;

 private:
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const Request* request,
                                  Response* response,
                                  absl::StatusOr<Response> (AuditApp::*method)(const Request&)
                                      const);

  const AuditApp* const app_;
  concurrency::Executor* const executor_;
};

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_API_AUDIT_SERVICE_IMPL_H_
