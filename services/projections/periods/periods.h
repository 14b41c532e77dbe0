// The dashboards' periods (proto/sales/projections/v1/period.proto): calendar periods cut in the
// business time zone, relative periods ("last 30 days", "month to date"), the previous period a
// report compares with (环比), the stored periods whose cells add up to a report's, and the
// order-preserving key encoding of a period. Shared by the funnel and the performance read models.
//
//   const PeriodRequest asked = PeriodRequestOf(request);  // any request with the period fields
//   RETURN_IF_ERROR(ValidatePeriodRequest(asked));
//   const ResolvedPeriod period = ResolvePeriod(asked);
//   const ResolvedPeriod before = PreviousPeriod(period);
//   for (const StoredPeriods& run : StoredRunsOf(period)) ...
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_PROJECTIONS_PERIODS_PERIODS_H_
#define SALES_SERVICES_PROJECTIONS_PERIODS_PERIODS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/business_time.h"
#include "google/protobuf/timestamp.pb.h"
#include "sales/projections/v1/period.pb.h"

namespace sales::periods {

namespace v1 = ::sales::projections::v1;

// An ordinal of the period holding `t` (cut in BusinessTimeZone()): DAY days since 1970-01-01,
// WEEK the day number of its Monday, MONTH year×12 + month − 1, QUARTER year×4 + quarter − 1,
// YEAR the year. `granularity` must be one of the five.
int64_t PeriodIndexOf(v1::PeriodGranularity granularity, absl::Time t);
// The same for the day whose DAY index is `day_index`.
int64_t PeriodOfDay(v1::PeriodGranularity granularity, int64_t day_index);
// The DAY index of a calendar day (a date, not an instant: no time zone).
int64_t DayIndexOf(absl::CivilDay day);
// The DAY indexes of the first and the last day of (granularity, index).
int64_t FirstDayOfPeriod(v1::PeriodGranularity granularity, int64_t index);
int64_t LastDayOfPeriod(v1::PeriodGranularity granularity, int64_t index);
// The instant day `day_index` starts (its midnight in BusinessTimeZone()): DescribePeriod's start
// of a DAY, without formatting its key.
google::protobuf::Timestamp StartOfDay(int64_t day_index);
// The period's key, start and end (period.proto, Period).
v1::Period DescribePeriod(v1::PeriodGranularity granularity, int64_t index);
// The period of the days [first_day, last_day]: granularity DAY, key "2026-11-06..2026-12-05",
// `relative` as given ("last 30 days").
v1::Period DescribeDays(int64_t first_day, int64_t last_day, const std::string& relative);
inline constexpr v1::PeriodGranularity kGranularities[] = {
    v1::PERIOD_GRANULARITY_DAY, v1::PERIOD_GRANULARITY_WEEK, v1::PERIOD_GRANULARITY_MONTH,
    v1::PERIOD_GRANULARITY_QUARTER, v1::PERIOD_GRANULARITY_YEAR};

// `count` consecutive periods of `granularity` from `first`: what a report adds up.
struct StoredPeriods {
  v1::PeriodGranularity granularity;
  int64_t first;
  int count;
};
// For a read model storing DAY, MONTH and YEAR cells only: a WEEK is its 7 days, a QUARTER its 3
// months, the others themselves.
StoredPeriods StoredPeriodsOf(v1::PeriodGranularity granularity, int64_t period);
// The days [first_day, last_day] (DAY indexes, first ≤ last) as DAY and MONTH runs: the days
// before its first whole month, its whole months, the days after its last whole month — at most
// 30 + 12 + 30 lookups for a year of days, instead of one per day.
std::vector<StoredPeriods> StoredPeriodsOfDays(int64_t first_day, int64_t last_day);

// ---- Report requests ----

inline constexpr int32_t kMaxLastDays = 366;

// The period fields every report request carries (GetFunnelRequest, GetPerformanceRequest):
//   granularity + period_at: the calendar period holding period_at;
//   last_days = N (1–366): the N days ending with period_at's day; granularity not needed;
//   to_date: the granularity's period holding period_at, from its start through period_at's day.
struct PeriodRequest {
  v1::PeriodGranularity granularity = v1::PERIOD_GRANULARITY_UNSPECIFIED;
  const google::protobuf::Timestamp* period_at = nullptr;  // null: not given
  int32_t last_days = 0;
  bool to_date = false;
};
template <typename Request>
PeriodRequest PeriodRequestOf(const Request& request) {
  return {.granularity = request.granularity(),
          .period_at = request.has_period_at() ? &request.period_at() : nullptr,
          .last_days = request.last_days(),
          .to_date = request.to_date()};
}

// INVALID_ARGUMENT naming the field: granularity required (unless last_days) and known,
// period_at required and a valid timestamp, last_days 0–366, not both last_days and to_date.
absl::Status ValidatePeriodRequest(const PeriodRequest& request);

// A report's period: a calendar period (granularity, index) or a span of days.
struct ResolvedPeriod {
  v1::Period period;  // as reported
  bool relative = false;
  v1::PeriodGranularity granularity = v1::PERIOD_GRANULARITY_DAY;  // calendar periods
  int64_t index = 0;                                               // calendar periods
  int64_t first_day = 0;  // the DAY indexes it spans (both inclusive), whatever its kind
  int64_t last_day = 0;
};
// The period a valid request names.
ResolvedPeriod ResolvePeriod(const PeriodRequest& request);
// The period a report compares with (环比): the calendar period before; for "last N days" the N
// days before; for "<period> to date" the same number of days from the start of the period
// before (clipped to its end): November 1–5 for December 1–5.
ResolvedPeriod PreviousPeriod(const ResolvedPeriod& period);
// The DAY/MONTH/YEAR runs whose cells add up to `period` (StoredPeriodsOf, StoredPeriodsOfDays).
std::vector<StoredPeriods> StoredRunsOf(const ResolvedPeriod& period);

// ---- Keys and currencies ----

// Appends granularity (1 byte) and period (8 bytes, biased big-endian: byte order = numeric
// order, negative ordinals included) to `key`.
void AppendPeriodKey(std::string& key, v1::PeriodGranularity granularity, int64_t period);
inline constexpr size_t kPeriodKeySize = 9;
// The period of a key written by AppendPeriodKey: `key` starts with its granularity byte and
// holds at least kPeriodKeySize bytes.
int64_t PeriodOfKey(absl::string_view key);

// Three upper-case letters ↔ 15 bits; -1 for anything else.
int32_t CurrencyCode(absl::string_view currency);
std::string CurrencyName(uint32_t code);

}  // namespace sales::periods

#endif  // SALES_SERVICES_PROJECTIONS_PERIODS_PERIODS_H_
