// Channel conflict (渠道冲突预防与解决), as deal registration: the ClaimLedger aggregate of one
// customer or lead, stream "claims-customer-<id>" or "claims-lead-<id>", holds every claim
// channels made on it and the conflicts between them.
//
//   ClaimContext ctx{.now = now, .org = org_replica, .channels = channel_lookup};
//   ASSIGN_OR_RETURN(ClaimEvents events, Decide(ledger, claim_request, ctx));
//   for (const v1::ClaimEvent& e : events) ledger = Evolve(std::move(ledger), e);
//
// A claim is exclusive over its territory (org regions) until it expires (claimed_at + the
// exclusivity period, 90 days by default): from then on it no longer counts, which frees the
// subject. A new claim whose territory shares a region with another channel's claim that is
// active (not lost, not withdrawn, not expired) raises ChannelConflictRaised naming both claims,
// one conflict per such claim; the new claim is registered all the same (the conflict is there
// to be resolved, not to hide the second channel). ResolveConflict gives the conflict to one of
// its channels with a reason: the other channels' claims in it are LOST.
//
// Decide checks fields first (INVALID_ARGUMENT), then existence (NOT_FOUND: channel, region,
// claim, conflict), then the rules (FAILED_PRECONDITION "rule <name>: …"): channel_terminated,
// channel_not_active (only an active channel claims), outside_territory (a channel whose partner
// agreement is in force claims only regions of its territory), already_claimed (the channel holds
// an active claim over an overlapping territory), conflict_resolved (resolving twice),
// winner_not_in_conflict, claim_not_active (withdrawing a lost, withdrawn or expired claim).
// The subject's id is not checked against the leads or orders contexts (channels keeps no replica
// of them): a claim registers what a partner states; the auto-claims name leads that exist.
// Evolve is total and deterministic. Pure functions; thread-safe.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_CLAIMS_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_CLAIMS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sales/channels/v1/commands.pb.h"
#include "sales/channels/v1/events.pb.h"
#include "sales/channels/v1/model.pb.h"
#include "sales/org/v1/model.pb.h"

namespace sales::channels {

using ClaimEvents = std::vector<v1::ClaimEvent>;

inline constexpr int kDefaultExclusivityDays = 90;
inline constexpr int kMaxExclusivityDays = 3650;

// What Decide may know besides the ledger: the clock, the organisation and the channels (the
// channel with an id, or null).
struct ClaimContext {
  absl::Time now;
  const org::v1::SalesOrganisation& org;
  std::function<const v1::Channel*(absl::string_view channel_id)> channels;
};

// "claims-customer-<id>" or "claims-lead-<id>" (the subject must be valid: ValidateSubject).
inline constexpr absl::string_view kClaimStreamPrefix = "claims-";
std::string ClaimStreamId(const v1::ClaimSubject& subject);
absl::Status ValidateSubject(absl::string_view field, const v1::ClaimSubject& subject);

// ACTIVE and not yet expired at `now`.
bool IsActiveAt(const v1::Claim& claim, absl::Time now);
// The territories share a region.
bool TerritoriesOverlap(const v1::Claim& a, const v1::Claim& b);

absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger, const v1::ClaimRequest& c,
                                   const ClaimContext& ctx);
absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger,
                                   const v1::ResolveConflictRequest& c, const ClaimContext& ctx);
absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger, const v1::WithdrawClaimRequest& c,
                                   const ClaimContext& ctx);
// No events for a ledger without claims, or one already linked to the deal.
absl::StatusOr<ClaimEvents> Decide(const v1::ClaimLedger& ledger,
                                   const v1::RecordLeadConversionRequest& c,
                                   const ClaimContext& ctx);
v1::ClaimLedger Evolve(v1::ClaimLedger ledger, const v1::ClaimEvent& event);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_CLAIMS_H_
