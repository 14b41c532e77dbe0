// LeadsModule: the leads bounded context as a module (common/runtime/context_module.h) — its
// event store (opened by the host), its replica of the org (<data_dir>/leads/org-replica, from the
// org topic and feed), the LeadsApp with its read model in <data_dir>/leads/read-model, the
// LeadService adapter, the overdue follow-up scanner, the audit folder of the lead/deal stream
// (leads::Evolve) and the demo leads. salesd hosts it beside the other modules; the `leads`
// process hosts it alone and reads the org through --peers=org=HOST:PORT.
//
// A leads store written by the layout before org became its own context (an "org" stream inside
// the leads store) is refused at Start with FAILED_PRECONDITION: there is nothing to migrate.
//
// Thread-safety: see ContextModule; app() may be used from any thread after Start.
#ifndef SALES_SERVICES_LEADS_LEADS_MODULE_H_
#define SALES_SERVICES_LEADS_LEADS_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/eventsourcing/state_folder.h"
#include "common/runtime/context_module.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/leads/v1/model.pb.h"
#include "services/leads/api/lead_service_impl.h"
#include "services/leads/app/leads_app.h"
#include "services/leads/domain/lead.h"
#include "services/org/replica/org_replica.h"

namespace sales::leads {

class LeadsModule final : public runtime::ContextModule {
 public:
  static constexpr char kName[] = "leads";

  absl::string_view name() const override { return kName; }
  bool owns_store() const override { return true; }
  const eventsourcing::StateFolder* audit_folder() const override { return &folder_; }
  std::vector<std::string> try_commands() const override { return {"leads list"}; }

  absl::Status Start(const runtime::ModuleEnvironment& env) override;
  std::vector<runtime::HostedService> services() const override;
  std::vector<projection::AdministeredProjection> projections() const override;
  absl::StatusOr<std::string> SeedDemoData(runtime::DemoClock& clock) override;
  // The overdue follow-up scanner.
  absl::Status StartBackgroundJobs() override;
  void Stop() override;

  // The app, after Start (nullptr before).
  LeadsApp* app() const { return app_.get(); }

 private:
  const eventsourcing::EvolveStateFolder<v1::Lead, v1::LeadEvent> folder_{&Evolve};
  std::unique_ptr<org::OrgReplica> org_;
  std::unique_ptr<LeadsApp> app_;
  std::unique_ptr<LeadServiceImpl> service_;
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_LEADS_MODULE_H_
