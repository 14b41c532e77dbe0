#include "services/projections/performance/query/alerts.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/projection/counter_row.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/projections/performance/query/cell_reader.h"

namespace sales::performance {
namespace {

namespace incentives_v1 = ::sales::incentives::v1;
constexpr int kMonthsRead = 13;  // the last 12 months' runs, and the month before them

const uint32_t kRevenueTarget = Slot(SlotKind::kTarget, incentives_v1::METRIC_REVENUE);
const uint32_t kRevenueActual = Slot(SlotKind::kActual, incentives_v1::METRIC_REVENUE);

// What the alerts read of one scope value's month: revenue target and credited actual, booked
// revenue per currency — a few of its row's dozens of slots, kept without a map.
struct MonthFigures {
  int64_t target = 0;
  int64_t actual = 0;
  absl::InlinedVector<std::pair<uint32_t, int64_t>, 2> booked;  // currency code → minor units

  int64_t Booked(uint32_t currency) const {
    for (const auto& [code, amount] : booked) {
      if (code == currency) return amount;
    }
    return 0;
  }
};

// Adds a stored month row's slots that the alerts read (the cursor gives each slot once).
absl::Status AddAlertFigures(absl::string_view bytes, MonthFigures& month) {
  projection::CounterRowCursor cursor(bytes);
  while (cursor.Next()) {
    const uint32_t slot = cursor.slot();
    if (slot == kRevenueTarget) {
      month.target += cursor.value();
    } else if (slot == kRevenueActual) {
      month.actual += cursor.value();
    } else if (KindOf(slot) == SlotKind::kBooked) {
      month.booked.emplace_back(SubOf(slot), cursor.value());
    }
  }
  return cursor.status();
}

periods::ResolvedPeriod Month(int64_t index) {
  return {.period = periods::DescribePeriod(v1::PERIOD_GRANULARITY_MONTH, index),
          .granularity = v1::PERIOD_GRANULARITY_MONTH,
          .index = index};
}

// "rep", "product-line"; "organisation" for the whole.
std::string DimensionId(int dimension) {
  if (dimension == kAllDimension) return "organisation";
  std::string name =
      v1::PerformanceDimension_Name(dimension).substr(sizeof("PERFORMANCE_DIMENSION_") - 1);
  absl::AsciiStrToLower(&name);
  return absl::StrReplaceAll(name, {{"_", "-"}});
}

std::string ScopeName(int dimension, const std::string& value) {
  return dimension == kAllDimension ? "the organisation"
                                    : absl::StrCat(DimensionId(dimension), " ", value);
}

// The months of one scope value, oldest first: months[k] is month first + k.
struct ValueMonths {
  int64_t first = 0;
  const std::array<MonthFigures, kMonthsRead>* months = nullptr;
  const MonthFigures& at(int64_t month) const { return (*months)[month - first]; }
};

bool Missed(const MonthFigures& month) { return month.target > 0 && month.actual < month.target; }
bool Met(const MonthFigures& month) { return month.target > 0 && month.actual >= month.target; }

// Months in a row ending with `last` that missed their target.
int MissedRun(const ValueMonths& months, int64_t last) {
  int run = 0;
  while (last - run >= months.first && Missed(months.at(last - run))) ++run;
  return run;
}

struct AlertSpec {
  v1::AlertKind kind;
  int dimension;
  std::string value;
  int64_t raised_month;
  std::optional<int64_t> cleared_month;
};

v1::Alert NewAlert(const AlertSpec& spec) {
  v1::Alert alert;
  alert.set_kind(spec.kind);
  alert.set_state(spec.cleared_month ? v1::ALERT_STATE_CLEARED : v1::ALERT_STATE_ACTIVE);
  alert.set_dimension(static_cast<v1::PerformanceDimension>(spec.dimension));
  alert.set_value(spec.value);
  const v1::Period raised = Month(spec.raised_month).period;
  const std::string kind =
      spec.kind == v1::ALERT_KIND_ATTAINMENT_MISSED ? "attainment-missed" : "revenue-decline";
  alert.set_alert_id(
      absl::StrCat(kind, "/", DimensionId(spec.dimension), "/", spec.value, "/", raised.key()));
  *alert.mutable_raised_at() = raised.end();
  if (spec.cleared_month) *alert.mutable_cleared_at() = Month(*spec.cleared_month).period.end();
  return alert;
}

void AddAttainmentFigure(const ValueMonths& months, int64_t month, v1::Alert& alert) {
  const MonthFigures& figures = months.at(month);
  v1::AlertFigure& figure = *alert.add_figures();
  figure.set_period(Month(month).period.key());
  figure.set_actual(figures.actual);
  figure.set_target(figures.target);
  if (figure.target() > 0) {
    figure.set_percent(static_cast<double>(figure.actual()) / static_cast<double>(figure.target()) *
                       100);
  }
}

// ATTAINMENT_MISSED: active when the run ending with the last month is long enough; cleared when
// the last month met its target right after such a run.
void AttainmentAlerts(int dimension, const std::string& value, const ValueMonths& months,
                      int64_t last, int needed, std::vector<v1::Alert>& out) {
  int run = MissedRun(months, last);
  std::optional<int64_t> cleared;
  int64_t run_end = last;
  if (run < needed && Met(months.at(last))) {
    run = MissedRun(months, last - 1);
    run_end = last - 1;
    cleared = last;
  }
  if (run < needed) return;
  const int64_t start = run_end - run + 1;
  v1::Alert alert = NewAlert({.kind = v1::ALERT_KIND_ATTAINMENT_MISSED,
                              .dimension = dimension,
                              .value = value,
                              .raised_month = start + needed - 1,
                              .cleared_month = cleared});
  for (int64_t month = start; month <= (cleared ? *cleared : run_end); ++month) {
    AddAttainmentFigure(months, month, alert);
  }
  alert.set_summary(absl::StrCat(
      ScopeName(dimension, value), " missed its revenue target ", run, " months in a row (",
      Month(start).period.key(), " … ", Month(run_end).period.key(), ")",
      cleared ? absl::StrCat("; met it in ", Month(last).period.key()) : ""));
  out.push_back(std::move(alert));
}

// The change of booked revenue in `currency` from the month before `month`, in percent; nullopt
// when the month before booked nothing.
std::optional<double> Change(const ValueMonths& months, int64_t month, uint32_t currency) {
  const int64_t before = months.at(month - 1).Booked(currency);
  if (before <= 0) return std::nullopt;
  const int64_t now = months.at(month).Booked(currency);
  return static_cast<double>(now - before) / static_cast<double>(before) * 100;
}

// REVENUE_DECLINE per currency: active for a decline in the last month; cleared when the month
// before declined and the last did not.
void DeclineAlerts(int dimension, const std::string& value, const ValueMonths& months, int64_t last,
                   int threshold, std::vector<v1::Alert>& out) {
  std::set<uint32_t> currencies;
  for (int64_t month = last - 2; month <= last; ++month) {
    for (const auto& [currency, amount] : months.at(month).booked) currencies.insert(currency);
  }
  const auto declined = [&](int64_t month, uint32_t currency) {
    const std::optional<double> change = Change(months, month, currency);
    return change.has_value() && *change < -threshold;
  };
  for (const uint32_t currency : currencies) {
    std::optional<int64_t> cleared;
    int64_t month = last;
    if (!declined(last, currency)) {
      if (!declined(last - 1, currency)) continue;
      month = last - 1;
      cleared = last;
    }
    v1::Alert alert = NewAlert({.kind = v1::ALERT_KIND_REVENUE_DECLINE,
                                .dimension = dimension,
                                .value = value,
                                .raised_month = month,
                                .cleared_month = cleared});
    const std::string name = periods::CurrencyName(currency);
    absl::StrAppend(alert.mutable_alert_id(), "/", name);
    for (int64_t m = month - 1; m <= (cleared ? *cleared : month); ++m) {
      v1::AlertFigure& figure = *alert.add_figures();
      figure.set_period(Month(m).period.key());
      figure.set_currency(name);
      figure.set_actual(months.at(m).Booked(currency));
      if (const std::optional<double> change = Change(months, m, currency); change.has_value()) {
        figure.set_percent(*change);
      }
    }
    alert.set_summary(absl::StrFormat(
        "booked revenue of %s fell %.1f%% in %s against %s (%s)%s", ScopeName(dimension, value),
        -*Change(months, month, currency), Month(month).period.key(), Month(month - 1).period.key(),
        name, cleared ? absl::StrCat("; recovered in ", Month(last).period.key()) : ""));
    out.push_back(std::move(alert));
  }
}

// RECEIVABLES_OVERDUE per currency from the scope's stock row (now).
void OverdueAlerts(int dimension, const std::string& value, const Counters& stock,
                   std::vector<v1::Alert>& out) {
  const int64_t invoices = Get(stock, Slot(SlotKind::kOverdueInvoices));
  for (auto it = stock.lower_bound(Slot(SlotKind::kOverdueBalance));
       it != stock.end() && KindOf(it->first) == SlotKind::kOverdueBalance; ++it) {
    if (it->second <= 0) continue;
    const std::string currency = periods::CurrencyName(SubOf(it->first));
    v1::Alert alert;
    alert.set_alert_id(
        absl::StrCat("receivables-overdue/", DimensionId(dimension), "/", value, "/", currency));
    alert.set_kind(v1::ALERT_KIND_RECEIVABLES_OVERDUE);
    alert.set_state(v1::ALERT_STATE_ACTIVE);
    alert.set_dimension(static_cast<v1::PerformanceDimension>(dimension));
    alert.set_value(value);
    v1::AlertFigure& figure = *alert.add_figures();
    figure.set_actual(it->second);
    figure.set_currency(currency);
    figure.set_count(invoices);
    alert.set_summary(absl::StrFormat("%s: %d overdue invoice(s) still owe %.2f %s",
                                      ScopeName(dimension, value), invoices,
                                      static_cast<double>(it->second) / 100, currency));
    out.push_back(std::move(alert));
  }
}

// FOLLOW_UP_OVERDUE from the scope's stock row (now).
void FollowUpAlerts(int dimension, const std::string& value, const Counters& stock,
                    std::vector<v1::Alert>& out) {
  const int64_t overdue = Get(stock, Slot(SlotKind::kOverdueFollowUps));
  if (overdue <= 0) return;
  v1::Alert alert;
  alert.set_alert_id(absl::StrCat("follow-up-overdue/", DimensionId(dimension), "/", value));
  alert.set_kind(v1::ALERT_KIND_FOLLOW_UP_OVERDUE);
  alert.set_state(v1::ALERT_STATE_ACTIVE);
  alert.set_dimension(static_cast<v1::PerformanceDimension>(dimension));
  alert.set_value(value);
  alert.add_figures()->set_count(overdue);
  alert.set_summary(absl::StrFormat("%s: %d lead(s) overdue for follow-up",
                                    ScopeName(dimension, value), overdue));
  out.push_back(std::move(alert));
}

}  // namespace

absl::Status ValidateListAlertsRequest(const v1::ListAlertsRequest& request) {
  if (!v1::PerformanceDimension_IsValid(request.dimension())) {
    return InvalidField("dimension", "not a dimension: REP, TEAM, REGION, PRODUCT_LINE or CHANNEL");
  }
  if (request.has_as_of() && !IsValidTimestamp(request.as_of())) {
    return InvalidField("as_of", "not a valid timestamp");
  }
  if (request.missed_periods() != 0 &&
      (request.missed_periods() < 2 || request.missed_periods() > 12)) {
    return InvalidField("missed_periods", "must be 2–12 (0: 2)");
  }
  if (request.decline_percent() < 0 || request.decline_percent() > 100) {
    return InvalidField("decline_percent", "must be 1–100 (0: 15)");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::AlertList> ListAlerts(projection::ProjectionStore& store,
                                         const v1::ListAlertsRequest& request, absl::Time now) {
  RETURN_IF_ERROR(ValidateListAlertsRequest(request));
  const absl::Time as_of = request.has_as_of() ? FromTimestamp(request.as_of()) : now;
  const int needed =
      request.missed_periods() == 0 ? kDefaultMissedPeriods : request.missed_periods();
  const int threshold =
      request.decline_percent() == 0 ? kDefaultDeclinePercent : request.decline_percent();
  const int dimension = request.dimension();
  // The whole months that ended by as_of: the last kMonthsRead of them.
  const int64_t last = periods::PeriodIndexOf(v1::PERIOD_GRANULARITY_MONTH, as_of) - 1;
  const int64_t first = last - kMonthsRead + 1;
  // Every value's months, read with one prefix scan per month, keeping only the slots the alerts
  // read (a few of a row's dozens: no map of the others is built for 13 months of every rep).
  absl::flat_hash_map<std::string, std::array<MonthFigures, kMonthsRead>> by_value;
  for (int k = 0; k < kMonthsRead; ++k) {
    const std::string prefix = CellPrefix(v1::PERIOD_GRANULARITY_MONTH, first + k, dimension);
    absl::Status decoded;
    RETURN_IF_ERROR(projection::ScanCounterRows(
        store, prefix, [&](absl::string_view key, absl::string_view bytes) {
          const absl::string_view value = key.substr(prefix.size());
          auto found = by_value.find(value);
          if (found == by_value.end()) found = by_value.try_emplace(std::string(value)).first;
          decoded = AddAlertFigures(bytes, found->second[k]);
          return decoded.ok();
        }));
    RETURN_IF_ERROR(decoded);
  }
  // Receivables and follow-ups overdue now: the stock rows of the dimension.
  std::map<std::string, Counters> stock;
  absl::Status decoded;
  const std::string stock_prefix = StockPrefix(dimension);
  RETURN_IF_ERROR(projection::ScanCounterRows(
      store, stock_prefix, [&](absl::string_view key, absl::string_view bytes) {
        const std::string value(key.substr(stock_prefix.size()));
        decoded = AddRow(bytes, stock[value]);
        return decoded.ok();
      }));
  RETURN_IF_ERROR(decoded);
  std::vector<v1::Alert> alerts;
  for (const auto& [value, counters] : stock) {
    OverdueAlerts(dimension, value, counters, alerts);
    FollowUpAlerts(dimension, value, counters, alerts);
  }
  for (const auto& [value, figures] : by_value) {  // in no order: the alerts are sorted below
    const ValueMonths months{.first = first, .months = &figures};
    AttainmentAlerts(dimension, value, months, last, needed, alerts);
    DeclineAlerts(dimension, value, months, last, threshold, alerts);
  }
  std::sort(alerts.begin(), alerts.end(), [](const v1::Alert& a, const v1::Alert& b) {
    if (a.state() != b.state()) return a.state() < b.state();  // ACTIVE before CLEARED
    return a.alert_id() < b.alert_id();
  });
  v1::AlertList list;
  *list.mutable_as_of() = ToTimestamp(as_of);
  for (v1::Alert& alert : alerts) *list.add_alerts() = std::move(alert);
  return list;
}

}  // namespace sales::performance
