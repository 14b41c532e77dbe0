// Alerts (业绩波动预警) from the performance read model: attainment missed N months in a row, a
// month-on-month decline of booked revenue beyond a threshold, and receivables and follow-ups
// overdue now, for every value of one dimension, as of a moment
// (proto/sales/projections/v1/performance.proto, "Alerts", defines them). Computed from the
// committed cells of the last 13 whole months — one prefix scan each — never stored: the same read
// model and as_of give the same alerts and ids.
//
//   ASSIGN_OR_RETURN(v1::AlertList alerts, ListAlerts(store, request, absl::Now()));
//
// Errors: INVALID_ARGUMENT naming the field (ValidateListAlertsRequest); DATA_LOSS for a row
// that does not decode.
//
// Thread-safety: thread-safe (reads only).
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_ALERTS_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_ALERTS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/projection/projection_store.h"
#include "sales/projections/v1/performance.pb.h"

namespace sales::performance {

// The defaults of ListAlertsRequest's 0 fields.
inline constexpr int kDefaultMissedPeriods = 2;
inline constexpr int kDefaultDeclinePercent = 15;

// INVALID_ARGUMENT naming the field: dimension unknown, as_of not a valid timestamp,
// missed_periods outside 2–12, decline_percent outside 1–100 (0 picks the default of each).
absl::Status ValidateListAlertsRequest(const projections::v1::ListAlertsRequest& request);

// The alerts as of request.as_of, or `now` when it is unset.
absl::StatusOr<projections::v1::AlertList> ListAlerts(
    projection::ProjectionStore& store, const projections::v1::ListAlertsRequest& request,
    absl::Time now);

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_QUERY_ALERTS_H_
