// Shared fixtures for the leads domain unit tests: a small organisation, valid commands and a
// helper that decides and folds. Test-only; not part of sales::leads_domain.
#ifndef SALES_SERVICES_LEADS_DOMAIN_TEST_FIXTURES_H_
#define SALES_SERVICES_LEADS_DOMAIN_TEST_FIXTURES_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/org.h"

namespace sales::leads::testing {

inline const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

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

inline v1::CaptureLeadRequest ValidCapture(const std::string& lead_id = "lead-1") {
  v1::CaptureLeadRequest c;
  c.set_lead_id(lead_id);
  c.set_source(v1::LEAD_SOURCE_REFERRAL);
  c.set_channel_id("cust-42");
  v1::LeadDetails* d = c.mutable_details();
  d->mutable_contact()->set_name("Li Wei");
  d->mutable_contact()->set_email("li.wei@example.com");
  d->mutable_contact()->set_phone("+86 138 0013 8000");
  d->mutable_company()->set_name("Acme Co., Ltd.");
  d->mutable_company()->set_industry("manufacturing");
  d->mutable_company()->set_size(v1::COMPANY_SIZE_MEDIUM);
  d->mutable_company()->set_region_id("east");
  d->set_product_line_id("laptops");
  d->set_segment_id("smb");
  d->mutable_estimated_value()->set_units(5'000'000);
  d->mutable_estimated_value()->set_currency("CNY");
  c.set_need_match(70);
  c.set_purchase_intent(60);
  return c;
}

// Decide + Evolve against a fixed org; time is set by the test.
class LeadHarness {
 public:
  LeadHarness() : org_(TestOrg()) {}

  v1::SalesOrganisation& org() { return org_; }
  RepLoads& loads() { return loads_; }
  v1::Lead& lead() { return lead_; }
  absl::Time now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }
  LeadContext Context() const { return LeadContext{now_, "user:test", org_, loads_}; }

  template <typename Command>
  absl::StatusOr<LeadEvents> Decide(const Command& c) const {
    return sales::leads::Decide(lead_, c, Context());
  }

  // Decides `c`, asserts success and folds the events into the lead.
  template <typename Command>
  LeadEvents Apply(const Command& c) {
    absl::StatusOr<LeadEvents> events = Decide(c);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return {};
    for (const v1::LeadEvent& e : *events) lead_ = Evolve(std::move(lead_), e);
    return *events;
  }

 private:
  v1::SalesOrganisation org_;
  RepLoads loads_;
  v1::Lead lead_;
  absl::Time now_ = kT0;
};

}  // namespace sales::leads::testing

#endif  // SALES_SERVICES_LEADS_DOMAIN_TEST_FIXTURES_H_
