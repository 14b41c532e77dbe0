#include "common/projection/replica_runner.h"

#include "common/status/errors.h"

namespace sales::projection {

absl::StatusOr<std::unique_ptr<ProjectionRunner>> CreateReplicaRunner(
    Projection* projection, const ReplicaOptions& options, absl::Duration wake_batch_delay) {
  if (options.source.feed == nullptr) return InvalidField("source.feed", "required");
  if (options.dead_letters == nullptr) return InvalidField("dead_letters", "required");
  return ProjectionRunner::Create(projection, {.path = options.path,
                                               .bootstrap_servers = options.bootstrap_servers,
                                               .sources = {options.source},
                                               .dead_letters = options.dead_letters,
                                               .metrics = options.metrics,
                                               .store = {.memory = options.memory},
                                               .wake_batch_delay = wake_batch_delay});
}

}  // namespace sales::projection
