// RunPhase: one measured phase of the load generator. N client threads each call their own
// `next_call` back to back (closed loop: one call in flight per client). Calls that start during
// the warm-up are not measured; the phase ends when `duration` has passed after the warm-up or
// when `max_calls` calls were measured, whichever comes first. Failed calls are counted in every
// part of the phase, warm-up included, and the first few messages are printed to stderr.
//
//   PhaseResult result = RunPhase({.clients = 8}, [&](int client) {
//     return std::function<CallOutcome()>([c = std::make_shared<Client>(client)] {
//       return c->RunNext();
//     });
//   });
//   std::cout << result.calls_per_second();
//
// Thread-safety: RunPhase blocks until its threads have joined; `make_client` is called on the
// client's own thread, and each returned function is only called by that thread.
#ifndef SALES_TOOLS_LOADGEN_PHASE_RUNNER_H_
#define SALES_TOOLS_LOADGEN_PHASE_RUNNER_H_

#include <cstdint>
#include <functional>

#include "absl/time/time.h"
#include "tools/loadgen/call_outcome.h"
#include "tools/loadgen/latency_stats.h"

namespace sales::loadgen {

struct PhaseOptions {
  int clients = 8;
  absl::Duration warm_up = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(10);
  int64_t max_calls = 200'000;
};

struct PhaseResult {
  LatencyStats stats;       // merged over clients; successes measured after the warm-up only
  absl::Duration measured;  // from the end of the warm-up to the end of the phase
  double calls_per_second() const;
};

using ClientFactory = std::function<std::function<CallOutcome()>(int client_index)>;

PhaseResult RunPhase(const PhaseOptions& options, const ClientFactory& make_client);

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_PHASE_RUNNER_H_
