#include "services/projections/performance/query/forecast.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/money/rounding.h"
#include "common/projection/counter_row.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/projections/performance/model/keys.h"
#include "services/projections/performance/query/cell_reader.h"
#include "services/projections/performance/query/performance_query.h"
#include "services/projections/periods/periods.h"

namespace sales::performance {
namespace {

// One scope's cells (dimension, value).
class ScopeCells {
 public:
  ScopeCells(projection::ProjectionStore& store, int dimension, std::string value)
      : store_(store), dimension_(dimension), value_(std::move(value)) {}

  projection::ProjectionStore& store() const { return store_; }
  int dimension() const { return dimension_; }
  const std::string& value() const { return value_; }

  // Adds the cell of one stored period.
  absl::Status AddCell(v1::PeriodGranularity granularity, int64_t period, Counters& out) const {
    ASSIGN_OR_RETURN(const std::optional<std::string> row,
                     store_.Get(CellKey(granularity, period, dimension_, value_)));
    if (row.has_value()) RETURN_IF_ERROR(AddRow(*row, out));
    return absl::OkStatus();
  }
  // The day cells of the days [first, last] (none when first > last), in one read.
  absl::StatusOr<std::vector<Counters>> DayCells(int64_t first, int64_t last) const {
    std::vector<std::string> keys;
    for (int64_t day = first; day <= last; ++day) {
      keys.push_back(CellKey(v1::PERIOD_GRANULARITY_DAY, day, dimension_, value_));
    }
    ASSIGN_OR_RETURN(const std::vector<std::optional<std::string>> rows, store_.MultiGet(keys));
    std::vector<Counters> days(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].has_value()) RETURN_IF_ERROR(AddRow(*rows[i], days[i]));
    }
    return days;
  }
  // Adds the days [first, last] (none when first > last): their day and month cells.
  absl::Status AddDays(int64_t first, int64_t last, Counters& out) const {
    if (first > last) return absl::OkStatus();
    for (const periods::StoredPeriods& run : periods::StoredPeriodsOfDays(first, last)) {
      for (int64_t p = run.first; p < run.first + run.count; ++p) {
        RETURN_IF_ERROR(AddCell(run.granularity, p, out));
      }
    }
    return absl::OkStatus();
  }
  // Adds every day before `day`: the year cells of the years before its year (from the first year
  // the read model has a cell of), then the days of its year before it.
  absl::Status AddBefore(int64_t day, Counters& out) const {
    const int64_t year = periods::PeriodOfDay(v1::PERIOD_GRANULARITY_YEAR, day);
    const std::string prefix = GranularityPrefix(v1::PERIOD_GRANULARITY_YEAR);
    std::optional<int64_t> first_year;
    RETURN_IF_ERROR(store_.Scan(prefix, [&](absl::string_view key, absl::string_view) {
      first_year = periods::PeriodOfKey(key.substr(1));
      return false;  // the first key is the earliest year
    }));
    for (int64_t y = first_year.value_or(year); y < year; ++y) {
      RETURN_IF_ERROR(AddCell(v1::PERIOD_GRANULARITY_YEAR, y, out));
    }
    return AddDays(periods::FirstDayOfPeriod(v1::PERIOD_GRANULARITY_YEAR, year), day - 1, out);
  }

 private:
  projection::ProjectionStore& store_;
  const int dimension_;
  const std::string value_;
};

void Add(const Counters& from, int64_t sign, Counters& to) {
  for (const auto& [slot, value] : from) to[slot] += sign * value;
}

// A calendar period as days.
struct PeriodDays {
  v1::PeriodGranularity granularity = v1::PERIOD_GRANULARITY_UNSPECIFIED;
  v1::Period period;
  int64_t first = 0;  // DAY indexes, inclusive
  int64_t last = 0;
};

PeriodDays DaysOf(v1::PeriodGranularity granularity, absl::Time at) {
  const google::protobuf::Timestamp ts = ToTimestamp(at);
  const periods::ResolvedPeriod resolved =
      periods::ResolvePeriod({.granularity = granularity, .period_at = &ts});
  return {granularity, resolved.period, resolved.first_day, resolved.last_day};
}

// One scope's pipeline flows of the deals expected to close within a period (its dated flow row,
// keys.h), added day by day as a snapshot's cut moves on.
class DatedFlows {
 public:
  static absl::StatusOr<DatedFlows> Of(const ScopeCells& cells, const PeriodDays& period) {
    DatedFlows flows;
    ASSIGN_OR_RETURN(const std::optional<std::string> row,
                     cells.store().Get(DatedFlowKey(
                         period.granularity, periods::PeriodOfDay(period.granularity, period.first),
                         cells.dimension(), cells.value())));
    if (!row.has_value()) return flows;
    projection::CounterRowCursor cursor(*row);
    while (cursor.Next()) {
      const DatedFlow flow = DatedFlowOf(cursor.slot());
      flows.flows_.push_back(
          {period.first + flow.days_after_first, flow.pipeline_slot, cursor.value()});
    }
    RETURN_IF_ERROR(cursor.status());
    return flows;
  }

  // Adds the flows of the days before `cut` that were not added yet (cuts never move back).
  void AddBefore(int64_t cut, Counters& out) {
    for (; next_ < flows_.size() && flows_[next_].day < cut; ++next_) {
      out[flows_[next_].pipeline_slot] += flows_[next_].value;
    }
  }

 private:
  struct Flow {
    int64_t day;
    uint32_t pipeline_slot;
    int64_t value;
  };
  std::vector<Flow> flows_;  // by day, as the row holds them
  size_t next_ = 0;
};

// Day cells read ahead for a run of Advance calls: the days [first, first + size).
struct DaysAhead {
  int64_t first = 0;
  std::vector<Counters> days;

  const Counters* Of(int64_t day) const {
    if (day < first || day - first >= static_cast<int64_t>(days.size())) return nullptr;
    return &days[day - first];
  }
};

// What a snapshot at cut day `cut` adds up (performance.proto, "Forecast"): the pipeline flows of
// every day before it (of the undated deals and of those dated within the period), the bookings
// of the period's days before it, the run-rate bookings of the 28 days before it. Advance moves
// the cut one day on.
class SnapshotSums {
 public:
  // The sums at `cut`, read directly. `cut` ≤ period.last + 1: a dated flow row holds no change
  // made after its period (keys.h), so no snapshot is taken after the period's end. Every caller
  // keeps to it: GetForecast's cuts end at the period's last day or at tonight while it is open,
  // GetForecastAccuracy's day is within the period.
  static absl::StatusOr<SnapshotSums> At(const ScopeCells& cells, const PeriodDays& period,
                                         int64_t cut) {
    ASSIGN_OR_RETURN(DatedFlows dated_flows, DatedFlows::Of(cells, period));
    SnapshotSums sums(cells, std::move(dated_flows), period, cut);
    RETURN_IF_ERROR(cells.AddBefore(cut, sums.before_cut_));
    sums.dated_flows_.AddBefore(cut, sums.before_cut_);
    RETURN_IF_ERROR(cells.AddDays(period.first, std::min(cut, period.last + 1) - 1, sums.booked_));
    RETURN_IF_ERROR(cells.AddDays(cut - kRunRateDays, cut - 1, sums.run_window_));
    return sums;
  }

  // The cut moves to the next day: day `cut` joins, day `cut − 28` leaves the run-rate window
  // (their cells from `ahead` when it holds them).
  absl::Status Advance(const DaysAhead& ahead) {
    // A day's cell from `ahead`, else read into `read`.
    const auto day_cell = [&](int64_t day, Counters& read) -> absl::StatusOr<const Counters*> {
      if (const Counters* cell = ahead.Of(day)) return cell;
      RETURN_IF_ERROR(cells_.AddCell(v1::PERIOD_GRANULARITY_DAY, day, read));
      return &read;
    };
    Counters joining_read;
    Counters leaving_read;
    ASSIGN_OR_RETURN(const Counters* joining, day_cell(cut_, joining_read));
    ASSIGN_OR_RETURN(const Counters* leaving, day_cell(cut_ - kRunRateDays, leaving_read));
    Add(*joining, 1, before_cut_);
    if (cut_ >= period_.first && cut_ <= period_.last) Add(*joining, 1, booked_);
    Add(*joining, 1, run_window_);
    Add(*leaving, -1, run_window_);
    ++cut_;
    dated_flows_.AddBefore(cut_, before_cut_);
    return absl::OkStatus();
  }

  int64_t cut() const { return cut_; }

  // The snapshot at the cut; with `actual` (the period's booked revenue per currency) once the
  // period has closed.
  v1::ForecastSnapshot Snapshot(const std::map<uint32_t, int64_t>* actual) const {
    v1::ForecastSnapshot snapshot;
    *snapshot.mutable_taken_at() = periods::StartOfDay(cut_);
    const int64_t remaining =
        std::max<int64_t>(0, period_.last + 1 - std::max(cut_, period_.first));
    snapshot.set_remaining_days(static_cast<int32_t>(remaining));
    std::set<uint32_t> currencies;
    const auto collect = [&](const Counters& counters, std::initializer_list<SlotKind> kinds) {
      for (const auto& [slot, value] : counters) {
        for (const SlotKind kind : kinds) {
          if (KindOf(slot) == kind && value != 0) currencies.insert(SubOf(slot));
        }
      }
    };
    collect(booked_, {SlotKind::kBooked});
    collect(run_window_, {SlotKind::kRunRateBooked});
    collect(before_cut_, {SlotKind::kPipelineConservative, SlotKind::kPipelineBase,
                          SlotKind::kPipelineOptimistic});
    if (actual != nullptr) {
      for (const auto& [currency, value] : *actual) {
        if (value != 0) currencies.insert(currency);
      }
    }
    // Sorted by code: the code of a currency orders like its letters.
    for (const uint32_t currency : currencies) {
      v1::ForecastAmounts& amounts = *snapshot.add_amounts();
      amounts.set_currency(periods::CurrencyName(currency));
      amounts.set_booked(Get(booked_, Slot(SlotKind::kBooked, currency)));
      amounts.set_run_rate_28_days(Get(run_window_, Slot(SlotKind::kRunRateBooked, currency)));
      amounts.set_run_rate_remainder(money::DivideHalfEven(
          static_cast<__int128>(amounts.run_rate_28_days()) * remaining, kRunRateDays));
      const auto pipeline = [&](SlotKind kind) {
        return money::DivideHalfEven(Get(before_cut_, Slot(kind, currency)), 100);
      };
      amounts.set_pipeline_conservative(pipeline(SlotKind::kPipelineConservative));
      amounts.set_pipeline_base(pipeline(SlotKind::kPipelineBase));
      amounts.set_pipeline_optimistic(pipeline(SlotKind::kPipelineOptimistic));
      const int64_t known = amounts.booked() + amounts.run_rate_remainder();
      amounts.set_conservative(known + amounts.pipeline_conservative());
      amounts.set_base(known + amounts.pipeline_base());
      amounts.set_optimistic(known + amounts.pipeline_optimistic());
      if (actual != nullptr) {
        const auto found = actual->find(currency);
        amounts.set_actual(found == actual->end() ? 0 : found->second);
      }
    }
    return snapshot;
  }

 private:
  SnapshotSums(const ScopeCells& cells, DatedFlows dated_flows, const PeriodDays& period,
               int64_t cut)
      : cells_(cells), dated_flows_(std::move(dated_flows)), period_(period), cut_(cut) {}

  const ScopeCells& cells_;
  DatedFlows dated_flows_;  // of the deals expected to close within the period
  PeriodDays period_;
  int64_t cut_;
  Counters before_cut_;  // every day before the cut (the pipeline; dated flows add theirs)
  Counters booked_;      // the period's days before the cut
  Counters run_window_;  // the 28 days before the cut
};

using PerCurrency = std::map<uint32_t, int64_t>;  // currency code → minor units

// Booked revenue per currency of the whole period.
absl::StatusOr<PerCurrency> ActualOf(const ScopeCells& cells, v1::PeriodGranularity granularity,
                                     const PeriodDays& period) {
  Counters counters;
  RETURN_IF_ERROR(cells.AddCell(
      granularity, periods::PeriodIndexOf(granularity, FromTimestamp(period.period.start())),
      counters));
  PerCurrency actual;
  for (const auto& [slot, value] : counters) {
    if (KindOf(slot) == SlotKind::kBooked) actual[SubOf(slot)] = value;
  }
  return actual;
}

absl::Status ValidateForecastGranularity(v1::PeriodGranularity granularity) {
  if (granularity != v1::PERIOD_GRANULARITY_WEEK && granularity != v1::PERIOD_GRANULARITY_MONTH &&
      granularity != v1::PERIOD_GRANULARITY_QUARTER && granularity != v1::PERIOD_GRANULARITY_YEAR) {
    return InvalidField("granularity", "required: WEEK, MONTH, QUARTER or YEAR");
  }
  return absl::OkStatus();
}

absl::Status ValidateAsOf(const v1::PerformanceFilter* filter,
                          const google::protobuf::Timestamp* as_of) {
  if (filter != nullptr) RETURN_IF_ERROR(ValidatePerformanceFilter(*filter));
  if (as_of != nullptr && !IsValidTimestamp(*as_of)) {
    return InvalidField("as_of", "not a valid timestamp");
  }
  return absl::OkStatus();
}

int ShortestDays(v1::PeriodGranularity granularity) {
  switch (granularity) {
    case v1::PERIOD_GRANULARITY_WEEK:
      return 7;
    case v1::PERIOD_GRANULARITY_MONTH:
      return 28;
    case v1::PERIOD_GRANULARITY_QUARTER:
      return 90;
    default:
      return 365;
  }
}

template <typename Request>
ScopeCells ScopeOf(projection::ProjectionStore& store, const Request& request) {
  if (!request.has_filter()) return ScopeCells(store, kAllDimension, "");
  return ScopeCells(store, request.filter().dimension(), request.filter().value());
}

}  // namespace

absl::Status ValidateGetForecastRequest(const v1::GetForecastRequest& request) {
  RETURN_IF_ERROR(ValidateForecastGranularity(request.granularity()));
  if (request.has_period_at() && !IsValidTimestamp(request.period_at())) {
    return InvalidField("period_at", "not a valid timestamp");
  }
  return ValidateAsOf(request.has_filter() ? &request.filter() : nullptr,
                      request.has_as_of() ? &request.as_of() : nullptr);
}

absl::Status ValidateGetForecastAccuracyRequest(const v1::GetForecastAccuracyRequest& request) {
  RETURN_IF_ERROR(ValidateForecastGranularity(request.granularity()));
  if (request.periods() < 0 || request.periods() > kMaxAccuracyPeriods) {
    return InvalidField("periods", "must be 1–24 (0: 3)");
  }
  const int shortest = ShortestDays(request.granularity());
  if (request.snapshot_day() < 0 || request.snapshot_day() >= shortest) {
    return InvalidField("snapshot_day",
                        absl::StrCat("must be 0–", shortest - 1, " for ",
                                     v1::PeriodGranularity_Name(request.granularity())));
  }
  return ValidateAsOf(request.has_filter() ? &request.filter() : nullptr,
                      request.has_as_of() ? &request.as_of() : nullptr);
}

absl::StatusOr<v1::ForecastReport> GetForecast(projection::ProjectionStore& store,
                                               const v1::GetForecastRequest& request,
                                               absl::Time now) {
  RETURN_IF_ERROR(ValidateGetForecastRequest(request));
  const absl::Time as_of = request.has_as_of() ? FromTimestamp(request.as_of()) : now;
  const PeriodDays period = DaysOf(
      request.granularity(), request.has_period_at() ? FromTimestamp(request.period_at()) : as_of);
  const ScopeCells cells = ScopeOf(store, request);
  const int64_t today = periods::PeriodIndexOf(v1::PERIOD_GRANULARITY_DAY, as_of);
  const bool closed = today > period.last;

  v1::ForecastReport report;
  *report.mutable_period() = period.period;
  report.set_dimension(static_cast<v1::PerformanceDimension>(cells.dimension()));
  report.set_value(cells.value());
  *report.mutable_as_of() = ToTimestamp(as_of);
  report.set_closed(closed);
  PerCurrency actual;
  if (closed) {
    ASSIGN_OR_RETURN(actual, ActualOf(cells, request.granularity(), period));
  }
  // Midnight snapshots of the days begun by as_of, then (while open) the next midnight's.
  const int64_t last_cut = std::min(today, period.last);
  const int64_t first_cut = std::min(period.first, today + 1);
  ASSIGN_OR_RETURN(SnapshotSums sums, SnapshotSums::At(cells, period, first_cut));
  // The cut advances to `final_cut`: every day cell that reads is read ahead at once.
  const int64_t final_cut = closed ? last_cut + 1 : today + 1;
  DaysAhead ahead{.first = first_cut - kRunRateDays};
  if (final_cut > first_cut) {
    ASSIGN_OR_RETURN(ahead.days, cells.DayCells(ahead.first, final_cut - 1));
  }
  while (sums.cut() <= last_cut) {
    if (sums.cut() >= period.first) {
      *report.add_snapshots() = sums.Snapshot(closed ? &actual : nullptr);
    }
    RETURN_IF_ERROR(sums.Advance(ahead));
  }
  if (!closed) {
    while (sums.cut() < final_cut) RETURN_IF_ERROR(sums.Advance(ahead));
    *report.mutable_current() = sums.Snapshot(nullptr);
  }
  return report;
}

absl::StatusOr<v1::ForecastAccuracyReport> GetForecastAccuracy(
    projection::ProjectionStore& store, const v1::GetForecastAccuracyRequest& request,
    absl::Time now) {
  RETURN_IF_ERROR(ValidateGetForecastAccuracyRequest(request));
  const absl::Time as_of = request.has_as_of() ? FromTimestamp(request.as_of()) : now;
  const int count = request.periods() == 0 ? kDefaultAccuracyPeriods : request.periods();
  const ScopeCells cells = ScopeOf(store, request);

  // The last `count` closed periods, oldest first.
  std::vector<PeriodDays> closed;
  PeriodDays period = DaysOf(request.granularity(), as_of);
  for (int i = 0; i < count; ++i) {
    period = DaysOf(request.granularity(), FromTimestamp(period.period.start()) - absl::Seconds(1));
    closed.insert(closed.begin(), period);
  }
  v1::ForecastAccuracyReport report;
  report.set_granularity(request.granularity());
  report.set_dimension(static_cast<v1::PerformanceDimension>(cells.dimension()));
  report.set_value(cells.value());
  report.set_snapshot_day(request.snapshot_day());
  // Per currency: every period's snapshot (absent: nothing to forecast nor book).
  std::map<std::string, std::vector<std::optional<v1::ForecastAmounts>>> by_currency;
  for (size_t i = 0; i < closed.size(); ++i) {
    *report.add_periods() = closed[i].period;
    ASSIGN_OR_RETURN(const PerCurrency actual, ActualOf(cells, request.granularity(), closed[i]));
    ASSIGN_OR_RETURN(const SnapshotSums sums,
                     SnapshotSums::At(cells, closed[i], closed[i].first + request.snapshot_day()));
    const v1::ForecastSnapshot snapshot = sums.Snapshot(&actual);
    for (const v1::ForecastAmounts& amounts : snapshot.amounts()) {
      auto& series = by_currency[amounts.currency()];
      series.resize(closed.size());
      series[i] = amounts;
    }
  }
  static constexpr v1::ForecastScenario kScenarios[] = {v1::FORECAST_SCENARIO_CONSERVATIVE,
                                                        v1::FORECAST_SCENARIO_BASE,
                                                        v1::FORECAST_SCENARIO_OPTIMISTIC};
  for (const auto& [currency, series] : by_currency) {
    v1::CurrencyAccuracy& accuracy = *report.add_currencies();
    accuracy.set_currency(currency);
    for (const v1::ForecastScenario scenario : kScenarios) {
      v1::ScenarioAccuracy& scored = *accuracy.add_scenarios();
      scored.set_scenario(scenario);
      double absolute_percent_sum = 0;
      double squared_sum = 0;
      int included = 0;
      for (size_t i = 0; i < closed.size(); ++i) {
        const v1::ForecastAmounts none;
        const v1::ForecastAmounts& amounts = series[i].has_value() ? *series[i] : none;
        const int64_t forecast = scenario == v1::FORECAST_SCENARIO_CONSERVATIVE
                                     ? amounts.conservative()
                                 : scenario == v1::FORECAST_SCENARIO_BASE ? amounts.base()
                                                                          : amounts.optimistic();
        v1::ForecastError& error = *scored.add_periods();
        error.set_period(closed[i].period.key());
        error.set_actual(amounts.actual());
        error.set_forecast(forecast);
        error.set_error(amounts.actual() - forecast);
        squared_sum += static_cast<double>(error.error()) * static_cast<double>(error.error());
        if (amounts.actual() == 0) {
          error.set_excluded(true);
          scored.set_excluded_periods(scored.excluded_periods() + 1);
          continue;
        }
        const double percent =
            static_cast<double>(error.error()) / static_cast<double>(amounts.actual()) * 100;
        error.set_percent_error(percent);
        absolute_percent_sum += std::abs(percent);
        ++included;
      }
      if (included > 0) scored.set_mape_percent(absolute_percent_sum / included);
      scored.set_rmse(std::sqrt(squared_sum / static_cast<double>(closed.size())));
    }
  }
  return report;
}

}  // namespace sales::performance
