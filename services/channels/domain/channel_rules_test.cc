#include "services/channels/domain/channel_rules.h"

#include <string>

#include "gtest/gtest.h"
#include "services/channels/domain/test_fixtures.h"

namespace sales::channels {
namespace {

using testing::Cny;
using testing::MakeDistributor;
using testing::MakeProduct;

v1::Channel WithStatus(v1::ChannelStatus status) {
  v1::Channel channel = MakeDistributor();
  channel.set_status(status);
  return channel;
}

TEST(ChannelRulesTest, TheLifecycleAllowsOnlyItsMoves) {
  struct Case {
    v1::ChannelStatus from;
    v1::ChannelStatus to;
    absl::StatusCode code;
    std::string rule;
  };
  const Case cases[] = {
      {v1::CHANNEL_STATUS_ONBOARDING, v1::CHANNEL_STATUS_ACTIVE, absl::StatusCode::kOk, ""},
      {v1::CHANNEL_STATUS_ACTIVE, v1::CHANNEL_STATUS_SUSPENDED, absl::StatusCode::kOk, ""},
      {v1::CHANNEL_STATUS_SUSPENDED, v1::CHANNEL_STATUS_ACTIVE, absl::StatusCode::kOk, ""},
      {v1::CHANNEL_STATUS_ONBOARDING, v1::CHANNEL_STATUS_TERMINATED, absl::StatusCode::kOk, ""},
      {v1::CHANNEL_STATUS_SUSPENDED, v1::CHANNEL_STATUS_TERMINATED, absl::StatusCode::kOk, ""},
      {v1::CHANNEL_STATUS_ONBOARDING, v1::CHANNEL_STATUS_SUSPENDED,
       absl::StatusCode::kFailedPrecondition, "rule illegal_status_change"},
      {v1::CHANNEL_STATUS_ACTIVE, v1::CHANNEL_STATUS_ACTIVE, absl::StatusCode::kFailedPrecondition,
       "rule illegal_status_change"},
      {v1::CHANNEL_STATUS_ACTIVE, v1::CHANNEL_STATUS_ONBOARDING,
       absl::StatusCode::kFailedPrecondition, "rule illegal_status_change"},
      {v1::CHANNEL_STATUS_TERMINATED, v1::CHANNEL_STATUS_ACTIVE,
       absl::StatusCode::kFailedPrecondition, "rule channel_terminated"},
      {v1::CHANNEL_STATUS_TERMINATED, v1::CHANNEL_STATUS_TERMINATED,
       absl::StatusCode::kFailedPrecondition, "rule channel_terminated"},
  };
  for (const Case& c : cases) {
    const absl::Status status = CheckStatusChange(WithStatus(c.from), c.to);
    EXPECT_EQ(status.code(), c.code) << v1::ChannelStatus_Name(c.from) << " → "
                                     << v1::ChannelStatus_Name(c.to) << ": " << status;
    EXPECT_NE(status.message().find(c.rule), absl::string_view::npos) << status;
  }
}

TEST(ChannelRulesTest, AnAmendmentAppliesFromItsDateAndHistoryStays) {
  v1::Channel channel = MakeDistributor();
  v1::AgreementVersion& amended = *channel.add_agreements();
  amended.set_version(2);
  *amended.mutable_effective_from() = ToDate(absl::CivilDay(2026, 7, 1));  // mid-term
  *amended.mutable_terms() = channel.agreements(0).terms();
  amended.mutable_terms()->add_region_ids("south");

  EXPECT_EQ(AgreementOn(channel, absl::CivilDay(2025, 12, 31)), nullptr);
  EXPECT_EQ(AgreementOn(channel, absl::CivilDay(2026, 1, 1))->version(), 1);
  EXPECT_EQ(AgreementOn(channel, absl::CivilDay(2026, 6, 30))->version(), 1);
  EXPECT_EQ(AgreementOn(channel, absl::CivilDay(2026, 7, 1))->version(), 2);
  EXPECT_FALSE(CoversRegion(AgreementOn(channel, absl::CivilDay(2026, 6, 30))->terms(), "south"));
  EXPECT_TRUE(CoversRegion(AgreementOn(channel, absl::CivilDay(2026, 7, 1))->terms(), "south"));
}

TEST(ChannelRulesTest, TheTermIncludesBothEnds) {
  const v1::Channel channel = MakeDistributor();
  const v1::AgreementTerms& terms = channel.agreements(0).terms();
  EXPECT_FALSE(WithinTerm(terms, absl::CivilDay(2025, 12, 31)));
  EXPECT_TRUE(WithinTerm(terms, absl::CivilDay(2026, 1, 1)));
  EXPECT_TRUE(WithinTerm(terms, absl::CivilDay(2026, 12, 31)));
  EXPECT_FALSE(WithinTerm(terms, absl::CivilDay(2027, 1, 1)));
}

TEST(ChannelRulesTest, ProductScopeIsByProductLineOrBySku) {
  v1::AgreementTerms terms = MakeDistributor().agreements(0).terms();
  terms.add_skus("ERP-9");
  EXPECT_TRUE(CoversProduct(terms, MakeProduct("CRM-1", 100, "crm")));
  EXPECT_TRUE(CoversProduct(terms, MakeProduct("ERP-9", 100, "erp")));
  EXPECT_FALSE(CoversProduct(terms, MakeProduct("ERP-1", 100, "erp")));
}

TEST(ChannelRulesTest, PricesInForceAreTheLatestOnOrBeforeTheDay) {
  v1::Channel channel = MakeDistributor();
  const auto add = [&](const std::string& sku, absl::CivilDay from, int64_t units, int version) {
    v1::PriceListEntry& entry = *channel.add_price_list();
    entry.set_sku(sku);
    *entry.mutable_effective_from() = ToDate(from);
    *entry.mutable_price() = Cny(units);
    entry.set_version(version);
  };
  // Sorted by (sku, effective_from), as Evolve keeps it.
  add("A", absl::CivilDay(2026, 1, 1), 100, 1);
  add("B", absl::CivilDay(2026, 1, 1), 200, 2);
  add("B", absl::CivilDay(2026, 3, 1), 210, 4);
  add("C", absl::CivilDay(2026, 2, 1), 300, 3);
  EXPECT_EQ(ChannelPriceOn(channel, "B", absl::CivilDay(2025, 12, 31)), nullptr);
  EXPECT_EQ(ChannelPriceOn(channel, "B", absl::CivilDay(2026, 2, 28))->version(), 2);
  EXPECT_EQ(ChannelPriceOn(channel, "B", absl::CivilDay(2026, 3, 1))->version(), 4);
  EXPECT_EQ(ChannelPriceOn(channel, "C", absl::CivilDay(2026, 1, 31)), nullptr);
  EXPECT_EQ(ChannelPriceOn(channel, "D", absl::CivilDay(2026, 3, 1)), nullptr);

  v1::Product product = MakeProduct("A", 100);
  v1::ListPrice& raised = *product.add_list_prices();
  *raised.mutable_effective_from() = ToDate(absl::CivilDay(2026, 6, 1));
  *raised.mutable_price() = Cny(120);
  EXPECT_EQ(ListPriceOn(product, absl::CivilDay(2025, 6, 1)), nullptr);
  EXPECT_EQ(ListPriceOn(product, absl::CivilDay(2026, 5, 31))->price().units(), 100);
  EXPECT_EQ(ListPriceOn(product, absl::CivilDay(2026, 6, 1))->price().units(), 120);
}

}  // namespace
}  // namespace sales::channels
