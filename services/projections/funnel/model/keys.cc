#include "services/projections/funnel/model/keys.h"

#include <cmath>

#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace sales::funnel {
namespace {

constexpr absl::CivilDay kEpochDay(1970, 1, 1);

void AppendPeriod(std::string& key, v1::PeriodGranularity granularity, int64_t period) {
  key.push_back(static_cast<char>(granularity));
  // Biased big-endian: byte order = numeric order, negative ordinals included.
  const uint64_t biased = static_cast<uint64_t>(period) ^ (uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(biased >> shift));
}

absl::Time StartOf(absl::CivilDay day) { return absl::FromCivil(day, BusinessTimeZone()); }

}  // namespace

bool IsConversionPair(int from_node, int to_node) {
  const bool from_stage = from_node < kWonNode;  // captured … opportunity
  const bool to_stage = to_node <= kWonNode;     // nurturing … won
  if (from_stage) return to_stage && to_node > from_node;
  if (from_node < kFirstStepNode || from_node >= kNodeCount) return false;
  return to_node == kWonNode || (to_node > from_node && to_node < kNodeCount);
}

int64_t PeriodIndexOf(v1::PeriodGranularity granularity, absl::Time t) {
  const absl::CivilDay day(absl::ToCivilSecond(t, BusinessTimeZone()));
  return PeriodOfDay(granularity, day - kEpochDay);
}

int64_t PeriodOfDay(v1::PeriodGranularity granularity, int64_t day_index) {
  const absl::CivilDay day = kEpochDay + day_index;
  switch (granularity) {
    case v1::PERIOD_GRANULARITY_DAY:
      return day_index;
    case v1::PERIOD_GRANULARITY_WEEK:
      return day_index - static_cast<int>(absl::GetWeekday(day));  // Monday = 0
    case v1::PERIOD_GRANULARITY_MONTH:
      return day.year() * 12 + day.month() - 1;
    case v1::PERIOD_GRANULARITY_QUARTER:
      return day.year() * 4 + (day.month() - 1) / 3;
    default:
      return day.year();
  }
}

v1::Period DescribePeriod(v1::PeriodGranularity granularity, int64_t index) {
  absl::CivilDay start;
  absl::CivilDay end;
  std::string key;
  switch (granularity) {
    case v1::PERIOD_GRANULARITY_DAY:
      start = kEpochDay + index;
      end = start + 1;
      key = absl::FormatCivilTime(start);
      break;
    case v1::PERIOD_GRANULARITY_WEEK: {
      start = kEpochDay + index;
      end = start + 7;
      const absl::CivilDay thursday = start + 3;  // ISO 8601: the week's year is its Thursday's
      key =
          absl::StrFormat("%04d-W%02d", thursday.year(), (absl::GetYearDay(thursday) - 1) / 7 + 1);
      break;
    }
    case v1::PERIOD_GRANULARITY_MONTH: {
      const absl::CivilMonth month(index / 12, index % 12 + 1);
      start = absl::CivilDay(month);
      end = absl::CivilDay(month + 1);
      key = absl::StrFormat("%04d-%02d", month.year(), month.month());
      break;
    }
    case v1::PERIOD_GRANULARITY_QUARTER: {
      const absl::CivilMonth first(index / 4, (index % 4) * 3 + 1);
      start = absl::CivilDay(first);
      end = absl::CivilDay(first + 3);
      key = absl::StrFormat("%04d-Q%d", first.year(), index % 4 + 1);
      break;
    }
    default:
      start = absl::CivilDay(absl::CivilYear(index));
      end = absl::CivilDay(absl::CivilYear(index + 1));
      key = absl::StrFormat("%04d", index);
      break;
  }
  v1::Period period;
  period.set_granularity(granularity);
  period.set_key(key);
  period.mutable_start()->set_seconds(absl::ToUnixSeconds(StartOf(start)));
  period.mutable_end()->set_seconds(absl::ToUnixSeconds(StartOf(end)));
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

int HistogramBin(int64_t seconds) {
  if (seconds < 8) return seconds < 0 ? 0 : static_cast<int>(seconds);
  const int exponent = 63 - absl::countl_zero(static_cast<uint64_t>(seconds));  // ≥ 3
  const int sub = static_cast<int>((seconds >> (exponent - 3)) & 7);
  return 8 + (exponent - 3) * 8 + sub;
}

double HistogramBinMiddle(int bin) {
  if (bin < 8) return bin;
  const int exponent = (bin - 8) / 8 + 3;
  // In double: the top bins' bounds (up to 15 × 2^59 s) do not fit an int64 (UBSan found it).
  const double width = std::ldexp(1.0, exponent - 3);
  const double lower = (8 + (bin - 8) % 8) * width;
  return lower + (width - 1) / 2;  // integer seconds
}

std::string LeadKey(absl::string_view stream_id) {
  std::string key = "L";
  key.append(stream_id.data(), stream_id.size());
  return key;
}

void BuildCellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                  absl::string_view value, std::string& out) {
  out.clear();
  out.push_back('C');
  AppendPeriod(out, granularity, period);
  out.push_back(static_cast<char>(dimension));
  out.append(value.data(), value.size());
}

std::string CellPrefix(v1::PeriodGranularity granularity, int64_t period, int dimension) {
  std::string key;
  BuildCellKey(granularity, period, dimension, "", key);
  return key;
}

std::string CellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                    absl::string_view value) {
  std::string key;
  BuildCellKey(granularity, period, dimension, value, key);
  return key;
}

std::string StockPrefix(int dimension) {
  std::string key = "O";
  key.push_back(static_cast<char>(dimension));
  return key;
}

std::string StockKey(int dimension, absl::string_view value) {
  std::string key = StockPrefix(dimension);
  key.append(value.data(), value.size());
  return key;
}

}  // namespace sales::funnel
