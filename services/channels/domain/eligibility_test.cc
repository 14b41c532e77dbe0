#include "services/channels/domain/eligibility.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/channels/domain/test_fixtures.h"

namespace sales::channels {
namespace {

using ::testing::ElementsAre;
using testing::Line;
using testing::MakeDistributor;
using testing::MakeProduct;

class EligibilityTest : public ::testing::Test {
 protected:
  EligibilityTest() {
    for (v1::Product product :
         {MakeProduct("CRM-1", 10'000, "crm"), MakeProduct("ERP-1", 50'000, "erp")}) {
      catalogue_[product.sku()] = std::move(product);
    }
    order_.set_channel_id(channel_.channel_id());
    order_.set_customer_region_id("east");
    *order_.mutable_date() = ToDate(absl::CivilDay(2026, 3, 15));
    *order_.add_lines() = Line("CRM-1", 3, 10'000);
  }

  v1::EligibilityVerdict Check() {
    EXPECT_TRUE(ValidateOrderCheck(order_).ok()) << ValidateOrderCheck(order_);
    return CheckOrderEligibility(
        channel_,
        [this](absl::string_view sku) -> const v1::Product* {
          auto it = catalogue_.find(std::string(sku));
          return it == catalogue_.end() ? nullptr : &it->second;
        },
        order_);
  }

  // The verdict's problems as "rule@line".
  static std::vector<std::string> Rules(const v1::EligibilityVerdict& verdict) {
    std::vector<std::string> rules;
    for (const v1::EligibilityProblem& problem : verdict.problems()) {
      rules.push_back(absl::StrCat(problem.rule(), "@", problem.line()));
    }
    return rules;
  }

  v1::Channel channel_ = MakeDistributor();
  std::map<std::string, v1::Product> catalogue_;
  v1::OrderCheck order_;
};

TEST_F(EligibilityTest, AnOrderWithinEveryTermIsEligibleAndSaysWhatItWasCheckedAgainst) {
  const v1::EligibilityVerdict verdict = Check();
  EXPECT_TRUE(verdict.eligible());
  EXPECT_TRUE(verdict.problems().empty());
  EXPECT_EQ(verdict.agreement_version(), 1);
  EXPECT_THAT(verdict.price_list_versions(), ElementsAre(0));
}

TEST_F(EligibilityTest, EveryReasonIsReportedNotJustTheFirst) {
  channel_.set_status(v1::CHANNEL_STATUS_SUSPENDED);
  order_.set_customer_region_id("south");
  *order_.mutable_date() = ToDate(absl::CivilDay(2027, 1, 4));  // after the term's end
  *order_.add_lines() = Line("ERP-1", 1, 50'000);               // another product line
  *order_.add_lines() = Line("NOPE-1", 1, 1);
  *order_.add_lines() = Line("CRM-1", 1, 10'501);  // +5.01 %
  const v1::EligibilityVerdict verdict = Check();
  EXPECT_FALSE(verdict.eligible());
  EXPECT_THAT(Rules(verdict),
              ElementsAre("channel_not_active@-1", "outside_term@-1", "outside_territory@-1",
                          "product_out_of_scope@1", "unknown_sku@2", "price_outside_band@3"));
}

TEST_F(EligibilityTest, TheBandEdgeIsInsideAndAFlaggingChannelAcceptsBeyondIt) {
  order_.mutable_lines(0)->mutable_unit_price()->set_units(9'500);  // exactly −5 %
  EXPECT_TRUE(Check().eligible());
  order_.mutable_lines(0)->mutable_unit_price()->set_units(9'499);
  EXPECT_THAT(Rules(Check()), ElementsAre("price_outside_band@0"));

  channel_.set_price_band_policy(v1::PRICE_BAND_POLICY_FLAG);
  const v1::EligibilityVerdict flagged = Check();
  EXPECT_TRUE(flagged.eligible());
  ASSERT_EQ(flagged.flags_size(), 1);
  EXPECT_EQ(flagged.flags(0).line(), 0);
  EXPECT_EQ(flagged.flags(0).deviation_bp(), -501);
  EXPECT_EQ(flagged.flags(0).band_bp(), 500);
}

TEST_F(EligibilityTest, AnAmendmentEffectiveMidTermWidensTheTerritoryFromItsDate) {
  v1::AgreementVersion& amended = *channel_.add_agreements();
  amended.set_version(2);
  *amended.mutable_effective_from() = ToDate(absl::CivilDay(2026, 7, 1));
  *amended.mutable_terms() = channel_.agreements(0).terms();
  amended.mutable_terms()->add_region_ids("south");
  order_.set_customer_region_id("south");
  *order_.mutable_date() = ToDate(absl::CivilDay(2026, 6, 30));
  EXPECT_THAT(Rules(Check()), ElementsAre("outside_territory@-1"));
  *order_.mutable_date() = ToDate(absl::CivilDay(2026, 7, 1));
  const v1::EligibilityVerdict verdict = Check();
  EXPECT_TRUE(verdict.eligible());
  EXPECT_EQ(verdict.agreement_version(), 2);
}

TEST_F(EligibilityTest, APartnerChannelNeedsAnAgreementADirectOneDoesNot) {
  channel_.clear_agreements();
  EXPECT_THAT(Rules(Check()), ElementsAre("no_agreement@-1"));
  channel_.clear_partner();
  channel_.set_type(v1::CHANNEL_TYPE_WEBSITE);
  EXPECT_TRUE(Check().eligible());
}

TEST_F(EligibilityTest, RetiredSkusMissingListPricesAndOtherCurrenciesAreRefused) {
  catalogue_["CRM-1"].set_retired(true);
  *order_.mutable_date() = ToDate(absl::CivilDay(2026, 1, 1));
  *order_.add_lines() = Line("CRM-1", 1, 10'000);
  order_.mutable_lines(1)->mutable_unit_price()->set_currency("USD");
  EXPECT_THAT(Rules(Check()), ElementsAre("sku_retired@0", "sku_retired@1", "currency_mismatch@1"));
  catalogue_["CRM-1"].set_retired(false);
  *catalogue_["CRM-1"].mutable_list_prices(0)->mutable_effective_from() =
      ToDate(absl::CivilDay(2026, 2, 1));
  EXPECT_THAT(Rules(Check()), ElementsAre("no_list_price@0", "no_list_price@1"));
}

TEST(ValidateOrderCheckTest, MalformedOrdersNameTheirField) {
  v1::OrderCheck order;
  order.set_channel_id("ch-1");
  order.set_customer_region_id("east");
  *order.mutable_date() = ToDate(absl::CivilDay(2026, 3, 15));
  *order.add_lines() = Line("CRM-1", 1, 100);
  ASSERT_TRUE(ValidateOrderCheck(order).ok());
  const auto field_of = [](const v1::OrderCheck& bad) {
    return ValidateOrderCheck(bad).ToString();
  };
  v1::OrderCheck bad = order;
  bad.mutable_lines(0)->set_quantity(0);
  EXPECT_THAT(field_of(bad), ::testing::HasSubstr("lines[0].quantity"));
  bad = order;
  bad.mutable_lines(0)->mutable_unit_price()->set_units(-1);
  EXPECT_THAT(field_of(bad), ::testing::HasSubstr("lines[0].unit_price"));
  bad = order;
  bad.mutable_date()->set_month(2);
  bad.mutable_date()->set_day(30);
  EXPECT_THAT(field_of(bad), ::testing::HasSubstr("field date"));
  bad = order;
  bad.clear_lines();
  EXPECT_THAT(field_of(bad), ::testing::HasSubstr("field lines"));
  bad = order;
  bad.set_channel_id(std::string(9'000, 'x'));
  EXPECT_LT(field_of(bad).size(), 300u) << "the long id is not echoed";
}

}  // namespace
}  // namespace sales::channels
