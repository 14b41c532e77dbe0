// ChannelsApp's lists, answered by its read model on a real store: filters and pages of channels
// and products, the price consistency report (and a band change reflected without a rewrite),
// flagged prices, conflicts with their age, bad list requests refused, and a rebuild of the read
// model identical to the live one.
#include <string>
#include <vector>

#include "common/projection/rebuild_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/channels/app/app_test_fixture.h"
#include "services/channels/app/channels_app.h"

namespace sales::channels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ChannelsListsTest : public ChannelsAppTest {
 protected:
  void Settle() {
    absl::Status settled = app_->WaitForReadModel(absl::Seconds(10));
    ASSERT_TRUE(settled.ok()) << settled;
  }

  std::vector<std::string> ChannelIds(const v1::ListChannelsRequest& request) {
    std::vector<std::string> ids;
    Settle();
    auto page = app_->ListChannels(request);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return ids;
    for (const v1::ChannelListItem& item : page->channels()) {
      ids.push_back(item.channel().channel_id());
    }
    return ids;
  }

  void RegisterWebsite(const std::string& id) {
    v1::RegisterChannelRequest reg;
    reg.set_channel_id(id);
    reg.set_name(id);
    reg.set_type(v1::CHANNEL_TYPE_WEBSITE);
    ASSERT_TRUE(app_->RegisterChannel(WithMeta(reg), origin_).ok());
  }

  absl::StatusOr<v1::ChannelsCommandResponse> Suspend(const std::string& id) {
    v1::ChangeChannelStatusRequest suspend;
    suspend.set_channel_id(id);
    suspend.set_status(v1::CHANNEL_STATUS_SUSPENDED);
    suspend.set_reason("audit");
    return app_->ChangeChannelStatus(WithMeta(suspend), origin_);
  }

  absl::StatusOr<v1::ClaimResponse> ClaimCustomer(const std::string& channel,
                                                  const std::string& customer) {
    v1::ClaimRequest claim;
    claim.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_CUSTOMER);
    claim.mutable_subject()->set_id(customer);
    claim.set_channel_id(channel);
    claim.add_region_ids("east");
    return app_->Claim(WithMeta(claim), origin_);
  }
};

TEST_F(ChannelsListsTest, ChannelsAreFilteredAndPaged) {
  OpenDistributor("ch-a");
  OpenDistributor("ch-b");
  RegisterWebsite("web");
  ASSERT_TRUE(Suspend("ch-b").ok());

  EXPECT_THAT(ChannelIds({}), ElementsAre("ch-a", "ch-b", "web"));
  v1::ListChannelsRequest by_type;
  by_type.set_type(v1::CHANNEL_TYPE_DISTRIBUTOR);
  EXPECT_THAT(ChannelIds(by_type), ElementsAre("ch-a", "ch-b"));
  v1::ListChannelsRequest by_status;
  by_status.set_status(v1::CHANNEL_STATUS_ONBOARDING);
  EXPECT_THAT(ChannelIds(by_status), ElementsAre("web"));
  v1::ListChannelsRequest by_partner;
  by_partner.set_partner_id("p-ch-b");
  EXPECT_THAT(ChannelIds(by_partner), ElementsAre("ch-b"));
  v1::ListChannelsRequest by_region;
  by_region.set_region_id("east");  // the agreements' territory; the website has none
  EXPECT_THAT(ChannelIds(by_region), ElementsAre("ch-a", "ch-b"));
  by_region.set_region_id("west");
  EXPECT_THAT(ChannelIds(by_region), IsEmpty());

  // Pages of one: every channel once, then no token.
  std::vector<std::string> paged;
  v1::ListChannelsRequest page_request;
  page_request.set_page_size(1);
  for (int pages = 0; pages < 5; ++pages) {
    auto page = app_->ListChannels(page_request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& item : page->channels()) paged.push_back(item.channel().channel_id());
    if (page->next_page_token().empty()) break;
    page_request.set_page_token(page->next_page_token());
  }
  EXPECT_THAT(paged, ElementsAre("ch-a", "ch-b", "web"));

  // A token is only good for the query that made it.
  v1::ListChannelsRequest first_page = page_request;
  first_page.clear_page_token();
  auto first = app_->ListChannels(first_page);
  ASSERT_TRUE(first.ok());
  v1::ListChannelsRequest other_query = by_status;
  other_query.set_page_token(first->next_page_token());
  EXPECT_THAT(app_->ListChannels(other_query).status().message(), HasSubstr("page_token"));

  // The list item is the channel without its price list, with its sizes.
  AddProduct("LT-1", 10'000);
  ASSERT_TRUE(SetPrice("ch-a", "LT-1", 10'100).ok());
  Settle();
  auto listed = app_->ListChannels({});
  ASSERT_TRUE(listed.ok());
  const v1::ChannelListItem& item = listed->channels(0);
  EXPECT_EQ(item.price_list_entries(), 1);
  EXPECT_EQ(item.channel().price_list_size(), 0);
  EXPECT_EQ(item.channel().agreements_size(), 1);
  EXPECT_EQ(item.stream_version(), 3u);  // registered, activated, agreement (prices: own streams)
}

TEST_F(ChannelsListsTest, ProductsAreFilteredRetiredOnlyWhenAskedFor) {
  AddProduct("LT-1", 10'000);
  AddProduct("LT-2", 12'000);
  v1::RetireProductRequest retire;
  retire.set_sku("LT-2");
  retire.set_reason("end of life");
  ASSERT_TRUE(app_->RetireProduct(WithMeta(retire), origin_).ok());
  Settle();
  auto active = app_->ListProducts({});
  ASSERT_TRUE(active.ok()) << active.status();
  ASSERT_EQ(active->products_size(), 1);
  EXPECT_EQ(active->products(0).sku(), "LT-1");
  v1::ListProductsRequest all;
  all.set_include_retired(true);
  all.set_product_line_id("laptops");
  EXPECT_EQ(app_->ListProducts(all)->products_size(), 2);
  all.set_product_line_id("servers");
  EXPECT_EQ(app_->ListProducts(all)->products_size(), 0);
}

TEST_F(ChannelsListsTest, PriceConsistencyReportsEveryChannelTheSpreadAndTheViolations) {
  AddProduct("LT-1", 10'000);
  AddProduct("LT-2", 5'000);
  OpenDistributor("ch-a", v1::PRICE_BAND_POLICY_FLAG);
  OpenDistributor("ch-b");
  ASSERT_TRUE(SetPrice("ch-a", "LT-1", 9'000).ok());  // −10 %: flagged
  ASSERT_TRUE(SetPrice("ch-b", "LT-1", 10'300).ok());
  ASSERT_TRUE(SetPrice("ch-b", "LT-2", 5'000).ok());
  Settle();

  auto report = app_->GetPriceConsistency({});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(ToCivilDay(report->date()), absl::CivilDay(2026, 5, 28));
  ASSERT_EQ(report->skus_size(), 2);
  const v1::SkuPriceConsistency& lt1 = report->skus(0);
  EXPECT_EQ(lt1.sku(), "LT-1");
  ASSERT_EQ(lt1.channels_size(), 2);
  EXPECT_EQ(lt1.lowest().units(), 9'000);
  EXPECT_EQ(lt1.highest().units(), 10'300);
  EXPECT_EQ(lt1.spread().units(), 1'300);
  EXPECT_EQ(lt1.spread_bp(), 1'300);
  EXPECT_EQ(lt1.violations(), 1);
  EXPECT_EQ(report->skus(1).violations(), 0);

  v1::GetPriceConsistencyRequest violations;
  violations.set_violations_only(true);
  auto only = app_->GetPriceConsistency(violations);
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->skus_size(), 1);
  EXPECT_EQ(only->skus(0).sku(), "LT-1");

  // One SKU a page: both SKUs over two pages.
  v1::GetPriceConsistencyRequest paged;
  paged.set_page_size(1);
  auto first = app_->GetPriceConsistency(paged);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->skus_size(), 1);
  ASSERT_FALSE(first->next_page_token().empty());
  paged.set_page_token(first->next_page_token());
  auto second = app_->GetPriceConsistency(paged);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->skus_size(), 1);
  EXPECT_EQ(second->skus(0).sku(), "LT-2");
  EXPECT_EQ(second->skus(0).channels_size(), 1);
  EXPECT_TRUE(second->next_page_token().empty());

  v1::GetPriceConsistencyRequest unknown;
  unknown.set_sku("LT-404");
  EXPECT_EQ(app_->GetPriceConsistency(unknown).status().code(), absl::StatusCode::kNotFound);

  // A wider band on ch-a: its price is within it now (one channel row changed, none rewritten).
  v1::SetPriceBandRequest band;
  band.set_channel_id("ch-a");
  band.set_price_band_bp(1'500);
  band.set_price_band_policy(v1::PRICE_BAND_POLICY_FLAG);
  ASSERT_TRUE(app_->SetPriceBand(WithMeta(band), origin_).ok());
  Settle();
  v1::GetPriceConsistencyRequest lt1_only;
  lt1_only.set_sku("LT-1");
  EXPECT_EQ(app_->GetPriceConsistency(lt1_only)->skus(0).violations(), 0);

  // The flagged price stays listed: it was accepted outside the band of its day.
  auto flagged = app_->ListFlaggedPrices({});
  ASSERT_TRUE(flagged.ok()) << flagged.status();
  ASSERT_EQ(flagged->prices_size(), 1);
  EXPECT_EQ(flagged->prices(0).channel_id(), "ch-a");
  EXPECT_EQ(flagged->prices(0).flag().deviation_bp(), -1'000);
  v1::ListFlaggedPricesRequest of_b;
  of_b.set_channel_id("ch-b");
  EXPECT_EQ(app_->ListFlaggedPrices(of_b)->prices_size(), 0);
}

TEST_F(ChannelsListsTest, ConflictsAreListedOldestFirstWithTheirAge) {
  OpenDistributor("ch-a");
  OpenDistributor("ch-b");
  OpenDistributor("ch-c");
  ASSERT_TRUE(ClaimCustomer("ch-a", "cust-1").ok());
  ASSERT_TRUE(ClaimCustomer("ch-b", "cust-1").ok());  // conflict-1, raised at kNow
  now_ += absl::Hours(24);
  ASSERT_TRUE(ClaimCustomer("ch-c", "cust-2").ok());
  ASSERT_TRUE(ClaimCustomer("ch-a", "cust-2").ok());  // raised a day later
  now_ += absl::Hours(24);
  v1::ResolveConflictRequest resolve;
  resolve.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_CUSTOMER);
  resolve.mutable_subject()->set_id("cust-1");
  resolve.set_conflict_id("conflict-1");
  resolve.set_winner_channel_id("ch-a");
  resolve.set_reason("registered first");
  ASSERT_TRUE(app_->ResolveConflict(WithMeta(resolve), origin_).ok());
  now_ += absl::Hours(1);
  Settle();

  auto all = app_->ListConflicts({});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->conflicts_size(), 2);
  // Open conflicts first, then resolved ones, each oldest first.
  const v1::ConflictView& open = all->conflicts(0);
  EXPECT_EQ(open.subject().id(), "cust-2");
  EXPECT_EQ(open.conflict().status(), v1::CONFLICT_STATUS_OPEN);
  EXPECT_EQ(open.age().seconds(), 25 * 3600);  // raised a day after kNow, now kNow + 49 h
  const v1::ConflictView& resolved = all->conflicts(1);
  EXPECT_EQ(resolved.subject().id(), "cust-1");
  EXPECT_EQ(resolved.conflict().status(), v1::CONFLICT_STATUS_RESOLVED);
  EXPECT_EQ(resolved.conflict().winner_channel_id(), "ch-a");
  EXPECT_EQ(resolved.age().seconds(), 48 * 3600);  // raised at kNow, resolved two days later
  ASSERT_EQ(resolved.claims_size(), 2);

  v1::ListConflictsRequest open_only;
  open_only.set_status(v1::CONFLICT_STATUS_OPEN);
  EXPECT_EQ(app_->ListConflicts(open_only)->conflicts_size(), 1);
  v1::ListConflictsRequest of_b;
  of_b.set_channel_id("ch-b");
  auto b = app_->ListConflicts(of_b);
  ASSERT_EQ(b->conflicts_size(), 1);
  EXPECT_EQ(b->conflicts(0).subject().id(), "cust-1");
}

TEST_F(ChannelsListsTest, BadListRequestsAreRefusedNamingTheField) {
  v1::ListChannelsRequest big;
  big.set_page_size(501);
  EXPECT_THAT(app_->ListChannels(big).status().message(), HasSubstr("page_size"));
  v1::ListChannelsRequest type;
  type.set_type(static_cast<v1::ChannelType>(99));
  EXPECT_THAT(app_->ListChannels(type).status().message(), HasSubstr("type"));
  v1::ListProductsRequest token;
  token.set_page_token("bm90LWEtdG9rZW4");
  EXPECT_THAT(app_->ListProducts(token).status().message(), HasSubstr("page_token"));
  v1::GetPriceConsistencyRequest date;
  date.mutable_date()->set_year(2026);
  date.mutable_date()->set_month(2);
  date.mutable_date()->set_day(30);
  EXPECT_EQ(app_->GetPriceConsistency(date).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListConflictsRequest bad_channel;
  bad_channel.set_channel_id("a/b");
  EXPECT_THAT(app_->ListConflicts(bad_channel).status().message(), HasSubstr("channel_id"));
}

TEST_F(ChannelsListsTest, ARebuildOfTheReadModelIsIdenticalToTheLiveOne) {
  AddProduct("LT-1", 10'000);
  OpenDistributor("ch-a", v1::PRICE_BAND_POLICY_FLAG);
  OpenDistributor("ch-b");
  ASSERT_TRUE(SetPrice("ch-a", "LT-1", 9'000).ok());
  ASSERT_TRUE(ClaimCustomer("ch-a", "cust-1").ok());
  ASSERT_TRUE(ClaimCustomer("ch-b", "cust-1").ok());
  Settle();
  projection::AdministeredProjection live = app_->read_model();
  auto fresh = live.make_projection();
  auto compared = projection::RebuildAndCompare(*fresh, live.runner->store(),
                                                dir_.path() + "/rebuilt", live.sources);
  ASSERT_TRUE(compared.ok()) << compared.status();
  EXPECT_TRUE(compared->identical);
  EXPECT_GT(compared->events_applied, 10u);
}

}  // namespace
}  // namespace sales::channels
