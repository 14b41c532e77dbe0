#include "services/channels/domain/price_band.h"

#include "gtest/gtest.h"

namespace sales::channels {
namespace {

TEST(PriceBandTest, TheEdgesOfTheDefaultBandAreWithin) {
  EXPECT_TRUE(CheckPriceBand(10'000, 10'500, kDefaultPriceBandBp).within);  // exactly +5 %
  EXPECT_TRUE(CheckPriceBand(10'000, 9'500, kDefaultPriceBandBp).within);   // exactly −5 %
  EXPECT_FALSE(CheckPriceBand(10'000, 10'501, kDefaultPriceBandBp).within);
  EXPECT_FALSE(CheckPriceBand(10'000, 9'499, kDefaultPriceBandBp).within);
  EXPECT_EQ(CheckPriceBand(10'000, 10'500, kDefaultPriceBandBp).deviation_bp, 500);
  EXPECT_EQ(CheckPriceBand(10'000, 9'499, kDefaultPriceBandBp).deviation_bp, -501);
}

TEST(PriceBandTest, EdgesThatAreNotWholeMinorUnitsAreExact) {
  // ±5 % of 999 is ±49.95: 1048 (+4.9049 %) is within, 1049 (+5.005 %) is not; no rounding.
  EXPECT_TRUE(CheckPriceBand(999, 1'048, 500).within);
  EXPECT_FALSE(CheckPriceBand(999, 1'049, 500).within);
  EXPECT_TRUE(CheckPriceBand(999, 950, 500).within);
  EXPECT_FALSE(CheckPriceBand(999, 949, 500).within);
}

TEST(PriceBandTest, TheRefusalNamesTheExactRangeNotOnlyTheRoundedDeviation) {
  // -5.0008 %: rounded to -500 bp, which equals the band, yet outside it.
  const BandCheck check = CheckPriceBand(120'000, 113'999, 500);
  EXPECT_FALSE(check.within);
  EXPECT_EQ(check.deviation_bp, -500);
  EXPECT_EQ(check.lowest_units, 114'000);
  EXPECT_EQ(check.highest_units, 126'000);
  EXPECT_EQ(OutsideBandDetail(120'000, 113'999, 500, check),
            "price 113999 is outside the ±500 bp band around the list price 120000 "
            "(114000–126000; -500 bp rounded)");
  // A reach that is not whole minor units rounds inwards: 10,001 ± 500.05 → 9,501–10,501.
  const BandCheck odd = CheckPriceBand(10'001, 9'501, 500);
  EXPECT_TRUE(odd.within);
  EXPECT_EQ(odd.lowest_units, 9'501);
  EXPECT_EQ(odd.highest_units, 10'501);
  EXPECT_FALSE(CheckPriceBand(10'001, 9'500, 500).within);
}

TEST(PriceBandTest, DeviationsRoundHalfEven) {
  EXPECT_EQ(CheckPriceBand(20'000, 20'001, 500).deviation_bp, 0);   // 0.5 bp → 0
  EXPECT_EQ(CheckPriceBand(20'000, 20'003, 500).deviation_bp, 2);   // 1.5 bp → 2
  EXPECT_EQ(CheckPriceBand(20'000, 19'997, 500).deviation_bp, -2);  // −1.5 bp → −2
}

TEST(PriceBandTest, ExtremesNeitherOverflowNorDivideByZero) {
  constexpr int64_t kMax = 10'000'000'000'000;
  EXPECT_FALSE(CheckPriceBand(1, kMax, 10'000).within);
  EXPECT_EQ(CheckPriceBand(1, kMax, 10'000).deviation_bp, 1'000'000'000);  // clamped
  EXPECT_TRUE(CheckPriceBand(kMax, kMax, 0).within);
  EXPECT_TRUE(CheckPriceBand(0, 0, 500).within);
  EXPECT_FALSE(CheckPriceBand(0, 1, 500).within);
}

TEST(PriceBandTest, AChannelsOverrideAndPolicyApply) {
  v1::Channel channel;
  EXPECT_EQ(EffectiveBandBp(channel), 500);
  EXPECT_EQ(EffectivePolicy(channel), v1::PRICE_BAND_POLICY_REFUSE);
  channel.set_price_band_bp(1'000);
  channel.set_price_band_policy(v1::PRICE_BAND_POLICY_FLAG);
  EXPECT_EQ(EffectiveBandBp(channel), 1'000);
  EXPECT_EQ(EffectivePolicy(channel), v1::PRICE_BAND_POLICY_FLAG);
}

}  // namespace
}  // namespace sales::channels
