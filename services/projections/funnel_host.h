// FunnelHost: the funnel read side inside a process (dashboard_host.h) — the FunnelProjection's
// runner over the leads topic, FunnelQuery, the watch hub and FunnelService.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_HOST_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_HOST_H_

#include "services/projections/dashboard_host.h"
#include "services/projections/funnel/api/funnel_service_impl.h"
#include "services/projections/funnel/model/funnel_projection.h"
#include "services/projections/funnel/query/funnel_query.h"

namespace sales::funnel {

using FunnelHost = projections_host::DashboardHost<FunnelProjection, FunnelQuery, FunnelServiceImpl,
                                                   projections::v1::FunnelUpdate>;

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_HOST_H_
