#include "services/modules/command_groups.h"

#include "services/audit/cli/audit_commands.h"
#include "services/channels/cli/channels_commands.h"
#include "services/incentives/cli/incentives_commands.h"
#include "services/leads/cli/leads_commands.h"
#include "services/orders/cli/orders_commands.h"
#include "services/org/cli/org_commands.h"
#include "services/projections/cli/forecast_commands.h"
#include "services/projections/cli/funnel_commands.h"
#include "services/projections/cli/performance_commands.h"

namespace sales::modules {

std::vector<salesctl::CommandGroup> ContextCommandGroups() {
  return {salesctl::LeadsCommandGroup(),       salesctl::OrgCommandGroup(),
          salesctl::ChannelsCommandGroup(),    salesctl::CatalogCommandGroup(),
          salesctl::OrdersCommandGroup(),      salesctl::CustomersCommandGroup(),
          salesctl::InventoryCommandGroup(),   salesctl::ReceivablesCommandGroup(),
          salesctl::TargetsCommandGroup(),     salesctl::PlansCommandGroup(),
          salesctl::SplitsCommandGroup(),      salesctl::CommissionsCommandGroup(),
          salesctl::AuditCommandGroup(),       salesctl::FunnelCommandGroup(),
          salesctl::PerformanceCommandGroup(), salesctl::AlertsCommandGroup(),
          salesctl::ForecastCommandGroup()};
}

}  // namespace sales::modules
