// OrgReplica: a consumer context's replica of the sales organisation (DESIGN.md: "a context that
// needs another's data keeps a replica built by the common projection runner from that
// context's topic — exactly once, rebuildable, caught up from the owner's feed"). The
// OrgReplicaProjection folds the org topic with the org domain's own Evolve into one row; the
// replica keeps the latest snapshot in memory (refreshed after every applied batch) for
// decisions, which record its version.
//
//   ASSIGN_OR_RETURN(auto replica, OrgReplica::Open({
//       .path = data_dir + "/leads/org-replica", .bootstrap_servers = kafka,
//       .source = {.topic = org.topic, .feed = org.feed}, .dead_letters = dlq}));
//   OrgView::Snapshot org = replica->Current();
//   admin.Register(replica->administered("org-replica@leads"));
//
// Thread-safety: every method may be called from any thread. Destroy before the feed and the
// dead-letter publisher it was opened with.
#ifndef SALES_SERVICES_ORG_REPLICA_ORG_REPLICA_H_
#define SALES_SERVICES_ORG_REPLICA_ORG_REPLICA_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/projection.h"
#include "common/projection/projection_runner.h"
#include "common/projection/replica_runner.h"
#include "services/org/replica/org_view.h"

namespace sales::org {

// The replica's read model: key "org" holds the SalesOrganisation, key "version" the org stream
// version folded, key "position" the org store's position of the last event (decimal strings).
class OrgReplicaProjection final : public projection::Projection {
 public:
  static constexpr char kName[] = "org-replica";
  absl::string_view name() const override { return kName; }
  // Org events fold; a sales.org.v1 type it does not know is UNIMPLEMENTED; others are ignored.
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;
};

// The source is the org topic and the org context's feed.
using OrgReplicaOptions = projection::ReplicaOptions;

class OrgReplica final : public OrgView {
 public:
  // Opens the store, loads the snapshot and starts following the org topic.
  static absl::StatusOr<std::unique_ptr<OrgReplica>> Open(const OrgReplicaOptions& options);
  ~OrgReplica() override;  // stops the runner

  Snapshot Current() const override;
  absl::Status CatchUp(absl::Duration timeout) override;
  // For ProjectionAdmin: `name` distinguishes the replicas of several contexts in one process.
  projection::AdministeredProjection administered(std::string name) const;

 private:
  OrgReplica() = default;
  // Reads the row into the snapshot (after a batch, and at open).
  absl::Status Refresh();

  OrgReplicaProjection projection_;
  projection::ProjectionSource source_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
  uint64_t observer_ = 0;
  mutable absl::Mutex mu_;
  Snapshot snapshot_ ABSL_GUARDED_BY(mu_);
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_REPLICA_ORG_REPLICA_H_
