// The performance dashboard's salesctl groups ("salesctl performance …", "salesctl alerts …"):
// PerformanceService from the command line.
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_PROJECTIONS_CLI_PERFORMANCE_COMMANDS_H_
#define SALES_SERVICES_PROJECTIONS_CLI_PERFORMANCE_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup PerformanceCommandGroup();
// "salesctl alerts …": the performance alerts.
CommandGroup AlertsCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_PROJECTIONS_CLI_PERFORMANCE_COMMANDS_H_
