// The salesctl command groups of the registered contexts, in registry order (modules.h): the
// one place a context's group is registered, beside its module. salesctl lists these after
// nothing else and before the platform's own groups (projection).
//
//   for (const salesctl::CommandGroup& group : modules::ContextCommandGroups()) ...
#ifndef SALES_SERVICES_MODULES_COMMAND_GROUPS_H_
#define SALES_SERVICES_MODULES_COMMAND_GROUPS_H_

#include <vector>

#include "tools/salesctl/commands.h"

namespace sales::modules {

std::vector<salesctl::CommandGroup> ContextCommandGroups();

}  // namespace sales::modules

#endif  // SALES_SERVICES_MODULES_COMMAND_GROUPS_H_
