// PerformanceModule: the performance read side as a module — a PerformanceHost over the orders
// and incentives topics.
#ifndef SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODULE_H_
#define SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODULE_H_

#include "services/projections/dashboard_module.h"
#include "services/projections/performance_host.h"

namespace sales::performance {

class PerformanceModule final : public projections_host::DashboardModule<PerformanceHost> {
 public:
  PerformanceModule()
      : DashboardModule("performance", {"orders", "incentives"},
                        {"performance show --last 30 --by rep",
                         "performance show --period month --rep wang.hao"}) {}
};

}  // namespace sales::performance

#endif  // SALES_SERVICES_PROJECTIONS_PERFORMANCE_MODULE_H_
