#include "services/projections/periods/periods.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/status/errors.h"

namespace sales::periods {
namespace {

constexpr absl::CivilDay kEpochDay(1970, 1, 1);
// google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

absl::Time StartOf(absl::CivilDay day) { return absl::FromCivil(day, BusinessTimeZone()); }

int64_t DayOf(const google::protobuf::Timestamp& t) {
  return PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, absl::FromUnixSeconds(t.seconds()));
}

ResolvedPeriod Calendar(v1::PeriodGranularity granularity, int64_t index) {
  ResolvedPeriod resolved{
      .period = DescribePeriod(granularity, index), .granularity = granularity, .index = index};
  resolved.first_day = DayOf(resolved.period.start());
  resolved.last_day = DayOf(resolved.period.end()) - 1;
  return resolved;
}

ResolvedPeriod Days(int64_t first_day, int64_t last_day, const std::string& relative,
                    v1::PeriodGranularity granularity) {
  return {.period = DescribeDays(first_day, last_day, relative),
          .relative = true,
          .granularity = granularity,
          .first_day = first_day,
          .last_day = last_day};
}

constexpr const char* kGranularityNames[] = {"", "day", "week", "month", "quarter", "year"};

// The business day holding `t`, as a DAY index. The projections fold events in time order, so
// most events fall on the day of the one before: each thread keeps the instants [start, end) of
// the last day it worked out, when the zone's offset is the same all through them (a transition
// within the day — a DST change — leaves it uncached: local time may run through the day twice).
int64_t DayIndexAt(absl::Time t) {
  struct CachedDay {
    absl::Time start = absl::InfiniteFuture();
    absl::Time end = absl::InfinitePast();
    int64_t index = 0;
  };
  thread_local CachedDay cached;
  if (t >= cached.start && t < cached.end) return cached.index;
  const absl::TimeZone& zone = BusinessTimeZone();
  const absl::CivilDay day = absl::ToCivilDay(t, zone);
  const int64_t index = day - kEpochDay;
  const absl::Time start = absl::FromCivil(day, zone);
  const absl::Time end = absl::FromCivil(day + 1, zone);
  absl::TimeZone::CivilTransition next;
  const bool transition_within =
      zone.NextTransition(start, &next) && next.from < absl::CivilSecond(day + 1);
  if (!transition_within && start <= t && t < end) cached = {start, end, index};
  return index;
}

// The proleptic Gregorian year and month of DAY index `day_index`, by Howard Hinnant's
// days-to-civil algorithm ("chrono-Compatible Low-Level Date Algorithms"): a few divisions, where
// absl's CivilDay arithmetic normalizes in loops (3.6 % of the performance runner's instructions).
struct YearMonth {
  int64_t year;
  int month;  // 1–12
};
YearMonth YearMonthOfDay(int64_t day_index) {
  const int64_t shifted = day_index + 719468;  // days since 0000-03-01
  const int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
  const int64_t day_of_era = shifted - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  return {.year = year_of_era + era * 400 + (month <= 2 ? 1 : 0), .month = month};
}

}  // namespace

int64_t PeriodIndexOf(v1::PeriodGranularity granularity, absl::Time t) {
  return PeriodOfDay(granularity, DayIndexAt(t));
}

int64_t DayIndexOf(absl::CivilDay day) { return day - kEpochDay; }

int64_t PeriodOfDay(v1::PeriodGranularity granularity, int64_t day_index) {
  switch (granularity) {
    case v1::PERIOD_GRANULARITY_DAY:
      return day_index;
    case v1::PERIOD_GRANULARITY_WEEK: {
      // 1970-01-01 was a Thursday (3 with Monday = 0).
      const int64_t weekday = ((day_index + 3) % 7 + 7) % 7;
      return day_index - weekday;
    }
    case v1::PERIOD_GRANULARITY_MONTH: {
      const YearMonth date = YearMonthOfDay(day_index);
      return date.year * 12 + date.month - 1;
    }
    case v1::PERIOD_GRANULARITY_QUARTER: {
      const YearMonth date = YearMonthOfDay(day_index);
      return date.year * 4 + (date.month - 1) / 3;
    }
    default:
      return YearMonthOfDay(day_index).year;
  }
}

namespace {

// The days [start, end) of (granularity, index).
struct CivilSpan {
  absl::CivilDay start;
  absl::CivilDay end;
};

CivilSpan SpanOf(v1::PeriodGranularity granularity, int64_t index) {
  switch (granularity) {
    case v1::PERIOD_GRANULARITY_DAY:
      return {kEpochDay + index, kEpochDay + index + 1};
    case v1::PERIOD_GRANULARITY_WEEK:  // the day number of its Monday
      return {kEpochDay + index, kEpochDay + index + 7};
    case v1::PERIOD_GRANULARITY_MONTH: {
      const absl::CivilMonth month(index / 12, index % 12 + 1);
      return {absl::CivilDay(month), absl::CivilDay(month + 1)};
    }
    case v1::PERIOD_GRANULARITY_QUARTER: {
      const absl::CivilMonth first(index / 4, (index % 4) * 3 + 1);
      return {absl::CivilDay(first), absl::CivilDay(first + 3)};
    }
    default:
      return {absl::CivilDay(absl::CivilYear(index)), absl::CivilDay(absl::CivilYear(index + 1))};
  }
}

}  // namespace

int64_t FirstDayOfPeriod(v1::PeriodGranularity granularity, int64_t index) {
  return SpanOf(granularity, index).start - kEpochDay;
}

int64_t LastDayOfPeriod(v1::PeriodGranularity granularity, int64_t index) {
  return SpanOf(granularity, index).end - kEpochDay - 1;
}

google::protobuf::Timestamp StartOfDay(int64_t day_index) {
  google::protobuf::Timestamp start;
  start.set_seconds(absl::ToUnixSeconds(StartOf(kEpochDay + day_index)));
  return start;
}

v1::Period DescribePeriod(v1::PeriodGranularity granularity, int64_t index) {
  const CivilSpan span = SpanOf(granularity, index);
  std::string key;
  switch (granularity) {
    case v1::PERIOD_GRANULARITY_DAY:
      key = absl::FormatCivilTime(span.start);
      break;
    case v1::PERIOD_GRANULARITY_WEEK: {
      const absl::CivilDay thursday =
          span.start + 3;  // ISO 8601: the week's year is its Thursday's
      key =
          absl::StrFormat("%04d-W%02d", thursday.year(), (absl::GetYearDay(thursday) - 1) / 7 + 1);
      break;
    }
    case v1::PERIOD_GRANULARITY_MONTH:
      key = absl::StrFormat("%04d-%02d", span.start.year(), span.start.month());
      break;
    case v1::PERIOD_GRANULARITY_QUARTER:
      key = absl::StrFormat("%04d-Q%d", span.start.year(), index % 4 + 1);
      break;
    default:
      key = absl::StrFormat("%04d", index);
      break;
  }
  v1::Period period;
  period.set_granularity(granularity);
  period.set_key(key);
  *period.mutable_start() = StartOfDay(span.start - kEpochDay);
  *period.mutable_end() = StartOfDay(span.end - kEpochDay);
  return period;
}

StoredPeriods StoredPeriodsOf(v1::PeriodGranularity granularity, int64_t period) {
  switch (granularity) {
    case v1::PERIOD_GRANULARITY_WEEK:  // the day number of its Monday
      return {v1::PERIOD_GRANULARITY_DAY, period, 7};
    case v1::PERIOD_GRANULARITY_QUARTER:  // year × 4 + quarter − 1
      return {v1::PERIOD_GRANULARITY_MONTH, period / 4 * 12 + period % 4 * 3, 3};
    default:  // DAY, MONTH and YEAR are stored
      return {granularity, period, 1};
  }
}

std::vector<StoredPeriods> StoredPeriodsOfDays(int64_t first_day, int64_t last_day) {
  std::vector<StoredPeriods> runs;
  const auto add_days = [&](int64_t first, int64_t last) {
    if (first <= last) {
      runs.push_back({v1::PERIOD_GRANULARITY_DAY, first, static_cast<int>(last - first + 1)});
    }
  };
  const absl::CivilDay first = kEpochDay + first_day;
  const absl::CivilDay last = kEpochDay + last_day;
  // The first whole month starts on the first day of a month at or after `first`; the last one
  // ends on the last day of a month at or before `last`.
  absl::CivilMonth first_month(first);
  if (absl::CivilDay(first_month) != first) ++first_month;
  absl::CivilMonth last_month(last);
  if (absl::CivilDay(last_month + 1) - 1 != last) --last_month;
  if (first_month > last_month) {
    add_days(first_day, last_day);
    return runs;
  }
  add_days(first_day, absl::CivilDay(first_month) - kEpochDay - 1);
  runs.push_back({v1::PERIOD_GRANULARITY_MONTH, first_month.year() * 12 + first_month.month() - 1,
                  static_cast<int>(last_month - first_month + 1)});
  add_days(absl::CivilDay(last_month + 1) - kEpochDay, last_day);
  return runs;
}

v1::Period DescribeDays(int64_t first_day, int64_t last_day, const std::string& relative) {
  v1::Period period;
  period.set_granularity(v1::PERIOD_GRANULARITY_DAY);
  period.set_key(absl::StrCat(absl::FormatCivilTime(kEpochDay + first_day), "..",
                              absl::FormatCivilTime(kEpochDay + last_day)));
  period.mutable_start()->set_seconds(absl::ToUnixSeconds(StartOf(kEpochDay + first_day)));
  period.mutable_end()->set_seconds(absl::ToUnixSeconds(StartOf(kEpochDay + last_day + 1)));
  period.set_relative(relative);
  return period;
}

int32_t CurrencyCode(absl::string_view currency) {
  if (currency.size() != 3) return -1;
  int32_t code = 0;
  for (char c : currency) {
    if (c < 'A' || c > 'Z') return -1;
    code = code * 26 + (c - 'A');
  }
  return code;
}

std::string CurrencyName(uint32_t code) {
  std::string name(3, 'A');
  for (int i = 2; i >= 0; --i) {
    name[i] = static_cast<char>('A' + code % 26);
    code /= 26;
  }
  return name;
}

absl::Status ValidatePeriodRequest(const PeriodRequest& request) {
  if (request.last_days < 0 || request.last_days > kMaxLastDays) {
    return InvalidField("last_days",
                        absl::StrCat("must be 1–", kMaxLastDays, " (0: not relative)"));
  }
  if (request.last_days > 0 && request.to_date) {
    return InvalidField("to_date", "not allowed with last_days");
  }
  const bool granularity_needed =
      request.last_days == 0 || request.granularity != v1::PERIOD_GRANULARITY_UNSPECIFIED;
  if (granularity_needed && (request.granularity == v1::PERIOD_GRANULARITY_UNSPECIFIED ||
                             !v1::PeriodGranularity_IsValid(request.granularity))) {
    return InvalidField("granularity", "required: DAY, WEEK, MONTH, QUARTER or YEAR");
  }
  if (request.period_at == nullptr) return InvalidField("period_at", "required");
  const google::protobuf::Timestamp& at = *request.period_at;
  if (at.seconds() < kMinSeconds || at.seconds() > kMaxSeconds || at.nanos() < 0 ||
      at.nanos() >= 1000000000) {
    return InvalidField("period_at", "not a valid timestamp");
  }
  return absl::OkStatus();
}

ResolvedPeriod ResolvePeriod(const PeriodRequest& request) {
  const int64_t today = DayOf(*request.period_at);
  if (request.last_days > 0) {
    return Days(today - request.last_days + 1, today,
                absl::StrCat("last ", request.last_days, " days"), v1::PERIOD_GRANULARITY_DAY);
  }
  ResolvedPeriod calendar = Calendar(
      request.granularity,
      PeriodIndexOf(request.granularity, absl::FromUnixSeconds(request.period_at->seconds())));
  if (!request.to_date) return calendar;
  return Days(calendar.first_day, today,
              absl::StrCat(kGranularityNames[request.granularity], " to date"),
              request.granularity);
}

ResolvedPeriod PreviousPeriod(const ResolvedPeriod& period) {
  if (!period.relative) {  // a WEEK's index is the day number of its Monday
    const int64_t step = period.granularity == v1::PERIOD_GRANULARITY_WEEK ? 7 : 1;
    return Calendar(period.granularity, period.index - step);
  }
  const int64_t days = period.last_day - period.first_day + 1;
  const std::string& relative = period.period.relative();
  if (period.granularity == v1::PERIOD_GRANULARITY_DAY) {  // last N days
    return Days(period.first_day - days, period.first_day - 1, relative, period.granularity);
  }
  // <period> to date: the same days of the period before.
  const ResolvedPeriod before =
      Calendar(period.granularity, PeriodOfDay(period.granularity, period.first_day) - 1);
  return Days(before.first_day, std::min(before.first_day + days - 1, before.last_day), relative,
              period.granularity);
}

std::vector<StoredPeriods> StoredRunsOf(const ResolvedPeriod& period) {
  if (period.relative) return StoredPeriodsOfDays(period.first_day, period.last_day);
  return {StoredPeriodsOf(period.granularity, period.index)};
}

void AppendPeriodKey(std::string& key, v1::PeriodGranularity granularity, int64_t period) {
  key.push_back(static_cast<char>(granularity));
  const uint64_t biased = static_cast<uint64_t>(period) ^ (uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(biased >> shift));
}

int64_t PeriodOfKey(absl::string_view key) {
  uint64_t biased = 0;
  for (size_t i = 1; i < kPeriodKeySize; ++i) {
    biased = (biased << 8) | static_cast<uint8_t>(key[i]);
  }
  return static_cast<int64_t>(biased ^ (uint64_t{1} << 63));
}

}  // namespace sales::periods
