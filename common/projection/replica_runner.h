// CreateReplicaRunner: the runner of a replica — a read model of another context's topic that a
// context keeps in its own process for its own decisions (the org replica of every context,
// orders' deals replica). One set of options and one validation for all of them.
//
//   ASSIGN_OR_RETURN(runner_, projection::CreateReplicaRunner(&projection_, options));
//   runner_->Start();
//
// Thread-safety: a free function.
#ifndef SALES_COMMON_PROJECTION_REPLICA_RUNNER_H_
#define SALES_COMMON_PROJECTION_REPLICA_RUNNER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/event_applier.h"
#include "common/projection/projection.h"
#include "common/projection/projection_runner.h"

namespace sales::projection {

struct ReplicaOptions {
  std::string path;               // the replica's RocksDB directory
  std::string bootstrap_servers;  // empty: feed-only (the source's store is in this process)
  ProjectionSource source;        // the topic replicated and its owner's event feed (required)
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // required; not owned
  metrics::MetricsRegistry* metrics = nullptr;         // the runner's metrics; null: none
  memory::MemoryBudget* memory = nullptr;              // the process's budget; null: none
};

// Checks `options` (INVALID_ARGUMENT naming the missing field) and creates the runner of
// `projection` over its one source, not started. `wake_batch_delay`: see ProjectionRunnerOptions.
absl::StatusOr<std::unique_ptr<ProjectionRunner>> CreateReplicaRunner(
    Projection* projection, const ReplicaOptions& options,
    absl::Duration wake_batch_delay = ProjectionRunnerOptions().wake_batch_delay);

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_REPLICA_RUNNER_H_
