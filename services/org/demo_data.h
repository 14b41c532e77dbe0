// The demo sales organisation (salesd seeds it through the org module into an empty org store):
// regions east and south China, product lines CRM and ERP, segments enterprise and SMB, three
// teams, six reps with managers, and territory rules with one deliberate gap
// (south, erp, enterprise). Written through the OrgApp API as actor "system:demo", with the
// clock set five weeks back, so that it predates the demo leads.
//
// Thread-safety: must not run concurrently with other commands (call it before serving).
#ifndef SALES_SERVICES_ORG_DEMO_DATA_H_
#define SALES_SERVICES_ORG_DEMO_DATA_H_

#include "absl/status/status.h"
#include "common/runtime/demo_clock.h"
#include "services/org/app/org_app.h"

namespace sales::org {

// Stops at the first refused command and returns its error. Leaves `clock` at real time.
absl::Status SeedDemoOrganisation(OrgApp& app, runtime::DemoClock& clock);

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_DEMO_DATA_H_
