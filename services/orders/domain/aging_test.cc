#include "services/orders/domain/aging.h"

#include "gtest/gtest.h"

namespace sales::orders {
namespace {

TEST(AgingTest, BucketEdgesCountDaysPastTheDueDate) {
  const absl::CivilDay due(2026, 3, 1);
  struct Case {
    int days_after_due;
    AgingBucket bucket;
  };
  for (const Case& c : {Case{-5, AgingBucket::kCurrent}, Case{0, AgingBucket::kCurrent},
                        Case{1, AgingBucket::kDays1To30}, Case{30, AgingBucket::kDays1To30},
                        Case{31, AgingBucket::kDays31To60}, Case{60, AgingBucket::kDays31To60},
                        Case{61, AgingBucket::kDays61To90}, Case{90, AgingBucket::kDays61To90},
                        Case{91, AgingBucket::kOver90}, Case{400, AgingBucket::kOver90}}) {
    EXPECT_EQ(BucketOf(due, due + c.days_after_due), c.bucket) << c.days_after_due;
  }
  EXPECT_EQ(DaysOverdue(due, absl::CivilDay(2026, 4, 1)), 31);
  EXPECT_STREQ(BucketName(AgingBucket::kOver90), "90+");
}

TEST(AgingTest, TotalsSumBalancesPerBucketAndOverall) {
  AgingTotals totals;
  totals.Add(AgingBucket::kCurrent, 100);
  totals.Add(AgingBucket::kOver90, 250);
  totals.Add(AgingBucket::kOver90, 50);
  EXPECT_EQ(totals.balance[0], 100);
  EXPECT_EQ(totals.balance[4], 300);
  EXPECT_EQ(totals.invoices[4], 2);
  EXPECT_EQ(totals.total_balance, 400);
  EXPECT_EQ(totals.total_invoices, 3);
}

}  // namespace
}  // namespace sales::orders
