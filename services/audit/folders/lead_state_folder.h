// LeadStateFolder: the leads service's DealStateFolder — folds a "lead-<id>" stream (the lead,
// continuing as the deal after conversion) with sales::leads::Evolve into a sales.leads.v1.Lead.
//
//   LeadStateFolder lead_folder;
//   AuditHostOptions options{…, .folders = {{"leads", &lead_folder}}};
//
// Thread-safety: stateless; Start may be called concurrently (each fold is one thread's).
#ifndef SALES_SERVICES_AUDIT_FOLDERS_LEAD_STATE_FOLDER_H_
#define SALES_SERVICES_AUDIT_FOLDERS_LEAD_STATE_FOLDER_H_

#include "services/audit/domain/deal_state_folder.h"

namespace sales::audit {

class LeadStateFolder final : public DealStateFolder {
 public:
  std::unique_ptr<StreamFold> Start() const override;
};

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_FOLDERS_LEAD_STATE_FOLDER_H_
