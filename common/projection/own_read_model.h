// OwnReadModel: a context's read model of its own event store, followed in the same process —
// feed-only (no broker round trip: the runner reads the store's feed, woken after each command)
// — with what ProjectionAdmin needs to report and rebuild it. Every context's app keeps one
// (leads, channels, orders).
//
//   ASSIGN_OR_RETURN(read_model_, OwnReadModel::Start(&projection_, {.store = store,
//       .topic = "sales.orders.v1.events", .path = dir + "/read-model"}));
//   OrdersReadModel model(&read_model_->store());
//   … after a command appended: read_model_->Wake();
//   admin.Register(read_model_->administered([] { return std::make_unique<MyProjection>(); }));
//
// Thread-safety: every method may be called from any thread; the projection and the store must
// outlive it (the destructor stops the runner before the feed it reads goes).
#ifndef SALES_COMMON_PROJECTION_OWN_READ_MODEL_H_
#define SALES_COMMON_PROJECTION_OWN_READ_MODEL_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/projection_runner.h"

namespace sales::projection {

struct OwnReadModelOptions {
  eventstore::EventStore* store = nullptr;  // required
  std::string topic;                        // the source's name (the context's topic)
  std::string path;                         // the read model's RocksDB directory; required
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // its poison events; null: logged only
  metrics::MetricsRegistry* metrics = nullptr;         // the runner's metrics; null: none
  memory::MemoryBudget* memory = nullptr;              // its store joins it; null: none
  // ProjectionRunnerOptions::wake_batch_delay: how long a woken runner lets commits gather.
  absl::Duration wake_batch_delay = ProjectionRunnerOptions().wake_batch_delay;
};

class OwnReadModel {
 public:
  // Opens the read model's store and starts following the event store. INVALID_ARGUMENT without
  // a store or a path.
  static absl::StatusOr<std::unique_ptr<OwnReadModel>> Start(Projection* projection,
                                                             const OwnReadModelOptions& options);
  ~OwnReadModel();

  ProjectionStore& store() { return runner_->store(); }
  ProjectionRunner& runner() { return *runner_; }
  // New events are in the store: read them soon (cheap; call after every append).
  void Wake() { runner_->Wake(); }
  // Blocks until everything appended before the call is applied (tests, demo seeding).
  absl::Status AwaitFeedHeads(absl::Duration timeout) { return runner_->AwaitFeedHeads(timeout); }
  // For ProjectionAdmin, under the projection's name; `make_projection` makes a fresh instance
  // for a rebuild.
  AdministeredProjection administered(
      std::function<std::unique_ptr<Projection>()> make_projection) const;

 private:
  OwnReadModel(Projection* projection, const OwnReadModelOptions& options);

  Projection* const projection_;
  feed::LocalEventFeedReader feed_;
  const ProjectionSource source_;
  std::unique_ptr<ProjectionRunner> runner_;
};

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_OWN_READ_MODEL_H_
