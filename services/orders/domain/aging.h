// Receivables aging (应收账款管理): the bucket of an open invoice by days past its due date on a
// day, and a report that sums balances per bucket.
//
//   CURRENT  not yet due (days overdue ≤ 0)
//   1–30, 31–60, 61–90 days overdue, and 90+ (91 days and more)
//
//   AgingBucket bucket = BucketOf(/*due_on=*/absl::CivilDay(2026, 3, 1),
//   /*on=*/absl::CivilDay(2026, 3, 31));
//   // 30 days overdue: kDays1To30
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_ORDERS_DOMAIN_AGING_H_
#define SALES_SERVICES_ORDERS_DOMAIN_AGING_H_

#include <array>
#include <cstdint>

#include "absl/time/civil_time.h"

namespace sales::orders {

enum class AgingBucket { kCurrent = 0, kDays1To30, kDays31To60, kDays61To90, kOver90 };
inline constexpr int kAgingBuckets = 5;

// Days `on` is past `due_on` (≤ 0: not overdue).
int64_t DaysOverdue(absl::CivilDay due_on, absl::CivilDay on);
AgingBucket BucketOf(absl::CivilDay due_on, absl::CivilDay on);
// "current", "1-30", "31-60", "61-90", "90+".
const char* BucketName(AgingBucket bucket);

// Open balances summed per bucket, and in total.
struct AgingTotals {
  std::array<int64_t, kAgingBuckets> balance{};
  std::array<int64_t, kAgingBuckets> invoices{};
  int64_t total_balance = 0;
  int64_t total_invoices = 0;

  void Add(AgingBucket bucket, int64_t open_balance);
};

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_DOMAIN_AGING_H_
