#include "services/incentives/domain/org_nodes.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"
#include "services/incentives/domain/targets.h"
#include "services/org/domain/org.h"

namespace sales::incentives {
namespace {

// org's own lookups, in the signature ResolveNode's table takes.
bool HasRegion(const org::v1::SalesOrganisation& org, absl::string_view id) {
  return org::HasRegion(org, id);
}
bool HasTeam(const org::v1::SalesOrganisation& org, absl::string_view id) {
  return org::FindTeam(org, id) != nullptr;
}
bool HasRep(const org::v1::SalesOrganisation& org, absl::string_view id) {
  return org::FindRep(org, id) != nullptr;
}

}  // namespace

std::string RepNode(absl::string_view rep_id) { return absl::StrCat(kRepNodePrefix, rep_id); }

absl::StatusOr<std::string> ResolveNode(const org::v1::SalesOrganisation& org,
                                        absl::string_view text, absl::string_view field) {
  if (text == kCompanyNode) return std::string(kCompanyNode);
  struct Kind {
    absl::string_view prefix;
    bool (*has)(const org::v1::SalesOrganisation&, absl::string_view);
  };
  const Kind kinds[] = {
      {kRegionNodePrefix, &HasRegion}, {kTeamNodePrefix, &HasTeam}, {kRepNodePrefix, &HasRep}};
  for (const Kind& kind : kinds) {
    if (!absl::StartsWith(text, kind.prefix)) continue;
    if (kind.has(org, text.substr(kind.prefix.size()))) return std::string(text);
    return absl::NotFoundError(absl::StrCat(field, ": no org node ", text));
  }
  std::vector<std::string> matches;
  for (const Kind& kind : kinds) {
    if (kind.has(org, text)) matches.push_back(absl::StrCat(kind.prefix, text));
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    return absl::NotFoundError(
        absl::StrCat(field, ": no org node ", text, " (\"company\", a region, a team or a rep)"));
  }
  return InvalidField(field,
                      absl::StrCat("ambiguous: ", absl::StrJoin(matches, " or "), "; name one"));
}

absl::Status RequireRep(const org::v1::SalesOrganisation& org, const std::string& rep_id,
                        absl::string_view field) {
  if (HasRep(org, rep_id)) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat(field, ": no rep ", rep_id, " in the org"));
}

void PlaceRep(const org::v1::SalesOrganisation& org, const std::string& rep_id,
              v1::LedgerLinesRecorded& event) {
  const org::v1::Rep* rep = org::FindRep(org, rep_id);
  if (rep == nullptr) return;
  event.set_team_id(rep->team_id());
  if (const org::v1::Team* team = org::FindTeam(org, rep->team_id()); team != nullptr) {
    event.set_region_id(team->region_id());
  }
}

std::vector<std::string> NodeChildren(const org::v1::SalesOrganisation& org,
                                      const std::string& node) {
  std::vector<std::string> children;
  if (node == kCompanyNode) {
    for (const auto& region : org.regions()) {
      children.push_back(absl::StrCat(kRegionNodePrefix, region.region_id()));
    }
  } else if (absl::StartsWith(node, kRegionNodePrefix)) {
    const absl::string_view region = absl::string_view(node).substr(sizeof(kRegionNodePrefix) - 1);
    for (const auto& team : org.teams()) {
      if (team.region_id() == region) {
        children.push_back(absl::StrCat(kTeamNodePrefix, team.team_id()));
      }
    }
  } else if (absl::StartsWith(node, kTeamNodePrefix)) {
    const absl::string_view team = absl::string_view(node).substr(sizeof(kTeamNodePrefix) - 1);
    for (const auto& rep : org.reps()) {
      if (rep.team_id() == team) children.push_back(RepNode(rep.rep_id()));
    }
  }
  std::sort(children.begin(), children.end());
  return children;
}

std::vector<std::string> RepsUnder(const org::v1::SalesOrganisation& org, const std::string& node) {
  std::vector<std::string> reps;
  std::vector<std::string> frontier = {node};
  while (!frontier.empty()) {
    const std::string next = std::move(frontier.back());
    frontier.pop_back();
    if (absl::StartsWith(next, kRepNodePrefix)) {
      reps.push_back(next.substr(sizeof(kRepNodePrefix) - 1));
    }
    for (std::string& child : NodeChildren(org, next)) frontier.push_back(std::move(child));
  }
  std::sort(reps.begin(), reps.end());
  return reps;
}

}  // namespace sales::incentives
