// Issue 18's catch-up figures for the performance read model, in one run against one history
// (common/projection/testing/catch_up_benchmarking.h: raw consume, decode only, the runner from
// Kafka and from the event feed). The history is synthetic: --events events of random orders
// (placed; 90 % confirmed, their customer's first one time in five; of those 6 % cancelled, the
// rest invoiced, paid in one or two payments, 5 % with a return) with a ledger event per
// confirmation (a revenue credit and a commission line for the rep), 200 reps in 20 teams and 5
// regions, 12 channels, 8 product lines, 5000 customers — and beside every order a random lead
// (captured, assigned, 60 % become deals moving up to four steps, half of them won or lost, 15 %
// overdue once: AddRandomLead), all starting across 2026 and appended in time order. Orders,
// ledger and lead events share one topic here (the projection dispatches on the payload's type
// and the stream, not the topic).
//
//   ninja -C build performance_catch_up_benchmark &&
//   build/services/projections/performance/performance_catch_up_benchmark [--events=200000]
//       [--batch=N] [--page=N]  (catch-up batches from Kafka, feed pages; default: the runner's)
#include <algorithm>
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
#include "common/projection/testing/catch_up_benchmarking.h"
#include "common/status/status_macros.h"
#include "common/time/business_time.h"
#include "sales/incentives/v1/events.pb.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/orders/v1/events.pb.h"
#include "services/projections/performance/model/performance_projection.h"
#include "services/projections/performance/testing/performance_script.h"

namespace sales::performance {
namespace {

using ::sales::performance::testing::PerformanceScript;
using ::sales::projection::EventEnvelope;

// Random orders starting across 2026 until `events` events, appended in time order (each
// stream's own order kept: its events' times never decrease and the sort is stable).
absl::Status AppendSalesHistory(eventstore::EventStore& store, int& events) {
  std::mt19937_64 rng(2026);
  const absl::Time year = absl::FromCivil(absl::CivilDay(2026, 1, 1), BusinessTimeZone());
  PerformanceScript script;
  for (int n = 0; std::cmp_less(script.events().size(), events); ++n) {
    testing::AddRandomOrder(
        rng, n, year + absl::Seconds(static_cast<int64_t>(rng() % (365 * 86400ULL))), script);
    testing::AddRandomLead(
        rng, n, year + absl::Seconds(static_cast<int64_t>(rng() % (365 * 86400ULL))), script);
  }
  events = static_cast<int>(script.events().size());
  return projection::testing::AppendInTimeOrder(store, script.events());
}

// The payload into `Wrapper` on a stack arena, as the projection decodes it.
template <typename Wrapper>
void DecodeInto(const google::protobuf::Any& payload) {
  eventsourcing::StackArenaMessage<Wrapper> wrapper;
  projection::testing::Check(eventsourcing::UnpackEvent(payload, *wrapper));
  benchmark::DoNotOptimize(*wrapper);
}

// What every event costs before the projection does anything with it: the envelope, then its
// payload into the order's, the ledger's or the lead's event wrapper.
void DecodeSalesEvent(absl::string_view bytes) {
  const EventEnvelope& envelope = projection::testing::ParseEnvelope(bytes);
  const absl::string_view type_url = envelope.payload().type_url();
  const absl::string_view type = type_url.substr(type_url.rfind('/') + 1);
  if (eventsourcing::WrapperHolds(orders::v1::OrderEvent::default_instance(), type)) {
    DecodeInto<orders::v1::OrderEvent>(envelope.payload());
  } else if (eventsourcing::WrapperHolds(leads::v1::LeadEvent::default_instance(), type)) {
    DecodeInto<leads::v1::LeadEvent>(envelope.payload());
  } else {
    DecodeInto<incentives::v1::LedgerEvent>(envelope.payload());
  }
}

}  // namespace
}  // namespace sales::performance

int main(int argc, char** argv) {
  return sales::projection::testing::RunCatchUpSuite(
      argc, argv,
      {.label = "performance",
       .topic = "sales.orders.v1",
       .service = "orders",
       .append = sales::performance::AppendSalesHistory,
       .make_projection =
           [] { return std::make_unique<sales::performance::PerformanceProjection>(); },
       .decode = sales::performance::DecodeSalesEvent});
}
