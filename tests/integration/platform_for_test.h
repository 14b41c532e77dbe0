// The platform in a test's process, as salesd composes it: a ModuleHost over the module registry
// on ephemeral ports, with accessors for the hosted modules' insides.
//
//   auto salesd = StartPlatform(PlatformOptions(dir.path()));
//   leads::LeadsApp* leads = LeadsAppOf(**salesd);
#ifndef SALES_TESTS_INTEGRATION_PLATFORM_FOR_TEST_H_
#define SALES_TESTS_INTEGRATION_PLATFORM_FOR_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/module_host.h"
#include "services/audit/audit_module.h"
#include "services/leads/leads_module.h"
#include "services/modules/modules.h"
#include "services/org/org_module.h"
#include "services/projections/funnel_module.h"
#include "services/projections/performance_module.h"

namespace sales::testing {

// Every module (as salesd) unless `contexts` names some; ephemeral ports; 4 partitions a topic.
inline runtime::ModuleHostOptions PlatformOptions(
    std::string data_dir, bool demo_data = false,
    std::vector<std::string> contexts = modules::AllModuleNames()) {
  return {.data_dir = std::move(data_dir),
          .grpc_port = 0,
          .http_port = 0,
          .kafka_partitions = 4,
          .contexts = std::move(contexts),
          .demo_data = demo_data};
}

inline absl::StatusOr<std::unique_ptr<runtime::ModuleHost>> StartPlatform(
    runtime::ModuleHostOptions options) {
  return runtime::ModuleHost::Start(std::move(options), modules::AllModules());
}

// The hosted module's insides; nullptr when it is not hosted.
inline leads::LeadsApp* LeadsAppOf(const runtime::ModuleHost& host) {
  auto* module = host.module<leads::LeadsModule>();
  return module == nullptr ? nullptr : module->app();
}
inline org::OrgApp* OrgAppOf(const runtime::ModuleHost& host) {
  auto* module = host.module<org::OrgModule>();
  return module == nullptr ? nullptr : module->app();
}
inline funnel::FunnelHost* FunnelOf(const runtime::ModuleHost& host) {
  auto* module = host.module<funnel::FunnelModule>();
  return module == nullptr ? nullptr : module->host();
}

inline performance::PerformanceHost* PerformanceOf(const runtime::ModuleHost& host) {
  auto* module = host.module<performance::PerformanceModule>();
  return module == nullptr ? nullptr : module->host();
}

}  // namespace sales::testing

#endif  // SALES_TESTS_INTEGRATION_PLATFORM_FOR_TEST_H_
