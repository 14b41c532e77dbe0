// PerformanceQuery: answers GetPerformance from the committed performance read model
// (model/keys.h) — for the period and the one before it (环比), one point lookup per scope value
// (a relative period: one per run of days and months), or one prefix scan per stored period for a
// grouped report — and turns counters into figures by the definitions in
// proto/sales/projections/v1/performance.proto.
//
//   PerformanceQuery query(&runner->store());
//   ASSIGN_OR_RETURN(v1::PerformanceReport report, query.GetPerformance(request));
//
// Errors: INVALID_ARGUMENT "field <name>: <reason>" for a bad request
// (ValidateGetPerformanceRequest); DATA_LOSS for a row that does not decode; RocksDB errors as
// they come.
//
// Thread-safety: thread-safe (reads only). A report reads its rows one by one, so while the
// runner commits it may mix two consecutive commits' rows of different keys.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_PERFORMANCE_QUERY_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_PERFORMANCE_QUERY_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/projection/projection_store.h"
#include "sales/projections/v1/performance.pb.h"

namespace sales::performance {

// The attribution every report states (performance.proto, "Attribution").
inline constexpr char kAttribution[] = "at event time";

// INVALID_ARGUMENT naming the field: the period fields (periods::ValidatePeriodRequest); a
// filter needs a dimension and an id; group_by a known dimension; not both.
absl::Status ValidateGetPerformanceRequest(const projections::v1::GetPerformanceRequest& request);

// INVALID_ARGUMENT naming the field: a filter needs a dimension and an id.
absl::Status ValidatePerformanceFilter(const projections::v1::PerformanceFilter& filter);

class PerformanceQuery {
 public:
  // `store` (not owned) must outlive the query.
  explicit PerformanceQuery(projection::ProjectionStore* store) : store_(store) {}

  absl::StatusOr<projections::v1::PerformanceReport> GetPerformance(
      const projections::v1::GetPerformanceRequest& request) const;
  // The alerts as of request.as_of, or `now` (alerts.h).
  absl::StatusOr<projections::v1::AlertList> ListAlerts(
      const projections::v1::ListAlertsRequest& request, absl::Time now) const;
  // The forecast and its accuracy as of request.as_of, or `now` (forecast.h).
  absl::StatusOr<projections::v1::ForecastReport> GetForecast(
      const projections::v1::GetForecastRequest& request, absl::Time now) const;
  absl::StatusOr<projections::v1::ForecastAccuracyReport> GetForecastAccuracy(
      const projections::v1::GetForecastAccuracyRequest& request, absl::Time now) const;

 private:
  projection::ProjectionStore* const store_;
};

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_PERFORMANCE_QUERY_H_
