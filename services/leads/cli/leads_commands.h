// The leads context's salesctl group ("salesctl leads …"): LeadService from the command line.
//
//   for (const Command& command : LeadsCommandGroup().commands) ...
//
// Registered in services/modules/command_groups.cc. Thread-compatible.
#ifndef SALES_SERVICES_LEADS_CLI_LEADS_COMMANDS_H_
#define SALES_SERVICES_LEADS_CLI_LEADS_COMMANDS_H_

#include "tools/salesctl/commands.h"

namespace sales::salesctl {

CommandGroup LeadsCommandGroup();

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_LEADS_CLI_LEADS_COMMANDS_H_
