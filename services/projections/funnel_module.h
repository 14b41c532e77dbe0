// FunnelModule: the funnel read side as a module (common/runtime/context_module.h) — a
// FunnelHost over the leads topic, caught up from the leads EventFeed (local in salesd, over gRPC
// in the `projections` process).
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_MODULE_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/context_module.h"
#include "services/projections/funnel_host.h"

namespace sales::funnel {

class FunnelModule final : public runtime::ContextModule {
 public:
  absl::string_view name() const override { return "funnel"; }
  std::vector<std::string> try_commands() const override {
    return {"funnel show --last 30 --by team"};
  }

  absl::Status Start(const runtime::ModuleEnvironment& env) override;
  std::vector<runtime::HostedService> services() const override;
  std::vector<projection::AdministeredProjection> projections() const override;
  void EndStreams() override;
  void Stop() override { host_.reset(); }

  // The read side, after Start (nullptr before).
  FunnelHost* host() const { return host_.get(); }

 private:
  std::unique_ptr<FunnelHost> host_;
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_MODULE_H_
