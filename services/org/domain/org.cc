#include "services/org/domain/org.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/validation/field_validation.h"

namespace sales::org {
namespace {

template <typename List, typename IdOf>
bool ContainsId(const List& list, absl::string_view id, IdOf id_of) {
  return std::any_of(list.begin(), list.end(), [&](const auto& item) { return id_of(item) == id; });
}

absl::Status AlreadyExists(absl::string_view kind, absl::string_view id) {
  return absl::AlreadyExistsError(absl::StrCat(kind, " '", id, "' already exists"));
}

absl::Status NotFound(absl::string_view kind, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(kind, " '", id, "' not found"));
}

bool DimensionOverlaps(absl::string_view a, absl::string_view b) {
  return a == b || a == kAny || b == kAny;
}

bool DimensionCovers(absl::string_view rule_value, absl::string_view value) {
  return rule_value == kAny || rule_value == value;
}

std::string Describe(const v1::TerritoryRule& r) {
  return absl::StrFormat("%s (%s, %s, %s)", r.rule_id(), r.region_id(), r.product_line_id(),
                         r.segment_id());
}

// A territory dimension: kAny, or an id the org knows.
absl::Status ValidateDimension(absl::string_view field, absl::string_view value,
                               absl::string_view kind, bool known) {
  if (value == kAny) return absl::OkStatus();
  RETURN_IF_ERROR(ValidateId(field, value));
  if (!known) return NotFound(kind, value);
  return absl::OkStatus();
}

// An optional reference to a region/product line/segment for a team's specialisation.
absl::Status ValidateOptionalRef(absl::string_view field, absl::string_view value,
                                 absl::string_view kind, bool known) {
  RETURN_IF_ERROR(ValidateOptionalId(field, value));
  if (!value.empty() && !known) return NotFound(kind, value);
  return absl::OkStatus();
}

OrgEvents One(v1::OrgEvent event) {
  OrgEvents events;
  events.push_back(std::move(event));
  return events;
}

}  // namespace

const v1::Rep* FindRep(const v1::SalesOrganisation& org, absl::string_view rep_id) {
  for (const v1::Rep& rep : org.reps()) {
    if (rep.rep_id() == rep_id) return &rep;
  }
  return nullptr;
}

const v1::Team* FindTeam(const v1::SalesOrganisation& org, absl::string_view team_id) {
  for (const v1::Team& team : org.teams()) {
    if (team.team_id() == team_id) return &team;
  }
  return nullptr;
}

bool HasRegion(const v1::SalesOrganisation& org, absl::string_view id) {
  return ContainsId(org.regions(), id, [](const v1::Region& r) { return r.region_id(); });
}

bool HasProductLine(const v1::SalesOrganisation& org, absl::string_view id) {
  return ContainsId(org.product_lines(), id,
                    [](const v1::ProductLine& p) { return p.product_line_id(); });
}

bool HasSegment(const v1::SalesOrganisation& org, absl::string_view id) {
  return ContainsId(org.segments(), id,
                    [](const v1::CustomerSegment& s) { return s.segment_id(); });
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::AddRegionRequest& c) {
  RETURN_IF_ERROR(ValidateNamed("region", "region_id", c.region().region_id(), c.region().name()));
  if (HasRegion(org, c.region().region_id())) {
    return AlreadyExists("region", c.region().region_id());
  }
  v1::OrgEvent event;
  *event.mutable_region_added()->mutable_region() = c.region();
  return One(std::move(event));
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::AddProductLineRequest& c) {
  const v1::ProductLine& p = c.product_line();
  RETURN_IF_ERROR(ValidateNamed("product_line", "product_line_id", p.product_line_id(), p.name()));
  if (HasProductLine(org, p.product_line_id())) {
    return AlreadyExists("product line", p.product_line_id());
  }
  v1::OrgEvent event;
  *event.mutable_product_line_added()->mutable_product_line() = p;
  return One(std::move(event));
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::AddCustomerSegmentRequest& c) {
  const v1::CustomerSegment& s = c.segment();
  RETURN_IF_ERROR(ValidateNamed("segment", "segment_id", s.segment_id(), s.name()));
  if (HasSegment(org, s.segment_id())) return AlreadyExists("segment", s.segment_id());
  v1::OrgEvent event;
  *event.mutable_customer_segment_added()->mutable_segment() = s;
  return One(std::move(event));
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::CreateTeamRequest& c) {
  const v1::Team& t = c.team();
  RETURN_IF_ERROR(ValidateNamed("team", "team_id", t.team_id(), t.name()));
  RETURN_IF_ERROR(ValidateOptionalId("team.region_id", t.region_id()));
  RETURN_IF_ERROR(ValidateOptionalId("team.product_line_id", t.product_line_id()));
  RETURN_IF_ERROR(ValidateOptionalId("team.segment_id", t.segment_id()));
  RETURN_IF_ERROR(ValidateOptionalRef("team.region_id", t.region_id(), "region",
                                      HasRegion(org, t.region_id())));
  RETURN_IF_ERROR(ValidateOptionalRef("team.product_line_id", t.product_line_id(), "product line",
                                      HasProductLine(org, t.product_line_id())));
  RETURN_IF_ERROR(ValidateOptionalRef("team.segment_id", t.segment_id(), "segment",
                                      HasSegment(org, t.segment_id())));
  if (FindTeam(org, t.team_id()) != nullptr) return AlreadyExists("team", t.team_id());
  v1::OrgEvent event;
  *event.mutable_team_created()->mutable_team() = t;
  return One(std::move(event));
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::AddRepRequest& c) {
  const v1::Rep& r = c.rep();
  RETURN_IF_ERROR(ValidateNamed("rep", "rep_id", r.rep_id(), r.name()));
  RETURN_IF_ERROR(ValidateId("rep.team_id", r.team_id()));
  RETURN_IF_ERROR(ValidateOptionalId("rep.manager_rep_id", r.manager_rep_id()));
  if (FindRep(org, r.rep_id()) != nullptr) return AlreadyExists("rep", r.rep_id());
  if (FindTeam(org, r.team_id()) == nullptr) return NotFound("team", r.team_id());
  if (!r.manager_rep_id().empty() && FindRep(org, r.manager_rep_id()) == nullptr) {
    return NotFound("manager rep", r.manager_rep_id());
  }
  v1::OrgEvent event;
  *event.mutable_rep_added()->mutable_rep() = r;
  return One(std::move(event));
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org, const v1::MoveRepRequest& c) {
  RETURN_IF_ERROR(ValidateId("rep_id", c.rep_id()));
  RETURN_IF_ERROR(ValidateId("to_team_id", c.to_team_id()));
  const v1::Rep* rep = FindRep(org, c.rep_id());
  if (rep == nullptr) return NotFound("rep", c.rep_id());
  if (FindTeam(org, c.to_team_id()) == nullptr) return NotFound("team", c.to_team_id());
  if (rep->team_id() == c.to_team_id()) {
    return RuleViolated(
        "already_in_team",
        absl::StrCat("rep '", c.rep_id(), "' is already in team '", c.to_team_id(), "'"));
  }
  v1::OrgEvent event;
  v1::RepMovedTeam* moved = event.mutable_rep_moved_team();
  moved->set_rep_id(c.rep_id());
  moved->set_from_team_id(rep->team_id());
  moved->set_to_team_id(c.to_team_id());
  return One(std::move(event));
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::AddTerritoryRuleRequest& c) {
  const v1::TerritoryRule& rule = c.rule();
  // Every field's syntax before any lookup: a malformed field is INVALID_ARGUMENT even when
  // another one names something unknown.
  RETURN_IF_ERROR(ValidateId("rule.rule_id", rule.rule_id()));
  for (const auto& [field, value] : {std::pair{"rule.region_id", rule.region_id()},
                                     std::pair{"rule.product_line_id", rule.product_line_id()},
                                     std::pair{"rule.segment_id", rule.segment_id()}}) {
    if (value != kAny) RETURN_IF_ERROR(ValidateId(field, value));
  }
  RETURN_IF_ERROR(ValidateId("rule.team_id", rule.team_id()));
  RETURN_IF_ERROR(ValidateDimension("rule.region_id", rule.region_id(), "region",
                                    HasRegion(org, rule.region_id())));
  RETURN_IF_ERROR(ValidateDimension("rule.product_line_id", rule.product_line_id(), "product line",
                                    HasProductLine(org, rule.product_line_id())));
  RETURN_IF_ERROR(ValidateDimension("rule.segment_id", rule.segment_id(), "segment",
                                    HasSegment(org, rule.segment_id())));
  RETURN_IF_ERROR(ValidateId("rule.team_id", rule.team_id()));
  if (FindTeam(org, rule.team_id()) == nullptr) return NotFound("team", rule.team_id());
  for (const v1::TerritoryRule& existing : org.territory_rules()) {
    if (existing.rule_id() == rule.rule_id()) {
      return AlreadyExists("territory rule", rule.rule_id());
    }
    if (Overlaps(existing, rule)) {
      return RuleViolated(
          "territory_overlap",
          absl::StrCat("territory ", Describe(rule), " overlaps territory ", Describe(existing)));
    }
  }
  v1::OrgEvent event;
  *event.mutable_territory_rule_added()->mutable_rule() = rule;
  return One(std::move(event));
}

absl::StatusOr<OrgEvents> Decide(const v1::SalesOrganisation& org,
                                 const v1::RemoveTerritoryRuleRequest& c) {
  RETURN_IF_ERROR(ValidateId("rule_id", c.rule_id()));
  if (!ContainsId(org.territory_rules(), c.rule_id(),
                  [](const v1::TerritoryRule& r) { return r.rule_id(); })) {
    return NotFound("territory rule", c.rule_id());
  }
  v1::OrgEvent event;
  event.mutable_territory_rule_removed()->set_rule_id(c.rule_id());
  return One(std::move(event));
}

v1::SalesOrganisation Evolve(v1::SalesOrganisation org, const v1::OrgEvent& event) {
  switch (event.event_case()) {
    case v1::OrgEvent::kRegionAdded:
      *org.add_regions() = event.region_added().region();
      break;
    case v1::OrgEvent::kProductLineAdded:
      *org.add_product_lines() = event.product_line_added().product_line();
      break;
    case v1::OrgEvent::kCustomerSegmentAdded:
      *org.add_segments() = event.customer_segment_added().segment();
      break;
    case v1::OrgEvent::kTeamCreated:
      *org.add_teams() = event.team_created().team();
      break;
    case v1::OrgEvent::kRepAdded:
      *org.add_reps() = event.rep_added().rep();
      break;
    case v1::OrgEvent::kRepMovedTeam:
      for (v1::Rep& rep : *org.mutable_reps()) {
        if (rep.rep_id() == event.rep_moved_team().rep_id()) {
          rep.set_team_id(event.rep_moved_team().to_team_id());
        }
      }
      break;
    case v1::OrgEvent::kTerritoryRuleAdded:
      *org.add_territory_rules() = event.territory_rule_added().rule();
      break;
    case v1::OrgEvent::kTerritoryRuleRemoved: {
      auto* rules = org.mutable_territory_rules();
      rules->erase(std::remove_if(rules->begin(), rules->end(),
                                  [&](const v1::TerritoryRule& r) {
                                    return r.rule_id() == event.territory_rule_removed().rule_id();
                                  }),
                   rules->end());
      break;
    }
    case v1::OrgEvent::EVENT_NOT_SET:
      break;
  }
  return org;
}

bool Overlaps(const v1::TerritoryRule& a, const v1::TerritoryRule& b) {
  return DimensionOverlaps(a.region_id(), b.region_id()) &&
         DimensionOverlaps(a.product_line_id(), b.product_line_id()) &&
         DimensionOverlaps(a.segment_id(), b.segment_id());
}

const v1::TerritoryRule* FindTerritoryRule(const v1::SalesOrganisation& org,
                                           const v1::TerritoryKey& key) {
  for (const v1::TerritoryRule& rule : org.territory_rules()) {
    if (DimensionCovers(rule.region_id(), key.region_id()) &&
        DimensionCovers(rule.product_line_id(), key.product_line_id()) &&
        DimensionCovers(rule.segment_id(), key.segment_id())) {
      return &rule;
    }
  }
  return nullptr;
}

std::vector<v1::TerritoryKey> TerritoryGaps(const v1::SalesOrganisation& org) {
  std::vector<v1::TerritoryKey> gaps;
  for (const v1::Region& region : org.regions()) {
    for (const v1::ProductLine& line : org.product_lines()) {
      for (const v1::CustomerSegment& segment : org.segments()) {
        v1::TerritoryKey key;
        key.set_region_id(region.region_id());
        key.set_product_line_id(line.product_line_id());
        key.set_segment_id(segment.segment_id());
        if (FindTerritoryRule(org, key) == nullptr) gaps.push_back(std::move(key));
      }
    }
  }
  std::sort(gaps.begin(), gaps.end(), [](const v1::TerritoryKey& a, const v1::TerritoryKey& b) {
    return std::tie(a.region_id(), a.product_line_id(), a.segment_id()) <
           std::tie(b.region_id(), b.product_line_id(), b.segment_id());
  });
  return gaps;
}

}  // namespace sales::org
