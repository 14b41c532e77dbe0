// Issue 5's catch-up figures for the funnel read model, in one run against one history:
//   BM_RawConsume       a plain librdkafka consumer reading the leads topic (no decoding)
//   BM_DecodeOnly       the same, each message parsed as the runner and the projection parse it
//                       (the envelope, then its payload into a LeadEvent on a stack arena) and
//                       nothing else: the floor of any funnel projection, with no state
//   BM_RunnerFromKafka  funnel::FunnelProjection through a ProjectionRunner from the embedded
//                       broker, from offset 0 into a fresh read model
//   BM_RunnerCatchUp    the same from the event feed (LocalEventFeedReader over a real EventStore)
// The history is realistic and synthetic: --events events (rounded up to whole leads) of random
// leads (testing/random_history.h: captures, scoring, (re)assignment, stage and step moves,
// activities, overdue episodes, wins and losses) starting across 2026, appended to the event
// store in time order (as the leads service would have written them) and relayed to Kafka.
// After the benchmarks it prints events/s, the ratios to the raw consume rate, and events per
// CPU-second of the process and of the consuming (runner) thread — on a shared machine the
// CPU figures are the steadier ones.
//
//   ninja -C build funnel_catch_up_benchmark &&
//   build/services/projections/funnel/funnel_catch_up_benchmark [--events=200000]
//       [--batch=N] [--page=N]  (catch-up batches from Kafka, feed pages; default: the runner's)
// The timing runs from the first committed batch to the last: with --events below a few
// batches' worth (default 50,000 per catch-up batch, 20,000 per feed page), pass a smaller
// --batch and --page.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventsourcing/stack_arena_message.h"
#include "common/eventstore/event_store.h"
#include "common/projection/projection_runner.h"
#include "common/projection/testing/catch_up_benchmarking.h"
#include "common/status/status_macros.h"
#include "sales/leads/v1/events.pb.h"
#include "services/projections/funnel/model/funnel_projection.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/funnel/testing/random_history.h"

namespace sales::projection {
namespace {

using testing::Check;

constexpr int kReps = 200;

// Random leads starting across 2026 until `count` events (AppendInTimeOrder merges them in time
// order).
std::vector<EventEnvelope> LeadsHistory(int count) {
  std::mt19937_64 rng(2026);
  const absl::Time year = absl::FromCivil(absl::CivilDay(2026, 1, 1), funnel::BusinessTimeZone());
  std::vector<EventEnvelope> history;
  for (int lead = 0; std::cmp_less(history.size(), count); ++lead) {
    const absl::Time start = year + absl::Seconds(rng() % (365 * 86400ULL));
    funnel::testing::LeadScript script =
        funnel::testing::RandomLead(rng, absl::StrCat("L", lead), start, kReps);
    for (const EventEnvelope& event : script.events()) history.push_back(event);
  }
  return history;
}

// Appends LeadsHistory(events) in time order and sets `events` to its size.
absl::Status AppendLeadsHistory(eventstore::EventStore& store, int& events) {
  std::vector<EventEnvelope> history = LeadsHistory(events);
  events = static_cast<int>(history.size());
  return testing::AppendInTimeOrder(store, std::move(history));
}

// What every event costs before the funnel does anything with it.
void DecodeLeadEvent(absl::string_view bytes) {
  const EventEnvelope& envelope = testing::ParseEnvelope(bytes);
  eventsourcing::StackArenaMessage<leads::v1::LeadEvent> decoded;
  leads::v1::LeadEvent& event = *decoded;
  const absl::string_view type_url = envelope.payload().type_url();
  if (!eventsourcing::WrapperHolds(event, type_url.substr(type_url.rfind('/') + 1))) {
    return;  // not a lead's event (e.g. the organisation's): the projection skips it too
  }
  Check(eventsourcing::UnpackEvent(envelope.payload(), event));
  benchmark::DoNotOptimize(event);
}

}  // namespace
}  // namespace sales::projection

int main(int argc, char** argv) {
  namespace projection = ::sales::projection;
  return projection::testing::RunCatchUpSuite(
      argc, argv,
      {.label = "funnel",
       .topic = "sales.leads.v1",
       .service = "leads",
       .append = projection::AppendLeadsHistory,
       .make_projection = [] { return std::make_unique<sales::funnel::FunnelProjection>(); },
       .decode = projection::DecodeLeadEvent});
}
