// The auto-claim process manager (DESIGN.md "process managers"): a lead captured through a
// partner channel is claimed for that channel, so that two partners bringing the same company
// collide visibly (ChannelConflictRaised) instead of silently.
//
//   AutoClaimProcess process(app, metrics);
//   ASSIGN_OR_RETURN(auto runner, projection::ProjectionRunner::Create(&process, {
//       .path = dir + "/auto-claims", .sources = {leads_source}}));
//   runner->Start();
//
// A projection of the leads topic on the common runner whose output is commands to its own
// context: on LeadCaptured, LeadSourceChanged and DuplicateLeadMerged whose source is
// LEAD_SOURCE_PARTNER_CHANNEL with a channel id, it sends ChannelsApp::Claim for the lead over
// the lead's company region (with the lead's deal id once converted), as actor
// "system:auto-claim", dated at the causing event's occurred-at (CallOrigin::caused_at: the
// exclusivity runs from the capture, however late the process gets to it); on
// ConvertedToOpportunity it links the lead's claim ledger to the deal
// (RecordLeadConversion), so the deal's audit history shows the claims made before conversion.
// Exactly once: the claim's idempotency key is the causing event's id, so a replay (a crash before
// the runner committed its offsets, a duplicate delivery, the process manager's store lost) answers
// the first claim and writes nothing. Its own rows are only what it folds from each lead's stream
// (region, deal id): "l/<lead>" → "<region>\n<deal>".
//
// A claim the channels context refuses (an unknown channel id — a lead's channel id is free
// text —, a channel not active, one that already holds the lead) is skipped, logged and counted;
// any other error fails the batch, which the runner retries. Outcomes are counted in
// sales_channels_auto_claims_total{outcome=claimed|conflict|unknown_channel|refused}.
//
// Not administered for rebuild: its effects are commands, so ProjectionAdmin does not list it
// (a rebuild of a process manager would be a replay of its decisions).
//
// Thread-safety: as any Projection (the runner calls Apply from one thread at a time).
#ifndef SALES_SERVICES_CHANNELS_AUTO_CLAIMS_AUTO_CLAIMS_H_
#define SALES_SERVICES_CHANNELS_AUTO_CLAIMS_AUTO_CLAIMS_H_

#include "common/metrics/metrics_registry.h"
#include "common/projection/projection.h"
#include "services/channels/app/channels_app.h"

namespace sales::channels {

inline constexpr char kAutoClaimActor[] = "system:auto-claim";

class AutoClaimProcess final : public projection::Projection {
 public:
  static constexpr char kName[] = "auto-claims";

  // `app` and `metrics` (may be null) must outlive the process.
  AutoClaimProcess(ChannelsApp* app, metrics::MetricsRegistry* metrics);

  absl::string_view name() const override { return kName; }
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;

 private:
  // Claims `lead_id` for `channel_id`, as caused by `event`; counts the outcome.
  absl::Status Claim(const projection::EventEnvelope& event, const std::string& lead_id,
                     const std::string& channel_id, const std::string& region_id,
                     const std::string& deal_id);
  // A refusal of `command` (a claim the channels context does not accept) is skipped, logged
  // and counted; any other error is returned, for the runner to retry the batch.
  absl::Status Settle(absl::string_view command, const projection::EventEnvelope& event,
                      const std::string& lead_id, const std::string& channel_id,
                      const absl::Status& status);
  void Count(absl::string_view outcome);

  ChannelsApp* const app_;
  metrics::MetricsRegistry* const metrics_;
};

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_AUTO_CLAIMS_AUTO_CLAIMS_H_
