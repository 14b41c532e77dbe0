// The org context's salesctl group ("salesctl org …"): OrgService from the command line.
//
//   for (const Command& command : OrgCommandGroup().commands) ...
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_ORG_CLI_ORG_COMMANDS_H_
#define SALES_SERVICES_ORG_CLI_ORG_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup OrgCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_ORG_CLI_ORG_COMMANDS_H_
