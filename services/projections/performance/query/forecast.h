// The forecast (销售预测) from the performance read model: daily snapshots of a period's forecast
// per scenario, and their accuracy (MAPE, RMSE) once periods have closed — every definition is in
// proto/sales/projections/v1/performance.proto, "Forecast".
//
// A snapshot is computed from the stored cells whenever it is asked for, never stored: at the
// cut day c (its instant is the midnight that starts day c) it adds up the pipeline flows of every
// day before c, the bookings of the period's days before c and the run-rate bookings of the 28
// days before c. A period's snapshots are computed one after the other, each from the one before
// it and two day cells (the day that joins and the day that leaves the run-rate window).
//
//   ASSIGN_OR_RETURN(v1::ForecastReport report, GetForecast(store, request, absl::Now()));
//   ASSIGN_OR_RETURN(v1::ForecastAccuracyReport accuracy,
//                    GetForecastAccuracy(store, accuracy_request, absl::Now()));
//
// Errors: INVALID_ARGUMENT naming the field (Validate…); DATA_LOSS for a row that does not
// decode.
//
// Thread-safety: thread-safe (reads only).
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_FORECAST_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_FORECAST_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/projection/projection_store.h"
#include "sales/projections/v1/performance.pb.h"

namespace sales::performance {

inline constexpr int kRunRateDays = 28;
inline constexpr int kDefaultAccuracyPeriods = 3;
inline constexpr int kMaxAccuracyPeriods = 24;

// INVALID_ARGUMENT naming the field: granularity WEEK, MONTH, QUARTER or YEAR; period_at and
// as_of valid timestamps when set; a filter with a known dimension and an id.
absl::Status ValidateGetForecastRequest(const projections::v1::GetForecastRequest& request);
// The same for the granularity, filter and as_of; periods 0–24; snapshot_day from 0 to the
// granularity's shortest period's days − 1 (WEEK 6, MONTH 27, QUARTER 89, YEAR 364).
absl::Status ValidateGetForecastAccuracyRequest(
    const projections::v1::GetForecastAccuracyRequest& request);

// The period's snapshots taken by as_of (or `now`) and the current one.
absl::StatusOr<projections::v1::ForecastReport> GetForecast(
    projection::ProjectionStore& store, const projections::v1::GetForecastRequest& request,
    absl::Time now);

// The accuracy of the snapshots of the last closed periods before as_of (or `now`).
absl::StatusOr<projections::v1::ForecastAccuracyReport> GetForecastAccuracy(
    projection::ProjectionStore& store, const projections::v1::GetForecastAccuracyRequest& request,
    absl::Time now);

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_FORECAST_H_
