// Demo data for a fresh leads store (salesd seeds it through the leads module, once its org
// replica holds the demo organisation of services/org/demo_data.h): 30 leads from every source
// pushed through the pipeline — scored, assigned by rule (one manually, one reassigned),
// activities, stage moves (one backward with a reason), conversions, steps, won and lost deals, a
// disqualification and one duplicate capture merged. Everything goes through the LeadsApp API, the
// code path clients use, as actor "system:demo".
//
//   runtime::DemoClock clock;              // given to the LeadsApp as its clock
//   ... open the app with [&clock] { return clock.Now(); } ...
//   if (store->HeadPosition() == 0) ASSIGN_OR_RETURN(int leads, SeedDemoData(*app, clock));
//
// History spans about four weeks: the app's clock is per app, not per call, so seeding moves
// `clock` back (DemoClock::SetBehind) for each step of the story and returns it to real time at
// the end; events carry those past occurred-at times, their recorded-at is the real time.
//
// Thread-safety: DemoClock::Now may be called from any thread. SeedDemoData must not run
// concurrently with other commands (call it before serving).
#ifndef SALES_SERVICES_LEADS_DEMO_DATA_H_
#define SALES_SERVICES_LEADS_DEMO_DATA_H_

#include "absl/status/statusor.h"
#include "common/runtime/demo_clock.h"
#include "services/leads/app/leads_app.h"

namespace sales::leads {

// How many leads SeedDemoData captures (the duplicate capture is merged, not counted).
inline constexpr int kDemoLeadCount = 30;

// Writes the demo leads; returns the number of leads captured. Call it on an
// empty leads store only (the caller checks): its fixed ids would collide with existing ones.
// Stops at the first refused command and returns its error. Leaves `clock` at real time.
absl::StatusOr<int> SeedDemoData(LeadsApp& app, runtime::DemoClock& clock);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DEMO_DATA_H_
