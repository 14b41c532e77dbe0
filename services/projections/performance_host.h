// PerformanceHost: the performance read side inside a process (dashboard_host.h) — the
// PerformanceProjection's runner over the orders, incentives and leads topics, PerformanceQuery,
// the watch hub and PerformanceService.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_HOST_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_HOST_H_

#include "services/projections/dashboard_host.h"
#include "services/projections/performance/api/performance_service_impl.h"
#include "services/projections/performance/model/performance_projection.h"
#include "services/projections/performance/query/performance_query.h"

namespace sales::performance {

using PerformanceHost =
    projections_host::DashboardHost<PerformanceProjection, PerformanceQuery, PerformanceServiceImpl,
                                    projections::v1::PerformanceUpdate>;

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_HOST_H_
