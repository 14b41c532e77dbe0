// The two ways a load-generator workload calls its service: SetupCall (not timed: the world a
// phase runs in) and TimedCall (one measured command of a phase: a CallOutcome). Both set the
// actor "loadgen" and a deadline; the idempotency key says which call it is, so a setup retried
// against the same server writes nothing twice and every measured command is unique.
//
//   RETURN_IF_ERROR(SetupCall(stub, &Stub::AddProduct, std::move(add), sku));
//   Stamp(request, NextKey());
//   return TimedCall(stub, "PlaceOrder", &Stub::PlaceOrder, request, &response);
//
// Thread-safety: as the stub's.
#ifndef SALES_TOOLS_LOADGEN_RPC_CALLS_H_
#define SALES_TOOLS_LOADGEN_RPC_CALLS_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tools/loadgen/call_outcome.h"
#include "tools/loadgen/org_setup.h"

namespace sales::loadgen {

inline constexpr char kLoadgenActor[] = "loadgen";
inline constexpr absl::Duration kCallDeadline = absl::Seconds(10);

// Idempotency key "setup-<what>"; the status prefixed "setting up <what>: ".
template <typename Stub, typename Request, typename Response>
absl::Status SetupCall(Stub& stub,
                       grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                       Request request, absl::string_view what) {
  request.mutable_meta()->set_actor(kLoadgenActor);
  request.mutable_meta()->set_idempotency_key(absl::StrCat("setup-", what));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallDeadline));
  Response response;
  return SetupStatus((stub.*method)(&context, request, &response), what);
}

// A command's meta: actor "loadgen" and idempotency key `key`.
template <typename Request>
void Stamp(Request& request, std::string key) {
  request.mutable_meta()->set_actor(kLoadgenActor);
  request.mutable_meta()->set_idempotency_key(std::move(key));
}

// One measured call (a command stamped by the caller, or a query); the latency is the call's
// alone.
template <typename Stub, typename Request, typename Response>
CallOutcome TimedCall(Stub& stub, const char* kind,
                      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                      const Request& request, Response* response) {
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  context.set_deadline(absl::ToChronoTime(start + kCallDeadline));
  grpc::Status status = (stub.*method)(&context, request, response);
  return {.kind = kind, .status = std::move(status), .latency = absl::Now() - start};
}

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_RPC_CALLS_H_
