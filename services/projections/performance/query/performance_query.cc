#include "services/projections/performance/query/performance_query.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/projection/counter_row.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/validation/field_validation.h"
#include "services/projections/performance/model/keys.h"
#include "services/projections/performance/query/alerts.h"
#include "services/projections/performance/query/cell_reader.h"
#include "services/projections/performance/query/forecast.h"
#include "services/projections/periods/periods.h"

namespace sales::performance {
namespace {

namespace incentives_v1 = ::sales::incentives::v1;

bool IsDimension(int dimension) {
  return dimension != v1::PERFORMANCE_DIMENSION_UNSPECIFIED &&
         v1::PerformanceDimension_IsValid(dimension);
}

// The subs (currencies, metrics) of `kind` present in either period.
std::set<uint32_t> SubsOf(const Counters& current, const Counters& previous, SlotKind kind) {
  std::set<uint32_t> subs;
  for (const Counters* counters : {&current, &previous}) {
    for (auto it = counters->lower_bound(Slot(kind));
         it != counters->end() && KindOf(it->first) == kind; ++it) {
      subs.insert(SubOf(it->first));
    }
  }
  return subs;
}

std::optional<double> ChangePercent(std::optional<double> value, std::optional<double> previous) {
  if (!value.has_value() || !previous.has_value() || *previous == 0) return std::nullopt;
  return (*value - *previous) / std::abs(*previous) * 100;
}

void SetFigure(int64_t value, int64_t previous, v1::Figure& figure) {
  figure.set_value(value);
  figure.set_previous(previous);
  const std::optional<double> change =
      ChangePercent(static_cast<double>(value), static_cast<double>(previous));
  if (change.has_value()) figure.set_change_percent(*change);
}

void SetRate(std::optional<double> value, std::optional<double> previous, v1::RateFigure& rate) {
  if (value.has_value()) rate.set_value(*value);
  if (previous.has_value()) rate.set_previous(*previous);
  const std::optional<double> change = ChangePercent(value, previous);
  if (change.has_value()) rate.set_change_percent(*change);
}

std::optional<double> Ratio(int64_t numerator, int64_t denominator, double scale) {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator) * scale;
}

void AddMoney(const Counters& current, const Counters& previous, SlotKind kind,
              google::protobuf::RepeatedPtrField<v1::MoneyFigure>& out) {
  for (const uint32_t currency : SubsOf(current, previous, kind)) {
    v1::MoneyFigure& figure = *out.Add();
    figure.set_currency(periods::CurrencyName(currency));
    SetFigure(Get(current, Slot(kind, currency)), Get(previous, Slot(kind, currency)),
              *figure.mutable_amount());
  }
}

void BuildRow(int dimension, const std::string& value, const Counters& current,
              const Counters& previous, v1::PerformanceRow& row) {
  row.set_dimension(static_cast<v1::PerformanceDimension>(dimension));
  row.set_value(value);
  AddMoney(current, previous, SlotKind::kBooked, *row.mutable_booked_revenue());
  AddMoney(current, previous, SlotKind::kInvoiced, *row.mutable_invoiced_revenue());
  AddMoney(current, previous, SlotKind::kCollected, *row.mutable_collected_revenue());
  SetFigure(SumOf(current, SlotKind::kOrders), SumOf(previous, SlotKind::kOrders),
            *row.mutable_orders());
  for (const uint32_t currency : SubsOf(current, previous, SlotKind::kBooked)) {
    const uint32_t booked = Slot(SlotKind::kBooked, currency);
    const uint32_t orders = Slot(SlotKind::kOrders, currency);
    v1::MoneyRateFigure& average = *row.add_average_order_value();
    average.set_currency(periods::CurrencyName(currency));
    SetRate(Ratio(Get(current, booked), Get(current, orders), 1),
            Ratio(Get(previous, booked), Get(previous, orders), 1), *average.mutable_amount());
  }
  const auto figure = [&](SlotKind kind, v1::Figure& out) {
    SetFigure(Get(current, Slot(kind)), Get(previous, Slot(kind)), out);
  };
  figure(SlotKind::kNewCustomers, *row.mutable_new_customers());
  figure(SlotKind::kBuyers, *row.mutable_buying_customers());
  figure(SlotKind::kRepeatBuyers, *row.mutable_repeat_customers());
  SetRate(Ratio(Get(current, Slot(SlotKind::kRepeatBuyers)), Get(current, Slot(SlotKind::kBuyers)),
                100),
          Ratio(Get(previous, Slot(SlotKind::kRepeatBuyers)),
                Get(previous, Slot(SlotKind::kBuyers)), 100),
          *row.mutable_repeat_purchase_rate());
  std::set<uint32_t> metrics = SubsOf(current, previous, SlotKind::kTarget);
  metrics.merge(SubsOf(current, previous, SlotKind::kActual));
  for (const uint32_t metric : metrics) {
    const uint32_t target = Slot(SlotKind::kTarget, metric);
    const uint32_t actual = Slot(SlotKind::kActual, metric);
    v1::MetricAttainment& attainment = *row.add_attainment();
    attainment.set_metric(static_cast<incentives_v1::Metric>(metric));
    SetFigure(Get(current, target), Get(previous, target), *attainment.mutable_target());
    SetFigure(Get(current, actual), Get(previous, actual), *attainment.mutable_actual());
    SetRate(Ratio(Get(current, actual), Get(current, target), 100),
            Ratio(Get(previous, actual), Get(previous, target), 100),
            *attainment.mutable_attainment_percent());
  }
  AddMoney(current, previous, SlotKind::kCommission, *row.mutable_commission_earned());
}

}  // namespace

absl::Status ValidatePerformanceFilter(const v1::PerformanceFilter& filter) {
  if (!IsDimension(filter.dimension())) {
    return InvalidField("filter.dimension", "required: REP, TEAM, REGION, PRODUCT_LINE or CHANNEL");
  }
  return ValidateId("filter.value", filter.value());
}

absl::Status ValidateGetPerformanceRequest(const v1::GetPerformanceRequest& request) {
  RETURN_IF_ERROR(periods::ValidatePeriodRequest(periods::PeriodRequestOf(request)));
  if (request.has_filter()) {
    if (request.group_by() != v1::PERFORMANCE_DIMENSION_UNSPECIFIED) {
      return InvalidField("group_by", "not allowed with filter");
    }
    RETURN_IF_ERROR(ValidatePerformanceFilter(request.filter()));
  }
  if (request.group_by() != v1::PERFORMANCE_DIMENSION_UNSPECIFIED &&
      !IsDimension(request.group_by())) {
    return InvalidField("group_by", "not a dimension: REP, TEAM, REGION, PRODUCT_LINE or CHANNEL");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::PerformanceReport> PerformanceQuery::GetPerformance(
    const v1::GetPerformanceRequest& request) const {
  RETURN_IF_ERROR(ValidateGetPerformanceRequest(request));
  const periods::ResolvedPeriod period = periods::ResolvePeriod(periods::PeriodRequestOf(request));
  const periods::ResolvedPeriod before = periods::PreviousPeriod(period);
  int dimension = kAllDimension;
  std::optional<std::string> value = "";
  if (request.has_filter()) {
    dimension = request.filter().dimension();
    value = request.filter().value();
  } else if (request.group_by() != v1::PERFORMANCE_DIMENSION_UNSPECIFIED) {
    dimension = request.group_by();
    value = std::nullopt;
  }
  std::map<std::string, Counters> current;
  std::map<std::string, Counters> previous;
  RETURN_IF_ERROR(ReadPeriod(*store_, period, dimension, value, current));
  RETURN_IF_ERROR(ReadPeriod(*store_, before, dimension, value, previous));
  for (const auto& [seen, counters] : previous) current.try_emplace(seen);

  v1::PerformanceReport report;
  *report.mutable_period() = period.period;
  *report.mutable_previous_period() = before.period;
  report.set_attribution(kAttribution);
  const Counters none;
  for (const auto& [seen, counters] : current) {
    const auto earlier = previous.find(seen);
    const bool nothing = counters.empty() && (earlier == previous.end() || earlier->second.empty());
    if (nothing && !value.has_value()) continue;  // e.g. a target only, in a relative period
    BuildRow(dimension, seen, counters, earlier == previous.end() ? none : earlier->second,
             *report.add_rows());
  }
  return report;
}

absl::StatusOr<v1::AlertList> PerformanceQuery::ListAlerts(const v1::ListAlertsRequest& request,
                                                           absl::Time now) const {
  return performance::ListAlerts(*store_, request, now);
}

absl::StatusOr<v1::ForecastReport> PerformanceQuery::GetForecast(
    const v1::GetForecastRequest& request, absl::Time now) const {
  return performance::GetForecast(*store_, request, now);
}

absl::StatusOr<v1::ForecastAccuracyReport> PerformanceQuery::GetForecastAccuracy(
    const v1::GetForecastAccuracyRequest& request, absl::Time now) const {
  return performance::GetForecastAccuracy(*store_, request, now);
}

}  // namespace sales::performance
