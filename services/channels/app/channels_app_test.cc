// ChannelsApp on a real event store in a temp dir: the commands of each aggregate, cross-aggregate
// lookups (catalogue, channels, org), claims and conflicts with their deal ids on the envelopes,
// idempotent retries, nothing written on refusal, and state surviving a restart.
#include "services/channels/app/channels_app.h"

#include <memory>
#include <string>

#include "common/eventstore/event_store.h"
#include "common/testing/temp_dir.h"
#include "common/time/civil_date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/channels/app/app_test_fixture.h"
#include "services/channels/domain/aggregates.h"
#include "services/org/domain/test_org.h"

namespace sales::channels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(ChannelsAppTest, PricesAreCheckedAgainstTheCatalogueAndFlaggedPricesRecorded) {
  AddProduct("LT-1", 10'000);
  OpenDistributor("ch-a", v1::PRICE_BAND_POLICY_FLAG);
  OpenDistributor("ch-b");
  ASSERT_TRUE(SetPrice("ch-a", "LT-1", 8'000).ok());
  EXPECT_THAT(SetPrice("ch-b", "LT-1", 8'000).status().ToString(),
              HasSubstr("rule price_outside_band"));
  EXPECT_EQ(SetPrice("ch-b", "LT-404", 8'000).status().code(), absl::StatusCode::kNotFound);

  // The price list is the read model's (eventually consistent): one stream per (channel, SKU).
  ASSERT_TRUE(app_->WaitForReadModel(absl::Seconds(10)).ok());
  v1::GetChannelRequest get;
  get.set_channel_id("ch-a");
  auto channel = app_->GetChannel(get);
  ASSERT_TRUE(channel.ok()) << channel.status();
  ASSERT_EQ(channel->price_list_size(), 1);
  EXPECT_TRUE(channel->price_list(0).flagged());
  auto events = store_->ReadStream(PriceStreamId("ch-a", "LT-1"), 1, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_THAT(events->back().payload().type_url(), HasSubstr("PriceBandViolationFlagged"));
  EXPECT_EQ(events->back().correlation_id(), "corr-1");
}

TEST_F(ChannelsAppTest, ARetriedCommandAnswersTheFirstResultAndARefusalWritesNothing) {
  AddProduct("LT-1", 10'000);
  OpenDistributor("ch-a");
  auto first = SetPrice("ch-a", "LT-1", 10'100, "key-1");
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = SetPrice("ch-a", "LT-1", 10'100, "key-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->stream_version(), first->stream_version());
  const uint64_t head = store_->HeadPosition();
  EXPECT_FALSE(SetPrice("ch-a", "LT-1", 20'000).ok());
  EXPECT_FALSE(SetPrice("ch-a", "LT-1", -5).ok());
  EXPECT_EQ(store_->HeadPosition(), head);
}

TEST_F(ChannelsAppTest, ClaimsOnALeadCollideAcrossChannelsAndCarryItsDeal) {
  OpenDistributor("ch-a");
  OpenDistributor("ch-b");
  auto first = ClaimLead("ch-a");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->claim_id(), "claim-1");
  EXPECT_TRUE(first->conflict_ids().empty());
  auto second = ClaimLead("ch-b");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->conflict_ids(), ElementsAre("conflict-1"));

  v1::ResolveConflictRequest resolve;
  *resolve.mutable_subject() = []() {
    v1::ClaimSubject subject;
    subject.set_kind(v1::CLAIM_SUBJECT_KIND_LEAD);
    subject.set_id("L-005");
    return subject;
  }();
  resolve.set_conflict_id("conflict-1");
  resolve.set_winner_channel_id("ch-a");
  resolve.set_reason("registered first");
  ASSERT_TRUE(app_->ResolveConflict(WithMeta(resolve), origin_).ok());
  EXPECT_THAT(app_->ResolveConflict(WithMeta(resolve), origin_).status().ToString(),
              HasSubstr("rule conflict_resolved"));

  auto events = store_->ReadStream("claims-lead-L-005", 1, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);  // claim, claim, conflict raised, resolved
  for (const auto& event : *events) EXPECT_EQ(event.deal_id(), "D-2026-005") << event.event_type();

  v1::ChangeChannelStatusRequest terminate;
  terminate.set_channel_id("ch-b");
  terminate.set_status(v1::CHANNEL_STATUS_TERMINATED);
  terminate.set_reason("contract ended");
  ASSERT_TRUE(app_->ChangeChannelStatus(WithMeta(terminate), origin_).ok());
  EXPECT_THAT(ClaimLead("ch-b").status().ToString(), HasSubstr("rule channel_terminated"));
}

TEST_F(ChannelsAppTest, EligibilityUsesWhatIsStoredAndSurvivesARestart) {
  AddProduct("LT-1", 10'000);
  OpenDistributor("ch-a");
  ASSERT_TRUE(SetPrice("ch-a", "LT-1", 9'900).ok());
  Restart();
  v1::OrderCheck order;
  order.set_channel_id("ch-a");
  order.set_customer_region_id("west");
  *order.mutable_date() = Day(2026, 4, 1);
  v1::OrderCheckLine& line = *order.add_lines();
  line.set_sku("LT-1");
  line.set_quantity(2);
  *line.mutable_unit_price() = Cny(9'900);
  auto verdict = app_->CheckOrderEligibility(order);
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_FALSE(verdict->eligible());
  ASSERT_EQ(verdict->problems_size(), 1);
  EXPECT_EQ(verdict->problems(0).rule(), "outside_territory");
  EXPECT_THAT(verdict->price_list_versions(), ElementsAre(1));
  order.set_channel_id("ch-404");
  EXPECT_EQ(app_->CheckOrderEligibility(order).status().code(), absl::StatusCode::kNotFound);
  order.clear_lines();
  EXPECT_EQ(app_->CheckOrderEligibility(order).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ChannelsAppTest, AnAgreementOverARegionTheReplicaLacksIsNotFound) {
  OpenDistributor("ch-a");
  v1::AmendAgreementRequest amend;
  amend.set_channel_id("ch-a");
  *amend.mutable_effective_from() = Day(2026, 7, 1);
  *amend.mutable_terms()->mutable_term_start() = Day(2026, 1, 1);
  *amend.mutable_terms()->mutable_term_end() = Day(2026, 12, 31);
  amend.mutable_terms()->add_region_ids("north");
  amend.mutable_terms()->add_product_line_ids("laptops");
  amend.set_reason("north added");
  EXPECT_EQ(app_->AmendAgreement(WithMeta(amend), origin_).status().code(),
            absl::StatusCode::kNotFound);
  org::v1::SalesOrganisation grown = org::testing::TestOrg();
  grown.add_regions()->set_region_id("north");
  org_.Set(grown, 9);
  EXPECT_TRUE(app_->AmendAgreement(WithMeta(amend), origin_).ok());
}

}  // namespace
}  // namespace sales::channels
