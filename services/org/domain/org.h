// The SalesOrganisation aggregate (销售组织架构) of the org context, stream "org": regions,
// product lines, customer segments, teams, reps with managers and territory rules. Other
// contexts use the query functions below on their replica of it (services/org/replica/).
//
//   ASSIGN_OR_RETURN(std::vector<v1::OrgEvent> events, Decide(org, add_rule_request));
//   for (const v1::OrgEvent& e : events) org = Evolve(std::move(org), e);
//   std::vector<v1::TerritoryKey> gaps = TerritoryGaps(org);
//
// Territory rules route (region, product line, segment) to a team; each dimension is an id or
// kAny. Two rules overlap when in every dimension the values are equal or one is kAny; an
// overlapping rule is refused (rule "territory_overlap"), so at most one rule matches a lead.
// Decide reads no clock and does no I/O; Evolve is total (an unknown or empty event leaves the
// state unchanged). Pure functions; thread-safe.
#ifndef SALES_SERVICES_ORG_DOMAIN_ORG_H_
#define SALES_SERVICES_ORG_DOMAIN_ORG_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sales/org/v1/events.pb.h"
#include "sales/org/v1/model.pb.h"
#include "sales/org/v1/org.pb.h"

namespace sales::org {

inline constexpr absl::string_view kOrgStreamId = "org";
inline constexpr absl::string_view kAny = "*";

using OrgEvents = std::vector<v1::OrgEvent>;

// Ids must be new (ALREADY_EXISTS); references must exist (NOT_FOUND); every field is checked
// for syntax (INVALID_ARGUMENT) before any reference is looked up.
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::AddRegionRequest& c);
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::AddProductLineRequest& c);
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::AddCustomerSegmentRequest& c);
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::CreateTeamRequest& c);
// The manager, if any, must be an existing rep.
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::AddRepRequest& c);
// Rule "already_in_team" when the rep is in the target team.
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::MoveRepRequest& c);
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::AddTerritoryRuleRequest& c);
absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::RemoveTerritoryRuleRequest& c);

v1::SalesOrganisation Evolve(v1::SalesOrganisation org, const v1::OrgEvent& event);

bool Overlaps(const v1::TerritoryRule& a, const v1::TerritoryRule& b);
// The rule covering `key` (ids, never kAny), or nullptr.
const v1::TerritoryRule* FindTerritoryRule(const v1::SalesOrganisation& org,
                                           const v1::TerritoryKey& key);
// Every (region, product line, segment) of the known regions × product lines × segments that no
// rule covers, sorted by region, product line, segment.
std::vector<v1::TerritoryKey> TerritoryGaps(const v1::SalesOrganisation& org);

const v1::Rep* FindRep(const v1::SalesOrganisation& org, absl::string_view rep_id);
const v1::Team* FindTeam(const v1::SalesOrganisation& org, absl::string_view team_id);
bool HasRegion(const v1::SalesOrganisation& org, absl::string_view region_id);
bool HasProductLine(const v1::SalesOrganisation& org, absl::string_view product_line_id);
bool HasSegment(const v1::SalesOrganisation& org, absl::string_view segment_id);

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_DOMAIN_ORG_H_
