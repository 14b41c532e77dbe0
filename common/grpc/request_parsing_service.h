// RequestParsingService: a callback service whose requests are parsed by us, so that a request
// that is not a valid message is answered INVALID_ARGUMENT "request is not a valid <Message>".
//
// Why: gRPC 1.51's callback handlers parse the request before any code of ours runs and, when it
// does not parse, finish the call with UNIMPLEMENTED and an empty message (the parse status is
// dropped). A client sending a truncated or non-UTF-8 request would be told the method does not
// exist.
//
// How: a service derives from RequestParsingService<its generated base> instead of the base and
// names its methods once in its constructor:
//
//   class FooServiceImpl final : public
//   grpc_server::RequestParsingService<v1::Foo::CallbackService> {
//    public:
//     static constexpr char kServiceName[] = "sales.foo.v1.Foo";  // the proto's full name
//     FooServiceImpl(...) { ParseRequestsOf(&FooServiceImpl::GetFoo, &FooServiceImpl::WatchFoo); }
//     grpc::ServerUnaryReactor* GetFoo(grpc::CallbackServerContext*, const GetFooRequest*,
//                                      GetFooResponse*) override;
//     grpc::ServerWriteReactor<FooUpdate>* WatchFoo(grpc::CallbackServerContext*,
//                                                   const WatchFooRequest*) override;
//   };
//
// ParseRequestsOf replaces the generated handler of each named unary or server-streaming method
// (found in the service's descriptor by its request and response types) by one that receives the
// request as a ReceivedRequest: parsed, or marked as not parsed. The method itself is unchanged
// and only ever sees a parsed request. A method left out keeps gRPC's behaviour; the
// MalformedRequestTest (tests/integration) sends garbage to every method of every service salesd
// serves, found through reflection, so a method left out fails it.
#ifndef SALES_COMMON_GRPC_REQUEST_PARSING_SERVICE_H_
#define SALES_COMMON_GRPC_REQUEST_PARSING_SERVICE_H_

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/impl/codegen/serialization_traits.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/message_allocator.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace sales::grpc_server {

// A request as it arrived: `message` is meaningful only when `parsed`.
template <typename Message>
struct ReceivedRequest {
  Message message;
  bool parsed = false;
};

// INVALID_ARGUMENT "request is not a valid <full name of Message>".
template <typename Message>
grpc::Status NotAValidRequest() {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      absl::StrCat("request is not a valid ", Message::descriptor()->full_name()));
}

// Parses `bytes` as a `Message`; false when they are not one.
template <typename Message>
bool ParseRequest(grpc::ByteBuffer& bytes, Message* message) {
  return grpc::SerializationTraits<Message>::Deserialize(&bytes, message).ok();
}

}  // namespace sales::grpc_server

namespace grpc {

// gRPC parses a ReceivedRequest without ever failing: a request that is not a valid message is
// marked and answered by RequestParsingService.
template <typename Message>
class SerializationTraits<sales::grpc_server::ReceivedRequest<Message>, void> {
 public:
  static Status Deserialize(ByteBuffer* bytes,
                            sales::grpc_server::ReceivedRequest<Message>* request) {
    request->parsed = sales::grpc_server::ParseRequest(*bytes, &request->message);
    return Status::OK;
  }
};

}  // namespace grpc

namespace sales::grpc_server {

// A server-streaming reactor that only finishes with `status`.
template <typename Response>
class RefusingWriteReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusingWriteReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

template <typename Base>
class RequestParsingService : public Base {
 protected:
  template <typename Self, typename Request, typename Response>
  using UnaryMethod = grpc::ServerUnaryReactor* (Self::*)(grpc::CallbackServerContext*,
                                                          const Request*, Response*);
  template <typename Self, typename Request, typename Response>
  using StreamingMethod =
      grpc::ServerWriteReactor<Response>* (Self::*)(grpc::CallbackServerContext*, const Request*);

  // Each argument: a unary or server-streaming method of the derived class.
  template <typename... Methods>
  void ParseRequestsOf(Methods... methods) {
    (ParseRequestsOfOne(methods), ...);
  }

  // One unary method whose request and response `allocator` allocates (instead of the call's
  // arena); the allocator must outlive the server.
  template <typename Self, typename Request, typename Response>
  void ParseRequestsOfWithAllocator(
      UnaryMethod<Self, Request, Response> method,
      grpc::MessageAllocator<ReceivedRequest<Request>, Response>* allocator) {
    ParseRequestsOfOne(method)->SetMessageAllocator(allocator);
  }

 private:
  // The index of the method from Request to Response in the service's descriptor (the order
  // the generated code registers its methods in). A service without exactly one such method is
  // a programming error found at start: it is logged and the process aborts.
  template <typename Request, typename Response>
  static int MethodIndex(const char* service_name) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    int found = -1;
    int matches = 0;
    for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (method->input_type() == Request::descriptor() &&
          method->output_type() == Response::descriptor()) {
        found = i;
        ++matches;
      }
    }
    if (matches != 1) {
      log::Error("grpc.request_parsing.no_single_method",
                 {{"service", service_name},
                  {"request", Request::descriptor()->full_name()},
                  {"response", Response::descriptor()->full_name()},
                  {"matches", matches}});
      std::abort();
    }
    return found;
  }

  template <typename Self, typename Request, typename Response>
  grpc::internal::CallbackUnaryHandler<ReceivedRequest<Request>, Response>* ParseRequestsOfOne(
      UnaryMethod<Self, Request, Response> method) {
    auto* handler = new grpc::internal::CallbackUnaryHandler<ReceivedRequest<Request>, Response>(
        [this, method](grpc::CallbackServerContext* context,
                       const ReceivedRequest<Request>* request,
                       Response* response) -> grpc::ServerUnaryReactor* {
          if (!request->parsed) {
            grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
            reactor->Finish(NotAValidRequest<Request>());
            return reactor;
          }
          return (static_cast<Self*>(this)->*method)(context, &request->message, response);
        });
    this->MarkMethodCallback(MethodIndex<Request, Response>(Self::kServiceName), handler);
    return handler;
  }

  template <typename Self, typename Request, typename Response>
  void ParseRequestsOfOne(StreamingMethod<Self, Request, Response> method) {
    this->MarkMethodCallback(
        MethodIndex<Request, Response>(Self::kServiceName),
        new grpc::internal::CallbackServerStreamingHandler<ReceivedRequest<Request>, Response>(
            [this, method](
                grpc::CallbackServerContext* context,
                const ReceivedRequest<Request>* request) -> grpc::ServerWriteReactor<Response>* {
              if (!request->parsed) {
                return new RefusingWriteReactor<Response>(NotAValidRequest<Request>());
              }
              return (static_cast<Self*>(this)->*method)(context, &request->message);
            }));
  }
};

}  // namespace sales::grpc_server

#endif  // SALES_COMMON_GRPC_REQUEST_PARSING_SERVICE_H_
