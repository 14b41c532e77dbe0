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

// PeriodOfDay computes dates by arithmetic: it must agree with absl's civil time on every day,
// including the leap days of centuries and the ends of the Timestamp range.
TEST(PeriodOfDayTest, AgreesWithCivilTimeOnEveryDay) {
  const absl::CivilDay epoch(1970, 1, 1);
  const auto check = [&](absl::CivilDay day) {
    const int64_t index = day - epoch;
    ASSERT_EQ(PeriodOfDay(v1::PERIOD_GRANULARITY_WEEK, index),
              index - static_cast<int>(absl::GetWeekday(day)))
        << day;
    ASSERT_EQ(PeriodOfDay(v1::PERIOD_GRANULARITY_MONTH, index), day.year() * 12 + day.month() - 1)
        << day;
    ASSERT_EQ(PeriodOfDay(v1::PERIOD_GRANULARITY_QUARTER, index),
              day.year() * 4 + (day.month() - 1) / 3)
        << day;
    ASSERT_EQ(PeriodOfDay(v1::PERIOD_GRANULARITY_YEAR, index), day.year()) << day;
  };
  for (absl::CivilDay day(1599, 12, 1); day <= absl::CivilDay(2401, 3, 1); ++day) check(day);
  for (absl::CivilDay day(1, 1, 1); day <= absl::CivilDay(3, 1, 1); ++day) check(day);
  for (absl::CivilDay day(9998, 1, 1); day <= absl::CivilDay(9999, 12, 31); ++day) check(day);
}

// PeriodIndexOf remembers the last day it worked out: instants in time order, in any order, and
// across the business zone's DST years (Asia/Shanghai, 1986–1991) give the zone's civil day.
TEST(PeriodIndexOfTest, GivesTheBusinessDayOfEveryInstantInAnyOrder) {
  const absl::CivilDay epoch(1970, 1, 1);
  const auto expected = [&](absl::Time t) {
    return absl::ToCivilDay(t, BusinessTimeZone()) - epoch;
  };
  std::vector<absl::Time> instants;
  for (absl::Time t = absl::FromCivil(absl::CivilDay(1985, 12, 1), absl::UTCTimeZone());
       t < absl::FromCivil(absl::CivilDay(1992, 1, 1), absl::UTCTimeZone());
       t += absl::Minutes(37)) {
    instants.push_back(t);
  }
  for (const absl::Time t : instants) {
    ASSERT_EQ(PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, t), expected(t)) << t;
  }
  for (size_t i = 0; i < instants.size(); ++i) {  // jumping about
    const absl::Time t = instants[(i * 7919) % instants.size()];
    ASSERT_EQ(PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, t), expected(t)) << t;
    ASSERT_EQ(PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, t - absl::Nanoseconds(1)),
              expected(t - absl::Nanoseconds(1)))
        << t;
  }
  const absl::Time midnight = absl::FromCivil(absl::CivilDay(2026, 3, 1), BusinessTimeZone());
  EXPECT_EQ(PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, midnight), Day(2026, 3, 1));
  EXPECT_EQ(PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, midnight - absl::Nanoseconds(1)),
            Day(2026, 2, 28));
  EXPECT_EQ(PeriodIndexOf(v1::PERIOD_GRANULARITY_MONTH, midnight - absl::Nanoseconds(1)),
            2026 * 12 + 1);
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
