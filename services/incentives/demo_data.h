// Demo data for a fresh incentives store (salesd seeds it through the incentives module once its
// org replica holds the demo organisation, before the ledger's process manager starts): the
// company's 2026 revenue target decomposed into quarters and down the org to every rep (Q4 into
// months), with one gap left on purpose (huang.lan's year set below her share); a step plan
// (booked basis, a margin premium, a new-customer bonus, a CRM-AI SPIFF, a cap) for most reps and
// a retroactive plan with an accelerator (invoiced basis) for the key-account team; deal
// D-2026-001's credit split 70/30 between wang.hao and his manager; October 2026 closed and
// approved. The demo orders then earn their commission — and huang.lan's statement its clawbacks
// (a return and a cancel) — through the ledger process, as any order would.
// Everything goes through the IncentivesApp API as actor "system:demo" (the approval as the
// manager zhang.min).
//
//   ASSIGN_OR_RETURN(DemoIncentivesSummary seeded, SeedDemoData(*app, clock));
//
// Thread-safety: must not run concurrently with other commands (call it before serving).
#ifndef SALES_SERVICES_INCENTIVES_DEMO_DATA_H_
#define SALES_SERVICES_INCENTIVES_DEMO_DATA_H_

#include "absl/status/statusor.h"
#include "common/runtime/demo_clock.h"
#include "services/incentives/app/incentives_app.h"

namespace sales::incentives {

struct DemoIncentivesSummary {
  int targets = 0;
  int plans = 0;
  int splits = 0;
};

// Call it on an empty incentives store only (the caller checks). Stops at the first refused
// command and returns its error, naming the command.
absl::StatusOr<DemoIncentivesSummary> SeedDemoData(IncentivesApp& app, runtime::DemoClock& clock);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DEMO_DATA_H_
