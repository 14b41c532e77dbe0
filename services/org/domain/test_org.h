// Test-only fixture of the org domain, shared with the tests of contexts that read the org
// (leads): a small organisation and a territory-rule builder. Not part of sales::org_domain.
#ifndef SALES_SERVICES_ORG_DOMAIN_TEST_ORG_H_
#define SALES_SERVICES_ORG_DOMAIN_TEST_ORG_H_

#include <string>
#include <utility>

#include "sales/org/v1/model.pb.h"

namespace sales::org::testing {

inline v1::TerritoryRule Rule(const std::string& id, const std::string& region,
                              const std::string& line, const std::string& segment,
                              const std::string& team) {
  v1::TerritoryRule rule;
  rule.set_rule_id(id);
  rule.set_region_id(region);
  rule.set_product_line_id(line);
  rule.set_segment_id(segment);
  rule.set_team_id(team);
  return rule;
}

// Regions east/west, product lines laptops/servers, segments smb/enterprise; team t-east with
// reps r1 and r2 (managed by r1), team t-west with r3; rules (east,*,*) → t-east and
// (west,*,*) → t-west.
inline v1::SalesOrganisation TestOrg() {
  v1::SalesOrganisation org;
  for (const char* id : {"east", "west"}) {
    v1::Region* r = org.add_regions();
    r->set_region_id(id);
    r->set_name(id);
  }
  for (const char* id : {"laptops", "servers"}) {
    v1::ProductLine* p = org.add_product_lines();
    p->set_product_line_id(id);
    p->set_name(id);
  }
  for (const char* id : {"smb", "enterprise"}) {
    v1::CustomerSegment* s = org.add_segments();
    s->set_segment_id(id);
    s->set_name(id);
  }
  for (const char* id : {"t-east", "t-west"}) {
    v1::Team* t = org.add_teams();
    t->set_team_id(id);
    t->set_name(id);
  }
  const std::pair<const char*, const char*> reps[] = {
      {"r1", "t-east"}, {"r2", "t-east"}, {"r3", "t-west"}};
  for (const auto& [id, team] : reps) {
    v1::Rep* rep = org.add_reps();
    rep->set_rep_id(id);
    rep->set_name(id);
    rep->set_team_id(team);
  }
  org.mutable_reps(1)->set_manager_rep_id("r1");
  *org.add_territory_rules() = Rule("rule-east", "east", "*", "*", "t-east");
  *org.add_territory_rules() = Rule("rule-west", "west", "*", "*", "t-west");
  return org;
}

}  // namespace sales::org::testing

#endif  // SALES_SERVICES_ORG_DOMAIN_TEST_ORG_H_
