#include "services/audit/api/audit_service_impl.h"

#include <string>
#include <utility>
#include <vector>

#include "common/grpc/unary_call.h"
#include "common/status/grpc_status.h"

namespace sales::audit {
namespace {

// Reads the history on the executor, then writes it one page per StartWrite. The app gives each
// page as wire bytes, which are sent as they are (the method is registered raw).
class HistoryWriter final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  HistoryWriter(const AuditApp* app, concurrency::Executor* executor,
                grpc::ByteBuffer request_bytes) {
    v1::GetDealHistoryRequest request;
    if (!grpc_server::ParseRequest(request_bytes, &request)) {
      Finish(grpc_server::NotAValidRequest<v1::GetDealHistoryRequest>());
      return;
    }
    absl::Status scheduled = executor->Schedule([this, app, request] {
      absl::StatusOr<std::vector<std::string>> pages = app->GetDealHistory(request);
      if (!pages.ok()) {
        Finish(ToGrpcStatus(pages.status()));
        return;
      }
      // Written before the first StartWrite, read after it: StartWrite orders the accesses.
      pages_ = *std::move(pages);
      WriteNext();
    });
    if (!scheduled.ok()) Finish(ToGrpcStatus(scheduled));
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    ++next_;
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  void WriteNext() {
    if (next_ == pages_.size()) {
      Finish(grpc::Status::OK);
      return;
    }
    grpc::Slice slice(pages_[next_]);
    current_ = grpc::ByteBuffer(&slice, 1);
    StartWrite(&current_);
  }

  std::vector<std::string> pages_;
  grpc::ByteBuffer current_;  // the page being written; must live until OnWriteDone
  size_t next_ = 0;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* AuditServiceImpl::GetDealHistory(
    grpc::CallbackServerContext* /*context*/, const grpc::ByteBuffer* request) {
  return new HistoryWriter(app_, executor_, *request);
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* AuditServiceImpl::Unary(
    grpc::CallbackServerContext* context, const Request* request, Response* response,
    absl::StatusOr<Response> (AuditApp::*method)(const Request&) const) {
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, absl::OkStatus(), response,
      [app = app_, request, method] { return (app->*method)(*request); });
}

grpc::ServerUnaryReactor* AuditServiceImpl::GetDealAsOf(grpc::CallbackServerContext* context,
                                                        const v1::GetDealAsOfRequest* request,
                                                        v1::GetDealAsOfResponse* response) {
  return Unary(context, request, response, &AuditApp::GetDealAsOf);
}

grpc::ServerUnaryReactor* AuditServiceImpl::VerifyDeal(grpc::CallbackServerContext* context,
                                                       const v1::VerifyDealRequest* request,
                                                       v1::VerifyResponse* response) {
  return Unary(context, request, response, &AuditApp::VerifyDeal);
}

grpc::ServerUnaryReactor* AuditServiceImpl::VerifyStream(grpc::CallbackServerContext* context,
                                                         const v1::VerifyStreamRequest* request,
                                                         v1::VerifyResponse* response) {
  return Unary(context, request, response, &AuditApp::VerifyStream);
}

}  // namespace sales::audit
