// FunnelModule: the funnel read side as a module — a FunnelHost over the leads topic.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_MODULE_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_MODULE_H_

#include "services/projections/dashboard_module.h"
#include "services/projections/funnel_host.h"

namespace sales::funnel {

class FunnelModule final : public projections_host::DashboardModule<FunnelHost> {
 public:
  FunnelModule() : DashboardModule("funnel", {"leads"}, {"funnel show --last 30 --by team"}) {}
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_MODULE_H_
