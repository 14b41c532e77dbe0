#include "services/orders/domain/aging.h"

namespace sales::orders {

int64_t DaysOverdue(absl::CivilDay due_on, absl::CivilDay on) { return on - due_on; }

AgingBucket BucketOf(absl::CivilDay due_on, absl::CivilDay on) {
  const int64_t days = DaysOverdue(due_on, on);
  if (days <= 0) return AgingBucket::kCurrent;
  if (days <= 30) return AgingBucket::kDays1To30;
  if (days <= 60) return AgingBucket::kDays31To60;
  if (days <= 90) return AgingBucket::kDays61To90;
  return AgingBucket::kOver90;
}

const char* BucketName(AgingBucket bucket) {
  switch (bucket) {
    case AgingBucket::kCurrent:
      return "current";
    case AgingBucket::kDays1To30:
      return "1-30";
    case AgingBucket::kDays31To60:
      return "31-60";
    case AgingBucket::kDays61To90:
      return "61-90";
    case AgingBucket::kOver90:
      return "90+";
  }
  return "?";
}

void AgingTotals::Add(AgingBucket bucket, int64_t open_balance) {
  const auto index = static_cast<size_t>(bucket);
  balance[index] += open_balance;
  invoices[index] += 1;
  total_balance += open_balance;
  total_invoices += 1;
}

}  // namespace sales::orders
