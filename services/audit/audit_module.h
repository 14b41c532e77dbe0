// AuditModule: the audit service as a module (common/runtime/context_module.h) — an AuditHost
// over every store-owning context the process can reach (hosted here, or a peer's EventFeed over
// gRPC), each folded with the state folder its own module declares. It names no context: a new
// context's events are in deal histories, as-of states and tamper checks as soon as its module is
// registered.
#ifndef SALES_SERVICES_AUDIT_AUDIT_MODULE_H_
#define SALES_SERVICES_AUDIT_AUDIT_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/context_module.h"
#include "services/audit/audit_host.h"

namespace sales::audit {

class AuditModule final : public runtime::ContextModule {
 public:
  absl::string_view name() const override { return "audit"; }
  std::vector<std::string> try_commands() const override { return {"audit history D-2026-001"}; }

  // FAILED_PRECONDITION when no store-owning context is reachable.
  absl::Status Start(const runtime::ModuleEnvironment& env) override;
  std::vector<runtime::HostedService> services() const override;
  std::vector<projection::AdministeredProjection> projections() const override;
  void Stop() override { host_.reset(); }

  // The audit service, after Start (nullptr before).
  AuditHost* host() const { return host_.get(); }

 private:
  std::unique_ptr<AuditHost> host_;
};

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_AUDIT_MODULE_H_
