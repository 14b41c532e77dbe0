// The fixture of the ChannelsApp tests: a ChannelsApp on a real event store and read model in a
// temp dir, over the test organisation (org::testing::TestOrg: regions east/west, product lines
// laptops/servers), its clock at now_ (kNow unless a test moves it), with helpers that build a
// catalogue, distributors, prices and claims through the app.
#ifndef SALES_SERVICES_CHANNELS_APP_APP_TEST_FIXTURE_H_
#define SALES_SERVICES_CHANNELS_APP_APP_TEST_FIXTURE_H_

#include <memory>
#include <string>

#include "common/eventstore/event_store.h"
#include "common/testing/temp_dir.h"
#include "common/time/civil_date.h"
#include "gtest/gtest.h"
#include "services/channels/app/channels_app.h"
#include "services/org/domain/test_org.h"

namespace sales::channels {

inline sales::common::v1::Date Day(int year, int month, int day) {
  return ToDate(absl::CivilDay(year, month, day));
}

inline sales::common::v1::Money Cny(int64_t units) {
  sales::common::v1::Money money;
  money.set_units(units);
  money.set_currency("CNY");
  return money;
}

class ChannelsAppTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto store = eventstore::EventStore::Open(
        {.path = dir_.path() + "/events", .service = "channels", .clock = [this] { return now_; }});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto app = ChannelsApp::Create({.store = store_.get(),
                                    .org = &org_,
                                    .read_model_path = dir_.path() + "/read-model",
                                    .clock = [this] { return now_; }});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
  }
  void Restart() {
    app_.reset();
    store_.reset();
    Open();
  }

  template <typename Request>
  static Request WithMeta(Request request, const std::string& key = "") {
    request.mutable_meta()->set_actor("user:sun");
    request.mutable_meta()->set_idempotency_key(key);
    return request;
  }

  void AddProduct(const std::string& sku, int64_t list_units) {
    v1::AddProductRequest add;
    add.set_sku(sku);
    add.set_name(sku);
    add.set_product_line_id("laptops");
    add.set_margin_class(v1::MARGIN_CLASS_STANDARD);
    *add.mutable_list_price()->mutable_effective_from() = Day(2026, 1, 1);
    *add.mutable_list_price()->mutable_price() = Cny(list_units);
    ASSERT_TRUE(app_->AddProduct(WithMeta(add), origin_).ok());
  }

  // An active distributor with agreement version 1 over east and laptops for 2026.
  void OpenDistributor(const std::string& id,
                       v1::PriceBandPolicy policy = v1::PRICE_BAND_POLICY_REFUSE) {
    v1::RegisterChannelRequest reg;
    reg.set_channel_id(id);
    reg.set_name(id);
    reg.set_type(v1::CHANNEL_TYPE_DISTRIBUTOR);
    reg.mutable_partner()->set_partner_id("p-" + id);
    reg.mutable_partner()->set_name("Partner " + id);
    reg.set_price_band_policy(policy);
    ASSERT_TRUE(app_->RegisterChannel(WithMeta(reg), origin_).ok());
    v1::ChangeChannelStatusRequest activate;
    activate.set_channel_id(id);
    activate.set_status(v1::CHANNEL_STATUS_ACTIVE);
    ASSERT_TRUE(app_->ChangeChannelStatus(WithMeta(activate), origin_).ok());
    v1::AmendAgreementRequest agreement;
    agreement.set_channel_id(id);
    *agreement.mutable_effective_from() = Day(2026, 1, 1);
    *agreement.mutable_terms()->mutable_term_start() = Day(2026, 1, 1);
    *agreement.mutable_terms()->mutable_term_end() = Day(2026, 12, 31);
    agreement.mutable_terms()->add_region_ids("east");
    agreement.mutable_terms()->add_product_line_ids("laptops");
    auto amended = app_->AmendAgreement(WithMeta(agreement), origin_);
    ASSERT_TRUE(amended.ok()) << amended.status();
  }

  absl::StatusOr<v1::ChannelsCommandResponse> SetPrice(const std::string& channel,
                                                       const std::string& sku, int64_t units,
                                                       const std::string& key = "") {
    v1::SetChannelPriceRequest set;
    set.set_channel_id(channel);
    set.set_sku(sku);
    *set.mutable_effective_from() = Day(2026, 2, 1);
    *set.mutable_price() = Cny(units);
    return app_->SetChannelPrice(WithMeta(set, key), origin_);
  }

  absl::StatusOr<v1::ClaimResponse> ClaimLead(const std::string& channel) {
    v1::ClaimRequest claim;
    claim.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_LEAD);
    claim.mutable_subject()->set_id("L-005");
    claim.set_channel_id(channel);
    claim.add_region_ids("east");
    claim.set_deal_id("D-2026-005");
    return app_->Claim(WithMeta(claim), origin_);
  }

  static inline const absl::Time kNow = absl::FromUnixSeconds(1'780'000'000);  // 2026-05-28
  absl::Time now_ = kNow;  // the store's and the app's clock
  sales::testing::TempDir dir_;
  org::StaticOrgView org_{org::testing::TestOrg()};
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<ChannelsApp> app_;
  const CallOrigin origin_{.correlation_id = "corr-1"};
};

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_APP_APP_TEST_FIXTURE_H_
