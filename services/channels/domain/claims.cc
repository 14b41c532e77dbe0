#include "services/channels/domain/claims.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/channel_rules.h"
#include "services/org/domain/org.h"

namespace sales::channels {
namespace {

constexpr int kMaxRegions = 1000;

const v1::Claim* FindClaim(const v1::ClaimLedger& ledger, absl::string_view claim_id) {
  for (const v1::Claim& claim : ledger.claims()) {
    if (claim.claim_id() == claim_id) return &claim;
  }
  return nullptr;
}

v1::Claim* FindClaim(v1::ClaimLedger& ledger, absl::string_view claim_id) {
  for (v1::Claim& claim : *ledger.mutable_claims()) {
    if (claim.claim_id() == claim_id) return &claim;
  }
  return nullptr;
}

const v1::Conflict* FindConflict(const v1::ClaimLedger& ledger, absl::string_view conflict_id) {
  for (const v1::Conflict& conflict : ledger.conflicts()) {
    if (conflict.conflict_id() == conflict_id) return &conflict;
  }
  return nullptr;
}

std::string SubjectName(const v1::ClaimSubject& subject) {
  return absl::StrCat(subject.kind() == v1::CLAIM_SUBJECT_KIND_LEAD ? "lead " : "customer ",
                      Quoted(subject.id()));
}

absl::Status ValidateClaim(const v1::ClaimRequest& c) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateSubject("subject", c.subject()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  if (c.region_ids().empty()) return InvalidField("region_ids", "a claim needs a territory");
  RETURN_IF_ERROR(ValidateIdList("region_ids", c.region_ids(), kMaxRegions));
  if (c.exclusivity_days() < 0 || c.exclusivity_days() > kMaxExclusivityDays) {
    return InvalidField("exclusivity_days",
                        absl::StrCat("must be 0 (the default, ", kDefaultExclusivityDays, ") to ",
                                     kMaxExclusivityDays));
  }
  return ValidateOptionalId("deal_id", c.deal_id());
}

// The channel exists and is active.
absl::StatusOr<const v1::Channel*> CheckClaimant(absl::string_view channel_id,
                                                 const ClaimContext& ctx) {
  const v1::Channel* channel = ctx.channels(channel_id);
  if (channel == nullptr) {
    return absl::NotFoundError(absl::StrCat("channel ", Quoted(channel_id), " does not exist"));
  }
  if (channel->status() == v1::CHANNEL_STATUS_TERMINATED) {
    return RuleViolated("channel_terminated",
                        absl::StrCat("channel ", Quoted(channel_id), " is terminated"));
  }
  if (channel->status() != v1::CHANNEL_STATUS_ACTIVE) {
    return RuleViolated("channel_not_active",
                        absl::StrCat("channel ", Quoted(channel_id), " is ",
                                     v1::ChannelStatus_Name(channel->status())));
  }
  return channel;
}

// A channel with a partner agreement in force claims only inside its territory.
absl::Status CheckTerritory(const v1::Channel& channel, const v1::ClaimRequest& c, absl::Time now) {
  const v1::AgreementVersion* agreement =
      AgreementOn(channel, absl::ToCivilDay(now, absl::UTCTimeZone()));
  if (agreement == nullptr) return absl::OkStatus();
  for (const std::string& region : c.region_ids()) {
    if (!CoversRegion(agreement->terms(), region)) {
      return RuleViolated("outside_territory",
                          absl::StrCat("region ", Quoted(region), " is not in the territory of ",
                                       Quoted(channel.channel_id()), "'s agreement version ",
                                       agreement->version()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string ClaimStreamId(const v1::ClaimSubject& subject) {
  return absl::StrCat(kClaimStreamPrefix,
                      subject.kind() == v1::CLAIM_SUBJECT_KIND_LEAD ? "lead-" : "customer-",
                      subject.id());
}

absl::Status ValidateSubject(absl::string_view field, const v1::ClaimSubject& subject) {
  RETURN_IF_ERROR(
      ValidateEnum(absl::StrCat(field, ".kind"), subject.kind(), v1::ClaimSubjectKind_IsValid));
  return ValidateId(absl::StrCat(field, ".id"), subject.id());
}

bool IsActiveAt(const v1::Claim& claim, absl::Time now) {
  return claim.status() == v1::CLAIM_STATUS_ACTIVE && now < FromTimestamp(claim.expires_at());
}

bool TerritoriesOverlap(const v1::Claim& a, const v1::Claim& b) {
  return std::any_of(a.region_ids().begin(), a.region_ids().end(), [&](const std::string& r) {
    return std::find(b.region_ids().begin(), b.region_ids().end(), r) != b.region_ids().end();
  });
}

absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger, const v1::ClaimRequest& c,
                                   const ClaimContext& ctx) {
  RETURN_IF_ERROR(ValidateClaim(c));
  ASSIGN_OR_RETURN(const v1::Channel* channel, CheckClaimant(c.channel_id(), ctx));
  for (const std::string& region : c.region_ids()) {
    if (!org::HasRegion(ctx.org, region)) {
      return absl::NotFoundError(
          absl::StrCat("region ", Quoted(region), " is not in the organisation"));
    }
  }
  RETURN_IF_ERROR(CheckTerritory(*channel, c, ctx.now));
  v1::Claim claim;
  claim.set_claim_id(absl::StrCat("claim-", ledger.claims_size() + 1));
  claim.set_channel_id(c.channel_id());
  *claim.mutable_region_ids() = c.region_ids();
  *claim.mutable_claimed_at() = ToTimestamp(ctx.now);
  const int days = c.exclusivity_days() > 0 ? c.exclusivity_days() : kDefaultExclusivityDays;
  *claim.mutable_expires_at() = ToTimestamp(ctx.now + absl::Hours(24) * days);
  claim.set_status(v1::CLAIM_STATUS_ACTIVE);
  claim.set_deal_id(c.deal_id());

  ClaimEvents events;
  std::vector<const v1::Claim*> collisions;
  for (const v1::Claim& other : ledger.claims()) {
    if (!IsActiveAt(other, ctx.now) || !TerritoriesOverlap(other, claim)) continue;
    if (other.channel_id() == c.channel_id()) {
      return RuleViolated(
          "already_claimed",
          absl::StrCat("channel ", Quoted(c.channel_id()), " holds ", other.claim_id(), " on ",
                       SubjectName(c.subject()), " over an overlapping territory"));
    }
    collisions.push_back(&other);
  }
  v1::ClaimRegistered& registered = *events.emplace_back().mutable_claim_registered();
  *registered.mutable_subject() = c.subject();
  *registered.mutable_claim() = claim;
  *registered.mutable_at() = claim.claimed_at();
  int next_conflict = ledger.conflicts_size() + 1;
  for (const v1::Claim* other : collisions) {
    v1::ChannelConflictRaised& raised = *events.emplace_back().mutable_channel_conflict_raised();
    *raised.mutable_subject() = c.subject();
    v1::Conflict& conflict = *raised.mutable_conflict();
    conflict.set_conflict_id(absl::StrCat("conflict-", next_conflict++));
    conflict.add_claim_ids(other->claim_id());
    conflict.add_claim_ids(claim.claim_id());
    conflict.set_status(v1::CONFLICT_STATUS_OPEN);
    *conflict.mutable_raised_at() = claim.claimed_at();
    *raised.add_claims() = *other;
    *raised.add_claims() = claim;
    raised.set_deal_id(!claim.deal_id().empty() ? claim.deal_id() : other->deal_id());
    *raised.mutable_at() = claim.claimed_at();
  }
  return events;
}

absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger,
                                   const v1::ResolveConflictRequest& c, const ClaimContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateSubject("subject", c.subject()));
  RETURN_IF_ERROR(ValidateId("conflict_id", c.conflict_id()));
  RETURN_IF_ERROR(ValidateId("winner_channel_id", c.winner_channel_id()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/true));
  const v1::Conflict* conflict = FindConflict(ledger, c.conflict_id());
  if (conflict == nullptr) {
    return absl::NotFoundError(absl::StrCat("conflict ", Quoted(c.conflict_id()), " of ",
                                            SubjectName(c.subject()), " does not exist"));
  }
  if (conflict->status() == v1::CONFLICT_STATUS_RESOLVED) {
    return RuleViolated("conflict_resolved",
                        absl::StrCat(conflict->conflict_id(), " was resolved for channel ",
                                     Quoted(conflict->winner_channel_id())));
  }
  v1::ChannelConflictResolved resolved;
  bool winner_in_conflict = false;
  std::string deal_id;
  for (const std::string& claim_id : conflict->claim_ids()) {
    const v1::Claim* claim = FindClaim(ledger, claim_id);
    if (claim == nullptr) continue;  // Evolve never drops claims; kept total all the same
    if (deal_id.empty()) deal_id = claim->deal_id();
    if (claim->channel_id() == c.winner_channel_id()) {
      winner_in_conflict = true;
    } else {
      resolved.add_lost_claim_ids(claim_id);
    }
  }
  if (!winner_in_conflict) {
    return RuleViolated("winner_not_in_conflict",
                        absl::StrCat("channel ", Quoted(c.winner_channel_id()), " has no claim in ",
                                     conflict->conflict_id()));
  }
  *resolved.mutable_subject() = c.subject();
  resolved.set_conflict_id(conflict->conflict_id());
  resolved.set_winner_channel_id(c.winner_channel_id());
  resolved.set_reason(c.reason());
  resolved.set_deal_id(deal_id);
  *resolved.mutable_at() = ToTimestamp(ctx.now);
  ClaimEvents events;
  *events.emplace_back().mutable_channel_conflict_resolved() = std::move(resolved);
  return events;
}

absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger, const v1::WithdrawClaimRequest& c,
                                   const ClaimContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateSubject("subject", c.subject()));
  RETURN_IF_ERROR(ValidateId("claim_id", c.claim_id()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/true));
  const v1::Claim* claim = FindClaim(ledger, c.claim_id());
  if (claim == nullptr) {
    return absl::NotFoundError(absl::StrCat("claim ", Quoted(c.claim_id()), " of ",
                                            SubjectName(c.subject()), " does not exist"));
  }
  if (!IsActiveAt(*claim, ctx.now)) {
    return RuleViolated("claim_not_active",
                        absl::StrCat(claim->claim_id(), " is no longer active (",
                                     v1::ClaimStatus_Name(claim->status()), ", or expired)"));
  }
  ClaimEvents events;
  v1::ClaimWithdrawn& withdrawn = *events.emplace_back().mutable_claim_withdrawn();
  *withdrawn.mutable_subject() = c.subject();
  withdrawn.set_claim_id(claim->claim_id());
  withdrawn.set_reason(c.reason());
  *withdrawn.mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger,
                                   const v1::RecordLeadConversionRequest& c,
                                   const ClaimContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("lead_id", c.lead_id()));
  RETURN_IF_ERROR(ValidateId("deal_id", c.deal_id()));
  ClaimEvents events;
  if (ledger.claims().empty() || ledger.deal_id() == c.deal_id()) return events;
  v1::ClaimedLeadConverted& converted = *events.emplace_back().mutable_claimed_lead_converted();
  converted.set_deal_id(c.deal_id());
  *converted.mutable_at() = ToTimestamp(ctx.now);
  return events;
}

v1::ClaimLedger Evolve(v1::ClaimLedger ledger, const v1::ClaimEvent& event) {
  switch (event.event_case()) {
    case v1::ClaimEvent::kClaimRegistered:
      *ledger.mutable_subject() = event.claim_registered().subject();
      *ledger.add_claims() = event.claim_registered().claim();
      break;
    case v1::ClaimEvent::kChannelConflictRaised:
      *ledger.add_conflicts() = event.channel_conflict_raised().conflict();
      break;
    case v1::ClaimEvent::kChannelConflictResolved: {
      const v1::ChannelConflictResolved& e = event.channel_conflict_resolved();
      for (v1::Conflict& conflict : *ledger.mutable_conflicts()) {
        if (conflict.conflict_id() != e.conflict_id()) continue;
        conflict.set_status(v1::CONFLICT_STATUS_RESOLVED);
        conflict.set_winner_channel_id(e.winner_channel_id());
        conflict.set_reason(e.reason());
        *conflict.mutable_resolved_at() = e.at();
      }
      for (const std::string& claim_id : e.lost_claim_ids()) {
        if (v1::Claim* claim = FindClaim(ledger, claim_id)) {
          claim->set_status(v1::CLAIM_STATUS_LOST);
        }
      }
      break;
    }
    case v1::ClaimEvent::kClaimWithdrawn:
      if (v1::Claim* claim = FindClaim(ledger, event.claim_withdrawn().claim_id())) {
        claim->set_status(v1::CLAIM_STATUS_WITHDRAWN);
      }
      break;
    case v1::ClaimEvent::kClaimedLeadConverted:
      ledger.set_deal_id(event.claimed_lead_converted().deal_id());
      break;
    case v1::ClaimEvent::EVENT_NOT_SET:
      break;
  }
  return ledger;
}

}  // namespace sales::channels
