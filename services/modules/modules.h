// The module registry: every module of the platform, in dependency order (a module comes after
// the contexts it reads; demo data is seeded in this order). The one place a new context is
// registered; salesd, every context's own process and the tests take their modules from here.
//
//   return runtime::RunProcess(argc, argv, {.program = "salesd", .contexts = AllModuleNames()},
//                              &AllModules);
#ifndef SALES_SERVICES_MODULES_MODULES_H_
#define SALES_SERVICES_MODULES_MODULES_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/context_module.h"

namespace sales::modules {

// A fresh, unstarted instance of every module.
std::vector<std::unique_ptr<runtime::ContextModule>> AllModules();
// Their names, in the same order.
std::vector<std::string> AllModuleNames();

}  // namespace sales::modules

#endif  // SALES_SERVICES_MODULES_MODULES_H_
