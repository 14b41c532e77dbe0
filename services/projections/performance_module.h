// PerformanceModule: the performance read side as a module — a PerformanceHost over the orders,
// incentives and leads topics.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODULE_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODULE_H_

#include "services/projections/dashboard_module.h"
#include "services/projections/performance_host.h"

namespace sales::performance {

class PerformanceModule final : public projections_host::DashboardModule<PerformanceHost> {
 public:
  PerformanceModule()
      : DashboardModule("performance", {"orders", "incentives", "leads"},
                        {"performance show --last 30 --by rep",
                         "performance show --period month --rep wang.hao",
                         "forecast show --snapshots", "alerts list --by rep"}) {}
};

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODULE_H_
