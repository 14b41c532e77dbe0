// The module registry: every module of the platform, the write sides first, in the order their
// demo data is seeded (a module comes after every context its demo data names; the write sides
// are all open before any module starts, so a module may read a context registered after it).
// The one place a new context is registered; salesd, every context's own
// process and the tests take their modules from here.
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
