#include "services/projections/funnel/model/keys.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace sales::funnel {
namespace {

absl::Time Shanghai(int y, int m, int d, int hh) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), BusinessTimeZone());
}

std::string KeyOf(v1::PeriodGranularity granularity, absl::Time t) {
  return DescribePeriod(granularity, PeriodIndexOf(granularity, t)).key();
}

TEST(PeriodTest, KeysAreCutInShanghaiTime) {
  // 2026-11-30T17:00Z is 2026-12-01 01:00 in Shanghai (UTC+8).
  const absl::Time t =
      absl::FromCivil(absl::CivilSecond(2026, 11, 30, 17, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_DAY, t), "2026-12-01");
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_MONTH, t), "2026-12");
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_QUARTER, t), "2026-Q4");
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_YEAR, Shanghai(2027, 1, 1, 0)), "2027");
}

TEST(PeriodTest, IsoWeeks) {
  // 2026-11-02 is a Monday; 2026's first ISO week starts on Monday 2025-12-29.
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_WEEK, Shanghai(2026, 11, 2, 0)), "2026-W45");
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_WEEK, Shanghai(2026, 11, 8, 23)), "2026-W45");
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_WEEK, Shanghai(2026, 11, 9, 0)), "2026-W46");
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_WEEK, Shanghai(2025, 12, 31, 12)), "2026-W01");
  EXPECT_EQ(KeyOf(v1::PERIOD_GRANULARITY_WEEK, Shanghai(2027, 1, 3, 12)), "2026-W53");
}

TEST(PeriodTest, BoundsAreBusinessMidnights) {
  const v1::Period q =
      DescribePeriod(v1::PERIOD_GRANULARITY_QUARTER,
                     PeriodIndexOf(v1::PERIOD_GRANULARITY_QUARTER, Shanghai(2026, 11, 15, 12)));
  EXPECT_EQ(q.start().seconds(), absl::ToUnixSeconds(Shanghai(2026, 10, 1, 0)));
  EXPECT_EQ(q.end().seconds(), absl::ToUnixSeconds(Shanghai(2027, 1, 1, 0)));
  const v1::Period w =
      DescribePeriod(v1::PERIOD_GRANULARITY_WEEK,
                     PeriodIndexOf(v1::PERIOD_GRANULARITY_WEEK, Shanghai(2026, 11, 4, 9)));
  EXPECT_EQ(w.start().seconds(), absl::ToUnixSeconds(Shanghai(2026, 11, 2, 0)));
  EXPECT_EQ(w.end().seconds(), absl::ToUnixSeconds(Shanghai(2026, 11, 9, 0)));
}

TEST(HistogramTest, BinsAreWithinAnEighthAndOrdered) {
  int previous = -1;
  for (int64_t s : {0, 1, 7, 8, 9, 15, 16, 17, 100, 1000, 86400, 864000, 31536000}) {
    const int bin = HistogramBin(s);
    EXPECT_GE(bin, previous) << s;  // 16 and 17 share a bin of width 2
    previous = bin;
    EXPECT_LT(bin, kHistogramBins);
    EXPECT_NEAR(HistogramBinMiddle(bin), static_cast<double>(s), s / 16.0 + 0.5) << s;
  }
  EXPECT_EQ(HistogramBin(-5), 0);
}

// Regression (UBSan): the middles of the top bins overflowed int64 (8 × 2^60).
TEST(HistogramTest, EveryBinHasAnIncreasingFiniteMiddle) {
  double previous = -1;
  for (int bin = 0; bin < kHistogramBins; ++bin) {
    const double middle = HistogramBinMiddle(bin);
    EXPECT_GT(middle, previous) << bin;
    previous = middle;
  }
  EXPECT_NEAR(HistogramBinMiddle(HistogramBin(INT64_MAX)), 9.2e18, 0.5e18);
}

TEST(CurrencyTest, RoundTrips) {
  EXPECT_EQ(CurrencyName(CurrencyCode("CNY")), "CNY");
  EXPECT_LT(CurrencyCode("CNY"), CurrencyCode("USD"));  // code order is name order
  EXPECT_EQ(CurrencyCode("cny"), -1);
  EXPECT_EQ(CurrencyCode("CN"), -1);
}

TEST(KeyTest, CellKeysSortByPeriodAndShareTheDimensionPrefix) {
  EXPECT_LT(CellKey(v1::PERIOD_GRANULARITY_DAY, -1, 0, ""),
            CellKey(v1::PERIOD_GRANULARITY_DAY, 0, 0, ""));
  const std::string key = CellKey(v1::PERIOD_GRANULARITY_MONTH, 24310, 3, "R-01");
  EXPECT_EQ(key.rfind(CellPrefix(v1::PERIOD_GRANULARITY_MONTH, 24310, 3), 0), 0u);
  EXPECT_EQ(StockKey(3, "R-01").rfind(StockPrefix(3), 0), 0u);
}

}  // namespace
}  // namespace sales::funnel
