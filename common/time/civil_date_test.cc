#include "common/time/civil_date.h"

#include "gtest/gtest.h"

namespace sales {
namespace {

sales::common::v1::Date MakeDate(int year, int month, int day) {
  sales::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(CivilDateTest, RealDaysAreValidAndRoundTrip) {
  for (const auto& date : {MakeDate(2024, 2, 29), MakeDate(1, 1, 1), MakeDate(9999, 12, 31)}) {
    EXPECT_TRUE(ValidateDate("d", date).ok()) << date.ShortDebugString();
    EXPECT_EQ(ToDate(ToCivilDay(date)).SerializeAsString(), date.SerializeAsString());
  }
  EXPECT_EQ(ToCivilDay(MakeDate(2026, 12, 31)) + 1, absl::CivilDay(2027, 1, 1));
}

TEST(CivilDateTest, ImpossibleDaysAreRefusedNamingTheField) {
  for (const auto& date : {MakeDate(2023, 2, 29), MakeDate(2026, 13, 1), MakeDate(2026, 0, 10),
                           MakeDate(2026, 4, 31), MakeDate(2026, 4, 0), MakeDate(0, 1, 1),
                           MakeDate(10000, 1, 1), sales::common::v1::Date()}) {
    const absl::Status status = ValidateDate("terms.term_start", date);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << date.ShortDebugString();
    EXPECT_NE(status.message().find("terms.term_start"), absl::string_view::npos);
  }
}

}  // namespace
}  // namespace sales
