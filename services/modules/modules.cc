#include "services/modules/modules.h"

#include "services/audit/audit_module.h"
#include "services/channels/channels_module.h"
#include "services/incentives/incentives_module.h"
#include "services/leads/leads_module.h"
#include "services/orders/orders_module.h"
#include "services/org/org_module.h"
#include "services/projections/funnel_module.h"
#include "services/projections/performance_module.h"

namespace sales::modules {

std::vector<std::unique_ptr<runtime::ContextModule>> AllModules() {
  std::vector<std::unique_ptr<runtime::ContextModule>> modules;
  // Bounded contexts (write sides) in dependency order, then the read side.
  modules.push_back(std::make_unique<org::OrgModule>());
  modules.push_back(std::make_unique<leads::LeadsModule>());
  modules.push_back(std::make_unique<channels::ChannelsModule>());
  modules.push_back(std::make_unique<orders::OrdersModule>());
  modules.push_back(std::make_unique<incentives::IncentivesModule>());
  modules.push_back(std::make_unique<funnel::FunnelModule>());
  modules.push_back(std::make_unique<performance::PerformanceModule>());
  modules.push_back(std::make_unique<audit::AuditModule>());
  return modules;
}

std::vector<std::string> AllModuleNames() {
  std::vector<std::string> names;
  for (const auto& module : AllModules()) names.emplace_back(module->name());
  return names;
}

}  // namespace sales::modules
