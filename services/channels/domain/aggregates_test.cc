#include "services/channels/domain/aggregates.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/channels/domain/channel_rules.h"
#include "services/channels/domain/test_fixtures.h"
#include "services/org/domain/test_org.h"

namespace sales::channels {
namespace {

using testing::Cny;
using ::testing::HasSubstr;

sales::common::v1::Date Day(int year, int month, int day) {
  return ToDate(absl::CivilDay(year, month, day));
}

class AggregatesTest : public ::testing::Test {
 protected:
  AggregatesTest() : org_(org::testing::TestOrg()) {}

  ChannelsContext Context() {
    return {.now = absl::FromUnixSeconds(1'780'000'000),
            .org = org_,
            .products = [this](absl::string_view sku) -> const v1::Product* {
              auto it = catalogue_.find(std::string(sku));
              return it == catalogue_.end() ? nullptr : &it->second;
            }};
  }

  template <typename Command>
  static Command WithMeta(Command command) {
    command.mutable_meta()->set_actor("user:zhao");
    return command;
  }

  // Decides `command` on the product and folds its events in.
  template <typename Command>
  absl::Status OnProduct(const std::string& sku, const Command& command) {
    auto events = Decide(catalogue_[sku], WithMeta(command), Context());
    if (events.ok()) {
      for (const v1::ProductEvent& event : *events) {
        catalogue_[sku] = Evolve(catalogue_[sku], event);
      }
    }
    if (catalogue_[sku].sku().empty()) catalogue_.erase(sku);
    return events.status();
  }

  template <typename Command>
  absl::StatusOr<ChannelEvents> OnChannel(const Command& command) {
    auto events = Decide(channel_, WithMeta(command), Context());
    if (events.ok()) {
      for (const v1::ChannelEvent& event : *events) channel_ = Evolve(channel_, event);
    }
    return events;
  }

  absl::Status AddProduct(const std::string& sku, const std::string& line, int64_t list_units) {
    v1::AddProductRequest add;
    add.set_sku(sku);
    add.set_name(absl::StrCat("Product ", sku));
    add.set_product_line_id(line);
    add.set_margin_class(v1::MARGIN_CLASS_HIGH);
    *add.mutable_list_price()->mutable_effective_from() = Day(2026, 1, 1);
    *add.mutable_list_price()->mutable_price() = Cny(list_units);
    return OnProduct(sku, add);
  }

  // Registers and activates a distributor with agreement version 1 (2026, east, laptops).
  void OpenDistributor(v1::PriceBandPolicy policy = v1::PRICE_BAND_POLICY_REFUSE) {
    v1::RegisterChannelRequest reg;
    reg.set_channel_id("ch-1");
    reg.set_name("Eastern Distribution");
    reg.set_type(v1::CHANNEL_TYPE_DISTRIBUTOR);
    reg.mutable_partner()->set_partner_id("p-1");
    reg.mutable_partner()->set_name("Eastern Distribution Ltd");
    reg.set_price_band_policy(policy);
    ASSERT_TRUE(OnChannel(reg).ok());
    v1::ChangeChannelStatusRequest activate;
    activate.set_channel_id("ch-1");
    activate.set_status(v1::CHANNEL_STATUS_ACTIVE);
    ASSERT_TRUE(OnChannel(activate).ok());
    ASSERT_TRUE(OnChannel(Agreement(Day(2026, 1, 1), "")).ok());
  }

  static v1::AmendAgreementRequest Agreement(const sales::common::v1::Date& from,
                                             const std::string& reason) {
    v1::AmendAgreementRequest amend;
    amend.set_channel_id("ch-1");
    *amend.mutable_effective_from() = from;
    v1::AgreementTerms& terms = *amend.mutable_terms();
    *terms.mutable_term_start() = Day(2026, 1, 1);
    *terms.mutable_term_end() = Day(2026, 12, 31);
    terms.add_region_ids("east");
    terms.add_product_line_ids("laptops");
    terms.set_partner_margin_bp(1'200);
    amend.set_reason(reason);
    return amend;
  }

  static v1::SetChannelPriceRequest Price(const std::string& sku, int64_t units,
                                          const sales::common::v1::Date& from = Day(2026, 2, 1)) {
    v1::SetChannelPriceRequest set;
    set.set_channel_id("ch-1");
    set.set_sku(sku);
    *set.mutable_effective_from() = from;
    *set.mutable_price() = Cny(units);
    return set;
  }

  org::v1::SalesOrganisation org_;
  std::map<std::string, v1::Product> catalogue_;
  v1::Channel channel_;
};

TEST_F(AggregatesTest, TheCatalogueKeepsListPriceHistoryAndRetirement) {
  ASSERT_TRUE(AddProduct("LT-1", "laptops", 10'000).ok());
  EXPECT_EQ(AddProduct("LT-1", "laptops", 10'000).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(AddProduct("XX-1", "phones", 10'000).code(), absl::StatusCode::kNotFound);

  v1::ChangeListPriceRequest change;
  change.set_sku("LT-1");
  *change.mutable_list_price()->mutable_effective_from() = Day(2026, 1, 1);
  *change.mutable_list_price()->mutable_price() = Cny(11'000);
  EXPECT_THAT(OnProduct("LT-1", change).ToString(), HasSubstr("rule effective_date_not_later"));
  *change.mutable_list_price()->mutable_effective_from() = Day(2026, 6, 1);
  change.mutable_list_price()->mutable_price()->set_currency("USD");
  EXPECT_THAT(OnProduct("LT-1", change).ToString(), HasSubstr("list_price.price.currency"));
  change.mutable_list_price()->mutable_price()->set_currency("CNY");
  ASSERT_TRUE(OnProduct("LT-1", change).ok());
  EXPECT_EQ(ListPriceOn(catalogue_["LT-1"], absl::CivilDay(2026, 5, 31))->price().units(), 10'000);
  EXPECT_EQ(ListPriceOn(catalogue_["LT-1"], absl::CivilDay(2026, 6, 1))->price().units(), 11'000);

  v1::RetireProductRequest retire;
  retire.set_sku("LT-1");
  EXPECT_THAT(OnProduct("LT-1", retire).ToString(), HasSubstr("field reason"));
  retire.set_reason("end of life");
  ASSERT_TRUE(OnProduct("LT-1", retire).ok());
  EXPECT_TRUE(catalogue_["LT-1"].retired());
  auto again = Decide(catalogue_["LT-1"], WithMeta(retire), Context());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << "retiring twice changes nothing";
  *change.mutable_list_price()->mutable_effective_from() = Day(2026, 9, 1);
  EXPECT_THAT(OnProduct("LT-1", change).ToString(), HasSubstr("rule product_retired"));
}

TEST_F(AggregatesTest, AChannelGoesThroughItsLifecycleWithReasons) {
  OpenDistributor();
  EXPECT_EQ(channel_.status(), v1::CHANNEL_STATUS_ACTIVE);
  v1::ChangeChannelStatusRequest change;
  change.set_channel_id("ch-1");
  change.set_status(v1::CHANNEL_STATUS_SUSPENDED);
  EXPECT_THAT(OnChannel(change).status().ToString(), HasSubstr("field reason"));
  change.set_reason("overdue receivables");
  ASSERT_TRUE(OnChannel(change).ok());
  EXPECT_EQ(channel_.status_reason(), "overdue receivables");
  change.set_status(v1::CHANNEL_STATUS_ACTIVE);
  change.clear_reason();
  EXPECT_THAT(OnChannel(change).status().ToString(),
              HasSubstr("rule reactivation_requires_reason"));
  change.set_reason("paid up");
  ASSERT_TRUE(OnChannel(change).ok());
  change.set_status(v1::CHANNEL_STATUS_TERMINATED);
  change.set_reason("contract ended");
  ASSERT_TRUE(OnChannel(change).ok());
  change.set_status(v1::CHANNEL_STATUS_ACTIVE);
  EXPECT_THAT(OnChannel(change).status().ToString(), HasSubstr("rule channel_terminated"));
  EXPECT_THAT(OnChannel(Price("LT-1", 10'000)).status().ToString(),
              HasSubstr("rule channel_terminated"));
}

TEST_F(AggregatesTest, AgreementsAreAmendedByLaterVersionsWithReasons) {
  OpenDistributor();
  EXPECT_THAT(OnChannel(Agreement(Day(2026, 1, 1), "wider")).status().ToString(),
              HasSubstr("rule agreement_version_overlap"));
  EXPECT_THAT(OnChannel(Agreement(Day(2026, 7, 1), "")).status().ToString(),
              HasSubstr("rule amendment_requires_reason"));
  v1::AmendAgreementRequest amend = Agreement(Day(2026, 7, 1), "adds the west");
  amend.mutable_terms()->add_region_ids("west");
  auto events = OnChannel(amend);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ((*events)[0].agreement_amended().agreement().version(), 2);
  EXPECT_EQ(AgreementOn(channel_, absl::CivilDay(2026, 6, 30))->version(), 1);
  EXPECT_TRUE(CoversRegion(AgreementOn(channel_, absl::CivilDay(2026, 7, 1))->terms(), "west"));
  ASSERT_EQ(channel_.agreements_size(), 2) << "history is kept";
}

TEST_F(AggregatesTest, PricesInsideTheBandAreSetOutsideRefusedOrFlagged) {
  ASSERT_TRUE(AddProduct("LT-1", "laptops", 10'000).ok());
  OpenDistributor();
  ASSERT_TRUE(OnChannel(Price("LT-1", 10'500)).ok());  // exactly +5 %
  EXPECT_THAT(OnChannel(Price("LT-1", 10'501)).status().ToString(),
              HasSubstr("rule price_outside_band"));

  v1::SetPriceBandRequest band;
  band.set_channel_id("ch-1");
  band.set_price_band_policy(v1::PRICE_BAND_POLICY_FLAG);
  ASSERT_TRUE(OnChannel(band).ok());
  auto flagged = OnChannel(Price("LT-1", 8'000, Day(2026, 3, 1)));
  ASSERT_TRUE(flagged.ok()) << flagged.status();
  ASSERT_EQ(flagged->size(), 2u);
  const v1::PriceBandViolationFlagged& flag = (*flagged)[1].price_band_violation_flagged();
  EXPECT_EQ(flag.deviation_bp(), -2'000);
  EXPECT_EQ(flag.band_bp(), 500);
  EXPECT_EQ(flag.list_price().units(), 10'000);
  const v1::PriceListEntry* in_force = ChannelPriceOn(channel_, "LT-1", absl::CivilDay(2026, 3, 2));
  ASSERT_NE(in_force, nullptr);
  EXPECT_TRUE(in_force->flagged());
  EXPECT_EQ(in_force->version(), flag.price_list_version());
}

TEST_F(AggregatesTest, ThePriceListStaysSortedAndADaySetAgainIsReplaced) {
  for (const char* sku : {"LT-3", "LT-1", "LT-2"}) {
    ASSERT_TRUE(AddProduct(sku, "laptops", 100).ok());
  }
  OpenDistributor();
  ASSERT_TRUE(OnChannel(Price("LT-3", 100, Day(2026, 5, 1))).ok());
  ASSERT_TRUE(OnChannel(Price("LT-1", 100, Day(2026, 5, 1))).ok());
  ASSERT_TRUE(OnChannel(Price("LT-3", 101, Day(2026, 2, 1))).ok());
  ASSERT_TRUE(OnChannel(Price("LT-2", 102, Day(2026, 2, 1))).ok());
  ASSERT_TRUE(OnChannel(Price("LT-3", 99, Day(2026, 5, 1))).ok());  // replaces
  std::vector<std::string> order;
  for (const v1::PriceListEntry& e : channel_.price_list()) {
    order.push_back(absl::StrCat(e.sku(), "@", e.effective_from().month(), "=", e.price().units(),
                                 "#", e.version()));
  }
  EXPECT_THAT(
      order, ::testing::ElementsAre("LT-1@5=100#2", "LT-2@2=102#4", "LT-3@2=101#3", "LT-3@5=99#5"));
}

TEST_F(AggregatesTest, EnablementIsRecordedPerChannelInOrder) {
  OpenDistributor();
  v1::RecordEnablementRequest training;
  training.set_channel_id("ch-1");
  training.set_kind(v1::ENABLEMENT_KIND_TRAINING);
  *training.mutable_date() = Day(2026, 2, 10);
  training.set_topic("ERP onboarding");
  training.add_attendees("Wang Fang");
  training.add_attendees("Li Lei");
  training.set_outcome("certified");
  ASSERT_TRUE(OnChannel(training).ok());
  v1::RecordEnablementRequest support = training;
  support.set_kind(v1::ENABLEMENT_KIND_SUPPORT);
  support.set_topic("Quote tooling");
  ASSERT_TRUE(OnChannel(support).ok());
  ASSERT_EQ(channel_.enablement_size(), 2);
  EXPECT_EQ(channel_.enablement(0).record_id(), "enablement-1");
  EXPECT_EQ(channel_.enablement(1).kind(), v1::ENABLEMENT_KIND_SUPPORT);
  EXPECT_EQ(channel_.enablement(0).attendees_size(), 2);
  support.clear_topic();
  EXPECT_THAT(OnChannel(support).status().ToString(), HasSubstr("field topic"));
  support.set_topic("x");
  support.set_kind(v1::ENABLEMENT_KIND_UNSPECIFIED);
  EXPECT_THAT(OnChannel(support).status().ToString(), HasSubstr("field kind"));
}

// Bad input: the right code with the field or rule named.
TEST_F(AggregatesTest, BadInputIsRefusedNamingTheFieldOrRule) {
  ASSERT_TRUE(AddProduct("LT-1", "laptops", 10'000).ok());
  ASSERT_TRUE(AddProduct("LT-9", "laptops", 10'000).ok());
  ASSERT_TRUE(AddProduct("SV-1", "servers", 50'000).ok());
  OpenDistributor();
  v1::RetireProductRequest retire;
  retire.set_sku("LT-9");
  retire.set_reason("gone");
  ASSERT_TRUE(OnProduct("LT-9", retire).ok());

  struct Case {
    std::string name;
    absl::StatusOr<ChannelEvents> outcome;
    absl::StatusCode code;
    std::string names;
  };
  v1::RegisterChannelRequest no_partner;
  no_partner.set_channel_id("ch-2");
  no_partner.set_name("Agent");
  no_partner.set_type(v1::CHANNEL_TYPE_AGENT);
  v1::RegisterChannelRequest wide_band = no_partner;
  wide_band.set_type(v1::CHANNEL_TYPE_WEBSITE);
  wide_band.set_price_band_bp(10'001);
  v1::RegisterChannelRequest no_type = no_partner;
  no_type.set_type(v1::CHANNEL_TYPE_UNSPECIFIED);
  v1::AmendAgreementRequest reversed = Agreement(Day(2026, 8, 1), "x");
  *reversed.mutable_terms()->mutable_term_end() = Day(2025, 12, 31);
  v1::AmendAgreementRequest rate = Agreement(Day(2026, 8, 1), "x");
  rate.mutable_terms()->set_rebate_bp(10'001);
  v1::AmendAgreementRequest nowhere = Agreement(Day(2026, 8, 1), "x");
  nowhere.mutable_terms()->add_region_ids("north");
  v1::AmendAgreementRequest no_scope = Agreement(Day(2026, 8, 1), "x");
  no_scope.mutable_terms()->clear_product_line_ids();
  v1::SetChannelPriceRequest usd = Price("LT-1", 10'000);
  usd.mutable_price()->set_currency("USD");
  v1::SetChannelPriceRequest negative = Price("LT-1", -1);
  v1::SetChannelPriceRequest bad_day = Price("LT-1", 10'000);
  bad_day.mutable_effective_from()->set_day(30);  // 2026-02-30
  v1::SetChannelPriceRequest early = Price("LT-1", 10'000, Day(2025, 6, 1));
  v1::ChangeChannelStatusRequest onboarding;
  onboarding.set_channel_id("ch-1");
  onboarding.set_status(v1::CHANNEL_STATUS_ONBOARDING);
  v1::ChangeChannelStatusRequest unknown = onboarding;
  unknown.set_channel_id("ch-404");
  unknown.set_status(v1::CHANNEL_STATUS_SUSPENDED);
  unknown.set_reason("x");

  v1::RegisterChannelRequest direct_with_partner = no_partner;
  direct_with_partner.set_type(v1::CHANNEL_TYPE_WEBSITE);
  direct_with_partner.mutable_partner()->set_partner_id("p-1");
  direct_with_partner.mutable_partner()->set_name("Partner");
  v1::AmendAgreementRequest twice = Agreement(Day(2026, 8, 1), "x");
  twice.mutable_terms()->add_region_ids(twice.terms().region_ids(0));
  v1::AmendAgreementRequest period = Agreement(Day(2026, 8, 1), "x");
  period.mutable_terms()->clear_minimum_volume();
  period.mutable_terms()->set_minimum_volume_period(static_cast<v1::VolumePeriod>(99));

  const v1::Channel before = channel_;
  const v1::Channel none;
  std::vector<Case> cases;
  cases.push_back({"direct channel with a partner",
                   Decide(none, WithMeta(direct_with_partner), Context()),
                   absl::StatusCode::kInvalidArgument, "field partner"});
  cases.push_back({"SKU outside the agreement's scope", OnChannel(Price("SV-1", 50'000)),
                   absl::StatusCode::kFailedPrecondition, "rule product_out_of_scope"});
  cases.push_back({"a region twice", OnChannel(twice), absl::StatusCode::kInvalidArgument,
                   "terms.region_ids[1]: repeats"});
  cases.push_back({"unknown period without a minimum", OnChannel(period),
                   absl::StatusCode::kInvalidArgument, "terms.minimum_volume_period"});
  cases.push_back({"indirect without partner", Decide(none, WithMeta(no_partner), Context()),
                   absl::StatusCode::kInvalidArgument, "field partner"});
  cases.push_back({"band over 100 %", Decide(none, WithMeta(wide_band), Context()),
                   absl::StatusCode::kInvalidArgument, "field price_band_bp"});
  cases.push_back({"no type", Decide(none, WithMeta(no_type), Context()),
                   absl::StatusCode::kInvalidArgument, "field type"});
  cases.push_back({"no actor", Decide(none, no_partner, Context()),
                   absl::StatusCode::kInvalidArgument, "field meta.actor"});
  cases.push_back({"term end before start", OnChannel(reversed), absl::StatusCode::kInvalidArgument,
                   "field terms.term_end"});
  cases.push_back({"rate over 100 %", OnChannel(rate), absl::StatusCode::kInvalidArgument,
                   "field terms.rebate_bp"});
  cases.push_back({"unknown region", OnChannel(nowhere), absl::StatusCode::kNotFound, "north"});
  cases.push_back({"empty product scope", OnChannel(no_scope), absl::StatusCode::kInvalidArgument,
                   "field terms.product_line_ids"});
  cases.push_back({"other currency", OnChannel(usd), absl::StatusCode::kInvalidArgument,
                   "field price.currency"});
  cases.push_back(
      {"negative price", OnChannel(negative), absl::StatusCode::kInvalidArgument, "field price"});
  cases.push_back({"impossible day", OnChannel(bad_day), absl::StatusCode::kInvalidArgument,
                   "field effective_from"});
  cases.push_back({"before the list price", OnChannel(early), absl::StatusCode::kFailedPrecondition,
                   "rule no_list_price"});
  cases.push_back({"retired SKU", OnChannel(Price("LT-9", 10'000)),
                   absl::StatusCode::kFailedPrecondition, "rule product_retired"});
  cases.push_back(
      {"unknown SKU", OnChannel(Price("LT-404", 10'000)), absl::StatusCode::kNotFound, "LT-404"});
  cases.push_back({"back to onboarding", OnChannel(onboarding), absl::StatusCode::kInvalidArgument,
                   "field status"});
  cases.push_back({"unknown channel", Decide(none, WithMeta(unknown), Context()),
                   absl::StatusCode::kNotFound, "ch-404"});
  for (const Case& c : cases) {
    EXPECT_EQ(c.outcome.status().code(), c.code) << c.name << ": " << c.outcome.status();
    EXPECT_THAT(c.outcome.status().ToString(), HasSubstr(c.names)) << c.name;
  }
  EXPECT_EQ(channel_.SerializeAsString(), before.SerializeAsString()) << "nothing was changed";
}

}  // namespace
}  // namespace sales::channels
