// The funnel dashboard's salesctl group ("salesctl funnel …"): FunnelService from the command line.
//
//   for (const Command& command : FunnelCommandGroup().commands) ...
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_PROJECTIONS_CLI_FUNNEL_COMMANDS_H_
#define SALES_SERVICES_PROJECTIONS_CLI_FUNNEL_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup FunnelCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_PROJECTIONS_CLI_FUNNEL_COMMANDS_H_
