// IncentivesModule: the incentives bounded context as a module (common/runtime/context_module.h)
// — its event store (opened by the host), its replica of the org (<data_dir>/incentives/
// org-replica), the IncentivesApp, the IncentiveService adapter, the commission ledger's process
// manager on the orders and leads topics (<data_dir>/incentives/ledger-process) and the demo
// targets, plans and split. salesd hosts it beside the other modules; the `incentives` process
// hosts it alone and reads the org, orders and leads through
// --peers=org=HOST:PORT,orders=HOST:PORT,leads=HOST:PORT.
//
// Ledger events about an order carry the order's deal id on their envelopes, so a deal's audit
// history shows the commission it earned and any clawback; the module has no deal state of its
// own to fold (no audit folder).
//
// Thread-safety: see ContextModule; app() may be used from any thread after Start.
#ifndef SALES_SERVICES_INCENTIVES_INCENTIVES_MODULE_H_
#define SALES_SERVICES_INCENTIVES_INCENTIVES_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/context_module.h"
#include "services/incentives/api/incentive_service_impl.h"
#include "services/incentives/app/incentives_app.h"
#include "services/incentives/ledger_process/ledger_process.h"
#include "services/org/replica/org_replica.h"

namespace sales::incentives {

class IncentivesModule final : public runtime::ContextModule {
 public:
  static constexpr char kName[] = "incentives";

  absl::string_view name() const override { return kName; }
  bool owns_store() const override { return true; }
  std::vector<std::string> try_commands() const override;

  absl::Status Start(const runtime::ModuleEnvironment& env) override;
  std::vector<runtime::HostedService> services() const override;
  std::vector<projection::AdministeredProjection> projections() const override;
  absl::StatusOr<std::string> SeedDemoData(runtime::DemoClock& clock) override;
  // The ledger's process manager.
  absl::Status StartBackgroundJobs() override;
  void Stop() override;

  // After Start (nullptr before).
  IncentivesApp* app() const { return app_.get(); }
  projection::ProjectionRunner* ledger_runner() const { return ledger_runner_.get(); }

 private:
  std::unique_ptr<org::OrgReplica> org_;
  std::unique_ptr<IncentivesApp> app_;
  std::unique_ptr<IncentiveServiceImpl> service_;
  std::unique_ptr<LedgerProcess> ledger_;
  std::unique_ptr<projection::ProjectionRunner> ledger_runner_;
};

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_INCENTIVES_MODULE_H_
