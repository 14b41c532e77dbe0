#include "services/channels/domain/consistency.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/channels/domain/test_fixtures.h"

namespace sales::channels {
namespace {

using testing::Cny;

v1::Channel Priced(const std::string& id, int64_t units, bool flagged = false) {
  v1::Channel channel = testing::MakeDistributor(id);
  v1::PriceListEntry& entry = *channel.add_price_list();
  entry.set_sku("LT-1");
  *entry.mutable_effective_from() = ToDate(absl::CivilDay(2026, 1, 1));
  *entry.mutable_price() = Cny(units);
  entry.set_flagged(flagged);
  entry.set_version(1);
  return channel;
}

TEST(PriceConsistencyTest, EveryChannelsPriceItsDeviationTheSpreadAndTheViolations) {
  const v1::Product product = testing::MakeProduct("LT-1", 10'000);
  v1::Channel web = Priced("ch-web", 10'000);
  v1::Channel dist = Priced("ch-dist", 9'600);
  v1::Channel live = Priced("ch-live", 8'800, /*flagged=*/true);
  v1::Channel gone = Priced("ch-gone", 1);
  gone.set_status(v1::CHANNEL_STATUS_TERMINATED);
  v1::Channel unpriced = testing::MakeDistributor("ch-none");
  const std::vector<const v1::Channel*> channels = {&web, &live, &gone, &unpriced, &dist};

  const v1::SkuPriceConsistency row =
      PriceConsistency(product, channels, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(row.list_price().units(), 10'000);
  ASSERT_EQ(row.channels_size(), 3);
  EXPECT_EQ(row.channels(0).channel_id(), "ch-dist");
  EXPECT_EQ(row.channels(0).deviation_bp(), -400);
  EXPECT_TRUE(row.channels(0).within_band());
  EXPECT_EQ(row.channels(1).channel_id(), "ch-live");
  EXPECT_EQ(row.channels(1).deviation_bp(), -1'200);
  EXPECT_FALSE(row.channels(1).within_band());
  EXPECT_TRUE(row.channels(1).flagged());
  EXPECT_EQ(row.lowest().units(), 8'800);
  EXPECT_EQ(row.highest().units(), 10'000);
  EXPECT_EQ(row.spread().units(), 1'200);
  EXPECT_EQ(row.spread().currency(), "CNY");
  EXPECT_EQ(row.spread_bp(), 1'200);
  EXPECT_EQ(row.violations(), 1);

  const v1::SkuPriceConsistency before =
      PriceConsistency(product, channels, absl::CivilDay(2025, 12, 31));
  EXPECT_TRUE(before.channels().empty()) << "no price was in force yet";
  EXPECT_FALSE(before.has_list_price());
}

}  // namespace
}  // namespace sales::channels
