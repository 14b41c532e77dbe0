#include "services/projections/periods/periods.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace sales::periods {
namespace {

int64_t Day(int y, int m, int d) { return absl::CivilDay(y, m, d) - absl::CivilDay(1970, 1, 1); }

google::protobuf::Timestamp At(int y, int m, int d) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(y, m, d, 12, 0, 0), BusinessTimeZone())));
  return t;
}

TEST(StoredPeriodsOfDaysTest, DaysBeforeAndAfterTheWholeMonths) {
  const auto describe = [](const std::vector<StoredPeriods>& runs) {
    std::string out;
    for (const StoredPeriods& run : runs) {
      absl::StrAppend(&out, run.granularity == v1::PERIOD_GRANULARITY_DAY ? "D" : "M", run.count,
                      " ");
    }
    return out;
  };
  EXPECT_EQ(describe(StoredPeriodsOfDays(Day(2026, 11, 6), Day(2026, 12, 5))), "D30 ");
  EXPECT_EQ(describe(StoredPeriodsOfDays(Day(2026, 10, 15), Day(2026, 12, 31))), "D17 M2 ");
  EXPECT_EQ(describe(StoredPeriodsOfDays(Day(2026, 11, 1), Day(2026, 11, 30))), "M1 ");
  EXPECT_EQ(describe(StoredPeriodsOfDays(Day(2026, 11, 1), Day(2026, 11, 29))), "D29 ");
  EXPECT_EQ(describe(StoredPeriodsOfDays(Day(2025, 12, 6), Day(2026, 12, 5))), "D26 M11 D5 ");
  const std::vector<StoredPeriods> runs = StoredPeriodsOfDays(Day(2025, 12, 6), Day(2026, 12, 5));
  EXPECT_EQ(runs[1].first, 2026 * 12 + 0) << "January 2026";
}

TEST(PeriodDaysTest, FirstAndLastDayOfEveryGranularity) {
  const int64_t day = Day(2026, 2, 11);  // a Wednesday
  const auto first = [&](v1::PeriodGranularity g) {
    return FirstDayOfPeriod(g, PeriodOfDay(g, day));
  };
  const auto last = [&](v1::PeriodGranularity g) {
    return LastDayOfPeriod(g, PeriodOfDay(g, day));
  };
  EXPECT_EQ(first(v1::PERIOD_GRANULARITY_DAY), day);
  EXPECT_EQ(last(v1::PERIOD_GRANULARITY_DAY), day);
  EXPECT_EQ(first(v1::PERIOD_GRANULARITY_WEEK), Day(2026, 2, 9));
  EXPECT_EQ(last(v1::PERIOD_GRANULARITY_WEEK), Day(2026, 2, 15));
  EXPECT_EQ(first(v1::PERIOD_GRANULARITY_MONTH), Day(2026, 2, 1));
  EXPECT_EQ(last(v1::PERIOD_GRANULARITY_MONTH), Day(2026, 2, 28));
  EXPECT_EQ(first(v1::PERIOD_GRANULARITY_QUARTER), Day(2026, 1, 1));
  EXPECT_EQ(last(v1::PERIOD_GRANULARITY_QUARTER), Day(2026, 3, 31));
  EXPECT_EQ(first(v1::PERIOD_GRANULARITY_YEAR), Day(2026, 1, 1));
  EXPECT_EQ(last(v1::PERIOD_GRANULARITY_YEAR), Day(2026, 12, 31));
  EXPECT_EQ(LastDayOfPeriod(v1::PERIOD_GRANULARITY_MONTH, 2024 * 12 + 1), Day(2024, 2, 29))
      << "a leap February";
  EXPECT_EQ(StartOfDay(day).seconds(),
            DescribePeriod(v1::PERIOD_GRANULARITY_DAY, day).start().seconds());
  EXPECT_EQ(StartOfDay(day).seconds() % 86400, 16 * 3600) << "midnight in Shanghai is 16:00 UTC";
}

TEST(PreviousPeriodTest, CalendarPeriodsGoBackOne) {
  const google::protobuf::Timestamp at = At(2026, 1, 5);
  const auto previous_key = [&](v1::PeriodGranularity granularity) {
    return PreviousPeriod(ResolvePeriod({.granularity = granularity, .period_at = &at}))
        .period.key();
  };
  EXPECT_EQ(previous_key(v1::PERIOD_GRANULARITY_DAY), "2026-01-04");
  EXPECT_EQ(previous_key(v1::PERIOD_GRANULARITY_WEEK), "2026-W01");  // Monday 2025-12-29
  EXPECT_EQ(
      PreviousPeriod(ResolvePeriod({.granularity = v1::PERIOD_GRANULARITY_WEEK, .period_at = &at}))
          .first_day,
      Day(2025, 12, 29));
  EXPECT_EQ(previous_key(v1::PERIOD_GRANULARITY_MONTH), "2025-12");
  EXPECT_EQ(previous_key(v1::PERIOD_GRANULARITY_QUARTER), "2025-Q4");
  EXPECT_EQ(previous_key(v1::PERIOD_GRANULARITY_YEAR), "2025");
}

TEST(PreviousPeriodTest, RelativePeriodsCompareWithTheSameSpanBefore) {
  const google::protobuf::Timestamp at = At(2026, 3, 31);
  const ResolvedPeriod last_30 = ResolvePeriod({.period_at = &at, .last_days = 30});
  EXPECT_EQ(last_30.period.key(), "2026-03-02..2026-03-31");
  EXPECT_EQ(PreviousPeriod(last_30).period.key(), "2026-01-31..2026-03-01");
  // March 1–31 to date against February, clipped to its 28 days.
  const ResolvedPeriod month_to_date = ResolvePeriod(
      {.granularity = v1::PERIOD_GRANULARITY_MONTH, .period_at = &at, .to_date = true});
  EXPECT_EQ(month_to_date.period.relative(), "month to date");
  EXPECT_EQ(PreviousPeriod(month_to_date).period.key(), "2026-02-01..2026-02-28");
  const google::protobuf::Timestamp fifth = At(2026, 12, 5);
  const ResolvedPeriod december_to_date = ResolvePeriod(
      {.granularity = v1::PERIOD_GRANULARITY_MONTH, .period_at = &fifth, .to_date = true});
  EXPECT_EQ(PreviousPeriod(december_to_date).period.key(), "2026-11-01..2026-11-05");
}

TEST(PeriodKeyTest, DecodesWhatItEncodesInNumericOrder) {
  std::string before;
  for (const int64_t period : {int64_t{-3}, int64_t{0}, int64_t{2026}, int64_t{20'000}}) {
    std::string key = "C";
    AppendPeriodKey(key, v1::PERIOD_GRANULARITY_YEAR, period);
    EXPECT_EQ(PeriodOfKey(absl::string_view(key).substr(1)), period);
    EXPECT_LT(before, key);
    before = key;
  }
}

TEST(ValidatePeriodRequestTest, NamesTheField) {
  const google::protobuf::Timestamp at = At(2026, 3, 31);
  EXPECT_TRUE(ValidatePeriodRequest({.period_at = &at, .last_days = 7}).ok());
  EXPECT_EQ(ValidatePeriodRequest({.period_at = &at}).message(),
            "field granularity: required: DAY, WEEK, MONTH, QUARTER or YEAR");
  EXPECT_EQ(ValidatePeriodRequest({.granularity = v1::PERIOD_GRANULARITY_DAY}).message(),
            "field period_at: required");
  EXPECT_EQ(ValidatePeriodRequest({.period_at = &at, .last_days = 367}).message(),
            "field last_days: must be 1–366 (0: not relative)");
}

}  // namespace
}  // namespace sales::periods
