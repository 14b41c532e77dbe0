// OrgModule: the org bounded context as a module (common/runtime/context_module.h) — its event
// store (opened by the host), the OrgApp, the OrgService adapter and the demo organisation.
// salesd hosts it first (every other context replicates it); the `org` process hosts it alone.
#ifndef SALES_SERVICES_ORG_ORG_MODULE_H_
#define SALES_SERVICES_ORG_ORG_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/context_module.h"
#include "services/org/api/org_service_impl.h"
#include "services/org/app/org_app.h"

namespace sales::org {

class OrgModule final : public runtime::ContextModule {
 public:
  static constexpr char kName[] = "org";

  absl::string_view name() const override { return kName; }
  bool owns_store() const override { return true; }
  std::vector<std::string> try_commands() const override { return {"org show"}; }

  absl::Status Start(const runtime::ModuleEnvironment& env) override;
  std::vector<runtime::HostedService> services() const override;
  absl::StatusOr<std::string> SeedDemoData(runtime::DemoClock& clock) override;
  void Stop() override;

  OrgApp* app() const { return app_.get(); }

 private:
  std::unique_ptr<OrgApp> app_;
  std::unique_ptr<OrgServiceImpl> service_;
};

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_ORG_MODULE_H_
