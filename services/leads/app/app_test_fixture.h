// Test-only fixture for the LeadsApp tests: a temp-dir store, an app with a controlled clock, a
// small organisation set up through the app's own commands, and request builders.
#ifndef SALES_SERVICES_LEADS_APP_APP_TEST_FIXTURE_H_
#define SALES_SERVICES_LEADS_APP_APP_TEST_FIXTURE_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/leads/app/leads_app.h"
#include "services/org/domain/test_org.h"
#include "services/org/replica/org_view.h"

namespace sales::leads::testing {

inline const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

class LeadsAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenStore();
    OpenApp();
  }

  void OpenStore() {
    auto store = eventstore::EventStore::Open(
        {.path = dir_.path() + "/events", .service = "leads", .clock = [this] { return Now(); }});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void OpenApp(const std::string& read_model = "read_model",
               size_t list_scan_limit = LeadsAppOptions().list_scan_limit) {
    auto app = LeadsApp::Create({.store = store_.get(),
                                 .org = &org_,
                                 .read_model_path = dir_.path() + "/" + read_model,
                                 .clock = [this] { return Now(); },
                                 .list_scan_limit = list_scan_limit});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
  }
  // Destroys the app and the store, then opens both again.
  void Restart() {
    app_.reset();
    store_.reset();
    OpenStore();
    OpenApp();
  }

  absl::Time Now() const { return absl::FromUnixNanos(now_nanos_.load()); }
  void Advance(absl::Duration d) { now_nanos_ += absl::ToInt64Nanoseconds(d); }

  // Request builders, also for free helper functions of the tests.
 public:
  static common::v1::CommandMeta Meta(const std::string& key = "", uint64_t expected_version = 0) {
    common::v1::CommandMeta meta;
    meta.set_actor("user:test");
    meta.set_idempotency_key(key);
    meta.set_expected_version(expected_version);
    return meta;
  }

 protected:
  // Regions east/west, product lines laptops/servers, segments smb/enterprise; team t-east with
  // reps r1, r2 (managed by r1), team t-west with r3; rules (east,*,*) → t-east and
  // (west,*,*) → t-west.
  void SetUpOrganisation() { org_.Set(org::testing::TestOrg(), /*version=*/8); }

 public:
  // A valid capture; `n` varies the contact and company so that captures are not duplicates.
  static v1::CaptureLeadRequest Capture(const std::string& lead_id, int n = 1,
                                        const std::string& region = "east") {
    v1::CaptureLeadRequest c;
    *c.mutable_meta() = Meta();
    c.set_lead_id(lead_id);
    c.set_source(v1::LEAD_SOURCE_REFERRAL);
    c.set_channel_id("cust-42");
    v1::LeadDetails* d = c.mutable_details();
    d->mutable_contact()->set_name("Li Wei");
    d->mutable_contact()->set_email("li.wei" + std::to_string(n) + "@example.com");
    d->mutable_company()->set_name("Acme " + std::to_string(n) + " Co., Ltd.");
    d->mutable_company()->set_industry("manufacturing");
    d->mutable_company()->set_size(v1::COMPANY_SIZE_MEDIUM);
    d->mutable_company()->set_region_id(region);
    d->set_product_line_id("laptops");
    d->set_segment_id("smb");
    d->mutable_estimated_value()->set_units(5'000'000);
    d->mutable_estimated_value()->set_currency("CNY");
    c.set_need_match(70);
    c.set_purchase_intent(60);
    return c;
  }

 protected:
  void CaptureOk(const v1::CaptureLeadRequest& c) {
    auto captured = app_->CaptureLead(c, origin_);
    ASSERT_TRUE(captured.ok()) << captured.status();
    ASSERT_FALSE(captured->merged_as_duplicate());
  }

  v1::Lead GetLead(const std::string& id) {
    v1::GetLeadRequest r;
    r.set_lead_id(id);
    auto lead = app_->GetLead(r);
    EXPECT_TRUE(lead.ok()) << lead.status();
    return lead.ok() ? lead->lead() : v1::Lead();
  }

  void WaitForReadModel() {
    absl::Status caught_up = app_->WaitForReadModel(absl::Seconds(20));
    ASSERT_TRUE(caught_up.ok()) << caught_up;
  }

  sales::testing::TempDir dir_;
  std::atomic<int64_t> now_nanos_{absl::ToUnixNanos(kT0)};
  std::unique_ptr<eventstore::EventStore> store_;
  org::StaticOrgView org_;  // the org replica: empty until SetUpOrganisation
  std::unique_ptr<LeadsApp> app_;
  CallOrigin origin_{.correlation_id = "corr-1", .causation_id = "cause-1"};
};

}  // namespace sales::leads::testing

#endif  // SALES_SERVICES_LEADS_APP_APP_TEST_FIXTURE_H_
