// The audit service's salesctl group ("salesctl audit …"): AuditService from the command line.
//
//   for (const Command& command : AuditCommandGroup().commands) ...
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_AUDIT_CLI_AUDIT_COMMANDS_H_
#define SALES_SERVICES_AUDIT_CLI_AUDIT_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup AuditCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_AUDIT_CLI_AUDIT_COMMANDS_H_
