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
#include "services/leads/domain/settings.h"
#include "services/org/domain/org.h"
#include "services/org/domain/test_org.h"

namespace sales::leads::testing {

inline const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

using org::testing::Rule;
using org::testing::TestOrg;

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

// Decide + Evolve against a fixed org and settings; time is set by the test.
class LeadHarness {
 public:
  LeadHarness() : org_(TestOrg()) {}

  org::v1::SalesOrganisation& org() { return org_; }
  v1::PipelineSettingsState& settings() { return settings_; }
  RepLoads& loads() { return loads_; }
  v1::Lead& lead() { return lead_; }
  absl::Time now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }
  LeadContext Context() const {
    return LeadContext{.now = now_,
                       .actor = "user:test",
                       .org = org_,
                       .org_version = 7,
                       .settings = EffectiveSettings(settings_),
                       .open_loads = loads_};
  }

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
  org::v1::SalesOrganisation org_;
  v1::PipelineSettingsState settings_;
  RepLoads loads_;
  v1::Lead lead_;
  absl::Time now_ = kT0;
};

}  // namespace sales::leads::testing

#endif  // SALES_SERVICES_LEADS_DOMAIN_TEST_FIXTURES_H_
