#include "services/channels/auto_claims/auto_claims.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/eventsourcing/event_codec.h"
#include "common/log/log.h"
#include "common/log/rate_limiter.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "sales/leads/v1/events.pb.h"

namespace sales::channels {
namespace {

namespace leads_v1 = ::sales::leads::v1;

constexpr absl::string_view kLeadStreamPrefix = "lead-";

// What the process keeps of a lead: "<region>\n<deal>" (ids contain no '\n').
struct LeadFacts {
  std::string region_id;
  std::string deal_id;
};

absl::StatusOr<LeadFacts> LoadFacts(projection::ProjectionTxn& txn, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(key));
  if (!stored.has_value()) return LeadFacts{};
  std::vector<std::string> parts = absl::StrSplit(*stored, '\n');
  if (parts.size() != 2) {
    return absl::DataLossError(absl::StrCat("auto-claims: row ", key, " does not decode"));
  }
  return LeadFacts{.region_id = std::move(parts[0]), .deal_id = std::move(parts[1])};
}

// The meta of a command caused by `event`: its idempotency key is the event's id, so a replay of
// the event answers the first result and writes nothing.
common::v1::CommandMeta MetaCausedBy(const projection::EventEnvelope& event) {
  common::v1::CommandMeta meta;
  meta.set_actor(kAutoClaimActor);
  meta.set_idempotency_key(absl::StrCat("auto-claim:", event.event_id()));
  return meta;
}

CallOrigin OriginOf(const projection::EventEnvelope& event) {
  return {.correlation_id = event.correlation_id(),
          .causation_id = event.event_id(),
          .caused_at = FromTimestamp(event.occurred_at())};
}

bool ThroughPartner(leads_v1::LeadSource source, const std::string& channel_id) {
  return source == leads_v1::LEAD_SOURCE_PARTNER_CHANNEL && !channel_id.empty();
}

}  // namespace

AutoClaimProcess::AutoClaimProcess(ChannelsApp* app, metrics::MetricsRegistry* metrics)
    : app_(app), metrics_(metrics) {}

absl::Status AutoClaimProcess::Apply(const projection::EventEnvelope& envelope,
                                     projection::ProjectionTxn& txn) {
  const std::string& stream = envelope.stream_id();
  if (!absl::StartsWith(stream, kLeadStreamPrefix)) return absl::OkStatus();
  leads_v1::LeadEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(kName, envelope.payload(), event));
  const std::string lead_id = stream.substr(kLeadStreamPrefix.size());
  const std::string key = absl::StrCat("l/", lead_id);
  ASSIGN_OR_RETURN(LeadFacts facts, LoadFacts(txn, key));
  switch (event.event_case()) {
    case leads_v1::LeadEvent::kLeadCaptured: {
      const leads_v1::LeadCaptured& captured = event.lead_captured();
      facts.region_id = captured.details().company().region_id();
      if (ThroughPartner(captured.source(), captured.channel_id())) {
        RETURN_IF_ERROR(
            Claim(envelope, lead_id, captured.channel_id(), facts.region_id, facts.deal_id));
      }
      break;
    }
    case leads_v1::LeadEvent::kLeadDetailsUpdated:
      facts.region_id = event.lead_details_updated().details().company().region_id();
      break;
    case leads_v1::LeadEvent::kConvertedToOpportunity: {
      facts.deal_id = event.converted_to_opportunity().deal_id();
      v1::RecordLeadConversionRequest link;
      *link.mutable_meta() = MetaCausedBy(envelope);
      link.set_lead_id(lead_id);
      link.set_deal_id(facts.deal_id);
      RETURN_IF_ERROR(Settle("RecordLeadConversion", envelope, lead_id, "",
                             app_->RecordLeadConversion(link, OriginOf(envelope)).status()));
      break;
    }
    case leads_v1::LeadEvent::kLeadSourceChanged: {
      const leads_v1::LeadSourceChanged& changed = event.lead_source_changed();
      if (ThroughPartner(changed.source(), changed.channel_id())) {
        RETURN_IF_ERROR(
            Claim(envelope, lead_id, changed.channel_id(), facts.region_id, facts.deal_id));
      }
      break;
    }
    case leads_v1::LeadEvent::kDuplicateLeadMerged: {
      // Another capture of the same company: a second partner bringing it claims it too.
      const leads_v1::DuplicateLeadMerged& merged = event.duplicate_lead_merged();
      if (ThroughPartner(merged.source(), merged.channel_id())) {
        const std::string& region =
            merged.company().region_id().empty() ? facts.region_id : merged.company().region_id();
        RETURN_IF_ERROR(Claim(envelope, lead_id, merged.channel_id(), region, facts.deal_id));
      }
      break;
    }
    default:
      return absl::OkStatus();  // nothing the process keeps or acts on
  }
  txn.Put(key, absl::StrCat(facts.region_id, "\n", facts.deal_id));
  return absl::OkStatus();
}

absl::Status AutoClaimProcess::Claim(const projection::EventEnvelope& event,
                                     const std::string& lead_id, const std::string& channel_id,
                                     const std::string& region_id, const std::string& deal_id) {
  v1::ClaimRequest request;
  *request.mutable_meta() = MetaCausedBy(event);
  request.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_LEAD);
  request.mutable_subject()->set_id(lead_id);
  request.set_channel_id(channel_id);
  if (!region_id.empty()) request.add_region_ids(region_id);
  request.set_deal_id(deal_id);
  absl::StatusOr<v1::ClaimResponse> claimed = app_->Claim(request, OriginOf(event));
  if (claimed.ok()) {
    Count(claimed->conflict_ids().empty() ? "claimed" : "conflict");
    return absl::OkStatus();
  }
  return Settle("Claim", event, lead_id, channel_id, claimed.status());
}

absl::Status AutoClaimProcess::Settle(absl::string_view command,
                                      const projection::EventEnvelope& event,
                                      const std::string& lead_id, const std::string& channel_id,
                                      const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return absl::OkStatus();
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists: {
      const bool unknown = status.code() == absl::StatusCode::kNotFound;
      Count(unknown ? "unknown_channel" : "refused");
      // Any lead's channel id may name no channel: a few lines a second, the rest counted.
      static auto* limiter = new log::LogRateLimiter(5);
      if (std::optional<uint64_t> suppressed = limiter->Admit()) {
        log::Info("channels.auto_claim.skipped", {{"command", std::string(command)},
                                                  {"lead", lead_id},
                                                  {"channel", channel_id},
                                                  {"event", event.event_id()},
                                                  {"reason", status.ToString()},
                                                  {"suppressed_before", *suppressed}});
      }
      return absl::OkStatus();
    }
    default:
      return status;  // the batch is retried; the command's key makes that safe
  }
}

void AutoClaimProcess::Count(absl::string_view outcome) {
  if (metrics_ == nullptr) return;
  metrics_
      ->GetCounter("sales_channels_auto_claims_total",
                   "Leads captured through a partner channel, by what claiming them did.",
                   {{"outcome", std::string(outcome)}})
      ->Increment();
}

}  // namespace sales::channels
