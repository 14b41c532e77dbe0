// DealsReplica: another context's replica of the leads' deals (orders: "an order from a deal needs
// the deal to exist and be won"). The DealsReplicaProjection follows the leads topic on the common
// runner (exactly once, rebuildable) and keeps one row per deal: open from the lead's conversion
// to an opportunity, then won or lost.
//
//   ASSIGN_OR_RETURN(auto deals, DealsReplica::Open({.path = dir + "/orders/deals-replica",
//       .bootstrap_servers = kafka, .source = leads_source, .dead_letters = dlq}));
//   ASSIGN_OR_RETURN(std::optional<DealStatus> status, deals->Find("D-2026-001"));
//
// Thread-safety: every method may be called from any thread. Destroy before the feed and the
// dead-letter publisher it was opened with.
#ifndef SALES_SERVICES_LEADS_REPLICA_DEALS_REPLICA_H_
#define SALES_SERVICES_LEADS_REPLICA_DEALS_REPLICA_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/projection.h"
#include "common/projection/projection_runner.h"
#include "common/projection/replica_runner.h"

namespace sales::leads {

enum class DealStatus { kOpen, kWon, kLost };

// Layout: d/<deal id> → "open" | "won" | "lost". A deal's events are all on its lead's stream, so
// the row depends on that stream's order only.
class DealsReplicaProjection final : public projection::Projection {
 public:
  static constexpr char kName[] = "deals-replica";
  absl::string_view name() const override { return kName; }
  // ConvertedToOpportunity, DealWon and DealLost change a row; other events are ignored; one of
  // those that does not decode is INVALID_ARGUMENT.
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;
};

// The source is the leads topic and the leads context's feed.
using DealsReplicaOptions = projection::ReplicaOptions;

class DealsReplica {
 public:
  // Opens the store and starts following the leads topic.
  static absl::StatusOr<std::unique_ptr<DealsReplica>> Open(const DealsReplicaOptions& options);
  ~DealsReplica();  // stops the runner

  // The deal's status as replicated; nullopt when the replica knows no such deal.
  absl::StatusOr<std::optional<DealStatus>> Find(absl::string_view deal_id) const;
  // Waits until the replica has applied everything the leads store holds now.
  absl::Status CatchUp(absl::Duration timeout);
  // For ProjectionAdmin: `name` distinguishes the replicas of several contexts in one process.
  projection::AdministeredProjection administered(std::string name) const;

 private:
  DealsReplica() = default;

  DealsReplicaProjection projection_;
  projection::ProjectionSource source_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_REPLICA_DEALS_REPLICA_H_
