// The business time zone in which days, months and every period of the product are cut
// (Asia/Shanghai: the funnel's cohorts, the dashboards' periods, the commission ledger's months).
//
//   absl::CivilDay day = BusinessDayOf(event_time);
//
// Thread-safe.
#ifndef SALES_COMMON_TIME_BUSINESS_TIME_H_
#define SALES_COMMON_TIME_BUSINESS_TIME_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sales {

// Asia/Shanghai from the system's tzdata, else a fixed UTC+8 (equal since 1991).
const absl::TimeZone& BusinessTimeZone();

// The business day holding `t`.
absl::CivilDay BusinessDayOf(absl::Time t);

}  // namespace sales

#endif  // SALES_COMMON_TIME_BUSINESS_TIME_H_
