// Demo data for a fresh channels store (salesd seeds it through the channels module, once its org
// replica holds the demo organisation of services/org/demo_data.h, and before the demo leads,
// whose partner leads name these channels): a catalogue of CRM and ERP SKUs (one list price
// changed, one SKU retired), a channel of every type with its lifecycle (one onboarding, one
// suspended), partner agreements (one amended mid-term to a larger territory), price lists (one
// price outside its band accepted and flagged), enablement records, and one open conflict: two
// distributors claiming the same customer in the same region. Everything goes through the
// ChannelsApp API, the code path clients use, as actor "system:demo".
//
//   ASSIGN_OR_RETURN(DemoChannelsSummary seeded, SeedDemoData(*app, clock));
//
// Dates (terms, price lists) are set from the clock's day, so the demo is in force whenever it
// is seeded. Leaves `clock` at real time.
//
// Thread-safety: SeedDemoData must not run concurrently with other commands (call it before
// serving).
#ifndef SALES_SERVICES_CHANNELS_DEMO_DATA_H_
#define SALES_SERVICES_CHANNELS_DEMO_DATA_H_

#include "absl/status/statusor.h"
#include "common/runtime/demo_clock.h"
#include "services/channels/app/channels_app.h"

namespace sales::channels {

struct DemoChannelsSummary {
  int products = 0;
  int channels = 0;
};

// Writes the demo catalogue, channels and claims. Call it on an empty channels store only (the
// caller checks): its fixed ids would collide with existing ones. Stops at the first refused
// command and returns its error, naming the command.
absl::StatusOr<DemoChannelsSummary> SeedDemoData(ChannelsApp& app, runtime::DemoClock& clock);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DEMO_DATA_H_
