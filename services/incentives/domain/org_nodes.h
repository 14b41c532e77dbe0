// The org nodes targets and attainment are set on: the company, a region, a team, a rep — named
// canonically "company", "region:<id>", "team:<id>", "rep:<id>", because the org's ids of
// different kinds may coincide (the demo has a region and a team both called "south").
//
//   ASSIGN_OR_RETURN(std::string node, ResolveNode(org, "south", "target.node_id"));
//   // INVALID_ARGUMENT: ambiguous (region:south, team:south); "huang.lan" → "rep:huang.lan"
//   for (const std::string& child : NodeChildren(org, "region:east")) ...   // team:…
//
// Pure functions over the org's model; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_ORG_NODES_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_ORG_NODES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/org/v1/model.pb.h"

namespace sales::incentives {

inline constexpr char kRegionNodePrefix[] = "region:";
inline constexpr char kTeamNodePrefix[] = "team:";
inline constexpr char kRepNodePrefix[] = "rep:";

// The canonical node of `text`: "company", a typed id ("region:east") that exists, or a bare id
// that names exactly one region, team or rep. NOT_FOUND naming `field` when nothing has that id;
// INVALID_ARGUMENT when a bare id names several (the message lists the typed ids to use).
absl::StatusOr<std::string> ResolveNode(const org::v1::SalesOrganisation& org,
                                        absl::string_view text, absl::string_view field);

// The canonical node of a rep.
std::string RepNode(absl::string_view rep_id);

// OK when `rep_id` is a rep of `org`, else NOT_FOUND naming `field`.
absl::Status RequireRep(const org::v1::SalesOrganisation& org, const std::string& rep_id,
                        absl::string_view field);

// Stamps the rep's team and that team's region (LedgerLinesRecorded.team_id, region_id) as the
// org stands: what the dashboards credit. Left "" where the rep or team is unknown.
void PlaceRep(const org::v1::SalesOrganisation& org, const std::string& rep_id,
              v1::LedgerLinesRecorded& event);

// The nodes directly below `node` (company → regions → teams → reps), in id order.
std::vector<std::string> NodeChildren(const org::v1::SalesOrganisation& org,
                                      const std::string& node);

// The rep ids at or below `node`, in id order.
std::vector<std::string> RepsUnder(const org::v1::SalesOrganisation& org, const std::string& node);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_ORG_NODES_H_
