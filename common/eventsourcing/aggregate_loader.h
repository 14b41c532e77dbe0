// LoadAggregate: an aggregate's state and version, by folding its stream with the domain's
// Evolve — the one function that live command handling, audit as-of replay and rebuilds share.
//
//   ASSIGN_OR_RETURN(auto lead, LoadAggregate<LeadEvent>(*store, "lead-42", LeadState{},
//                                                         &leads::domain::Evolve));
//   ASSIGN_OR_RETURN(auto events, leads::domain::Decide(*lead.state, command, context));
//   // … append `events` with expected_version = lead.version
//
//   // As of an instant (audit): only events recorded at or before it are folded.
//   LoadAggregate<LeadEvent>(*store, id, LeadState{}, &Evolve, {.recorded_at_or_before = t});
//
// `Wrapper` is the aggregate's event wrapper (see event_codec.h); `evolve` is callable as
// State(State, const Wrapper&). With a cache (never for as-of loads), folding starts from the
// cached state and the result is cached. The state is an immutable snapshot shared with the
// cache: a load that finds nothing newer than the cached version copies nothing, one that folds
// newer events copies the cached state once. Thread-safety: as the store's reads (any thread).
#ifndef SALES_COMMON_EVENTSOURCING_AGGREGATE_LOADER_H_
#define SALES_COMMON_EVENTSOURCING_AGGREGATE_LOADER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/eventsourcing/aggregate_cache.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventstore/event_store.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/time_util.h"

namespace sales::eventsourcing {

template <typename State>
struct LoadedAggregate {
  std::shared_ptr<const State> state;  // never null
  uint64_t version = 0;                // the stream version folded up to (0: no event)
};

struct FoldLimit {
  // Fold only events recorded at or before this instant (the stream as it stood then).
  absl::optional<absl::Time> recorded_at_or_before;
};

// Reads in pages of this many events.
inline constexpr size_t kLoadPageSize = 1000;

template <typename Wrapper, typename State, typename Evolve>
absl::StatusOr<LoadedAggregate<State>> LoadAggregate(eventstore::EventStore& store,
                                                     const std::string& stream_id, State initial,
                                                     Evolve&& evolve, FoldLimit limit = {},
                                                     AggregateCache<State>* cache = nullptr) {
  if (limit.recorded_at_or_before.has_value()) cache = nullptr;  // a past state is not cached
  std::shared_ptr<const State> cached;
  uint64_t version = 0;
  if (cache != nullptr) {
    if (auto entry = cache->Get(stream_id)) std::tie(cached, version) = *std::move(entry);
  }
  const uint64_t cached_version = version;
  // Folded into only once a newer event turns up: until then `cached` is the answer.
  std::optional<State> folded;
  auto finish = [&]() -> LoadedAggregate<State> {
    if (!folded.has_value()) {
      if (cached == nullptr) cached = std::make_shared<const State>(std::move(initial));
      return {std::move(cached), version};
    }
    return {std::make_shared<const State>(*std::move(folded)), version};
  };
  Wrapper event;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<eventstore::EventEnvelope> page,
                     store.ReadStream(stream_id, version + 1, kLoadPageSize));
    for (const eventstore::EventEnvelope& envelope : page) {
      if (limit.recorded_at_or_before.has_value() &&
          absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(
              envelope.recorded_at())) > *limit.recorded_at_or_before) {
        return finish();
      }
      absl::Status decoded = UnpackEvent(envelope.payload(), event);
      if (!decoded.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("stream ", stream_id, " version ", envelope.stream_version(),
                         " cannot be folded: ", decoded.message()));
      }
      if (!folded.has_value()) {
        // `initial` is moved at most once: only while `folded` is empty, which it never is again
        // (and finish() reads `initial` only while `folded` is empty). The check cannot see that
        // through the loop.
        folded.emplace(cached != nullptr ? State(*cached)
                                         : std::move(initial));  // NOLINT(bugprone-use-after-move)
      }
      folded = evolve(*std::move(folded), event);
      version = envelope.stream_version();
    }
    if (page.size() < kLoadPageSize) break;
  }
  LoadedAggregate<State> loaded = finish();
  // Only a state that moved on is cached again (the snapshot is shared, not copied).
  if (cache != nullptr && loaded.version > cached_version) {
    cache->Put(stream_id, loaded.state, loaded.version);
  }
  return loaded;
}

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_AGGREGATE_LOADER_H_
