// CallOutcome: what one timed RPC of a load-generator client returns to the phase runner — the
// command kind (a row of the report), the gRPC status and the latency of the call alone
// (request building and bookkeeping excluded).
//
//   CallOutcome outcome = client.RunNext();
//   if (outcome.status.ok()) stats.RecordOk(outcome.kind, outcome.latency);
//
// Thread-safety: a plain value.
#ifndef SALES_TOOLS_LOADGEN_CALL_OUTCOME_H_
#define SALES_TOOLS_LOADGEN_CALL_OUTCOME_H_

#include <string>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace sales::loadgen {

struct CallOutcome {
  std::string kind;
  grpc::Status status;
  absl::Duration latency;
};

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_CALL_OUTCOME_H_
