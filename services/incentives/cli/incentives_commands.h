// The incentives context's salesctl groups, over sales.incentives.v1.IncentiveService:
// "salesctl targets …" (list, gaps, set, decompose), "salesctl plans …" (list, show, publish,
// assign, of), "salesctl splits …" (show, set) and "salesctl commissions …" (statement, ledger,
// attainment, adjust, close, approve, periods).
//
//   for (const Command& command : CommissionsCommandGroup().commands) ...
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_INCENTIVES_CLI_INCENTIVES_COMMANDS_H_
#define SALES_SERVICES_INCENTIVES_CLI_INCENTIVES_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup TargetsCommandGroup();
CommandGroup PlansCommandGroup();
CommandGroup SplitsCommandGroup();
CommandGroup CommissionsCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_INCENTIVES_CLI_INCENTIVES_COMMANDS_H_
