// DealHistoryProjection ("deal-history"): the index that makes a deal's history a prefix scan.
// Run by a projection::ProjectionRunner over every write service's topic (exactly once,
// rebuildable; DESIGN.md "The read side"). Key layout: services/audit/domain/history_keys.h.
//
//   DealHistoryProjection projection;
//   ASSIGN_OR_RETURN(auto runner, projection::ProjectionRunner::Create(&projection, options));
//   runner->Start();
//   // queries: runner->store().Scan(HistoryPrefix("D-1"), …)
//
// Per event of stream S (service, stream id):
//   * its causal time is computed from S's causal clock (the s/ row) — see NextCausalTime;
//   * the deal it concerns is the envelope's deal id, else the deal S is linked to;
//   * with a deal D: the envelope goes to h/D/…; if S was not linked yet, S is linked to D (d/ and
//     s/ rows) and S's earlier events, parked under p/ (a lead's events before its conversion),
//     move to h/D/…. An event whose deal id differs from S's link goes to its own deal (and S is
//     listed among that deal's streams too); S stays linked to its first deal;
//   * without a deal: the envelope is parked under p/S/<version> until S is linked (streams that
//     never concern a deal — the organisation, dedupe claims, unconverted leads — keep their
//     events there; that copy is the index's price for linking without reading the event stores).
// This keeps the projection contract: the writes depend only on the event and S's own rows, so
// only S's own order matters, never how streams interleave. Envelopes are stored with
// deterministic serialization, so a rebuild is byte-identical.
//
// Poison (INVALID_ARGUMENT): a deal id that is not 1–200 printable characters, an out-of-range
// occurred_at. Thread-safety: stateless; the runner calls Apply from one thread.
#ifndef SALES_SERVICES_AUDIT_APP_DEAL_HISTORY_PROJECTION_H_
#define SALES_SERVICES_AUDIT_APP_DEAL_HISTORY_PROJECTION_H_

#include <string>

#include "common/projection/projection.h"
#include "services/audit/domain/history_keys.h"

namespace sales::audit {

class DealHistoryProjection final : public projection::Projection {
 public:
  static constexpr char kName[] = "deal-history";

  absl::string_view name() const override { return kName; }
  absl::Status Apply(const common::v1::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;

 private:
  // Moves S's parked events (versions below `version`) into `deal_id`'s history.
  static absl::Status MoveParkedEvents(const common::v1::EventEnvelope& event,
                                       absl::string_view deal_id, projection::ProjectionTxn& txn);
};

// The envelope's bytes as the index stores them (deterministic serialization).
std::string IndexBytes(const common::v1::EventEnvelope& event);

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_APP_DEAL_HISTORY_PROJECTION_H_
