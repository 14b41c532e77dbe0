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
#include <utility>
#include <vector>

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

  // The limit of an optional instant (nullopt: the whole stream).
  static FoldLimit AsOf(const std::optional<absl::Time>& as_of) {
    return {.recorded_at_or_before =
                as_of.has_value() ? absl::optional<absl::Time>(*as_of) : absl::nullopt};
  }
};

// Reads in pages of this many events.
inline constexpr size_t kLoadPageSize = 1000;

namespace internal {

// Folds a stream's events, page by page, onto where a load starts: the cached snapshot at
// `version`, or `initial` (version 0). The snapshot is copied only once a newer event turns up;
// until then it is the answer.
template <typename Wrapper, typename State>
class StreamFold {
 public:
  StreamFold(const std::string& stream_id, State initial, std::shared_ptr<const State> cached,
             uint64_t version)
      : stream_id_(stream_id),
        initial_(std::move(initial)),
        cached_(std::move(cached)),
        version_(version) {}

  // Folds the stream's next events (in version order) that `limit` admits. Returns whether the
  // stream may hold more: the page was full and no event was past the limit.
  template <typename Evolve>
  absl::StatusOr<bool> Fold(const std::vector<eventstore::EventEnvelope>& page, Evolve& evolve,
                            const FoldLimit& limit) {
    for (const eventstore::EventEnvelope& envelope : page) {
      if (limit.recorded_at_or_before.has_value() &&
          absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(
              envelope.recorded_at())) > *limit.recorded_at_or_before) {
        return false;
      }
      absl::Status decoded = UnpackEvent(envelope.payload(), event_);
      if (!decoded.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("stream ", stream_id_, " version ", envelope.stream_version(),
                         " cannot be folded: ", decoded.message()));
      }
      if (!folded_.has_value()) {
        // `initial_` is moved at most once: only while `folded_` is empty, which it never is
        // again (and Finish() reads `initial_` only while `folded_` is empty).
        folded_.emplace(cached_ != nullptr
                            ? State(*cached_)
                            : std::move(initial_));  // NOLINT(bugprone-use-after-move)
      }
      folded_ = evolve(*std::move(folded_), event_);
      version_ = envelope.stream_version();
    }
    return page.size() == kLoadPageSize;
  }

  uint64_t version() const { return version_; }

  LoadedAggregate<State> Finish() && {
    if (!folded_.has_value()) {
      if (cached_ == nullptr) cached_ = std::make_shared<const State>(std::move(initial_));
      return {std::move(cached_), version_};
    }
    return {std::make_shared<const State>(*std::move(folded_)), version_};
  }

 private:
  const std::string& stream_id_;
  State initial_;
  std::shared_ptr<const State> cached_;
  uint64_t version_;
  std::optional<State> folded_;
  Wrapper event_;
};

// Where a load of `stream_id` starts: the cache's snapshot and version, if any.
template <typename State>
std::pair<std::shared_ptr<const State>, uint64_t> CachedStart(AggregateCache<State>* cache,
                                                              const std::string& stream_id) {
  if (cache != nullptr) {
    if (auto entry = cache->Get(stream_id)) return *std::move(entry);
  }
  return {nullptr, 0};
}

// Ends a load: caches the state if it moved on from the cached version (the snapshot is shared,
// not copied).
template <typename Wrapper, typename State>
LoadedAggregate<State> FinishLoad(StreamFold<Wrapper, State> fold, uint64_t cached_version,
                                  const std::string& stream_id, AggregateCache<State>* cache) {
  LoadedAggregate<State> loaded = std::move(fold).Finish();
  if (cache != nullptr && loaded.version > cached_version) {
    cache->Put(stream_id, loaded.state, loaded.version);
  }
  return loaded;
}

}  // namespace internal

template <typename Wrapper, typename State, typename Evolve>
absl::StatusOr<LoadedAggregate<State>> LoadAggregate(eventstore::EventStore& store,
                                                     const std::string& stream_id, State initial,
                                                     Evolve&& evolve, FoldLimit limit = {},
                                                     AggregateCache<State>* cache = nullptr) {
  if (limit.recorded_at_or_before.has_value()) cache = nullptr;  // a past state is not cached
  auto [cached, cached_version] = internal::CachedStart(cache, stream_id);
  internal::StreamFold<Wrapper, State> fold(stream_id, std::move(initial), std::move(cached),
                                            cached_version);
  bool more = true;
  while (more) {
    ASSIGN_OR_RETURN(std::vector<eventstore::EventEnvelope> page,
                     store.ReadStream(stream_id, fold.version() + 1, kLoadPageSize));
    ASSIGN_OR_RETURN(more, fold.Fold(page, evolve, limit));
  }
  return internal::FinishLoad(std::move(fold), cached_version, stream_id, cache);
}

// LoadAggregate for several streams of one kind at once, in request order (ids may repeat):
// one batched store read (EventStore::ReadStreams) for all of them, then one read per stream
// for the rare stream longer than a page. For a command or query that needs many small
// aggregates together (an order's lines' price streams or stock).
template <typename Wrapper, typename State, typename Evolve>
absl::StatusOr<std::vector<LoadedAggregate<State>>> LoadAggregates(
    eventstore::EventStore& store, const std::vector<std::string>& stream_ids, const State& initial,
    Evolve&& evolve, AggregateCache<State>* cache = nullptr) {
  std::vector<internal::StreamFold<Wrapper, State>> folds;
  std::vector<uint64_t> cached_versions;
  std::vector<eventstore::StreamRead> reads;
  folds.reserve(stream_ids.size());
  for (const std::string& stream_id : stream_ids) {
    auto [cached, cached_version] = internal::CachedStart(cache, stream_id);
    folds.emplace_back(stream_id, initial, std::move(cached), cached_version);
    cached_versions.push_back(cached_version);
    reads.push_back({.stream_id = stream_id, .from_version = cached_version + 1});
  }
  ASSIGN_OR_RETURN(std::vector<std::vector<eventstore::EventEnvelope>> pages,
                   store.ReadStreams(reads, kLoadPageSize));
  std::vector<LoadedAggregate<State>> loaded;
  loaded.reserve(stream_ids.size());
  for (size_t i = 0; i < stream_ids.size(); ++i) {
    ASSIGN_OR_RETURN(bool more, folds[i].Fold(pages[i], evolve, {}));
    while (more) {
      ASSIGN_OR_RETURN(std::vector<eventstore::EventEnvelope> page,
                       store.ReadStream(stream_ids[i], folds[i].version() + 1, kLoadPageSize));
      ASSIGN_OR_RETURN(more, folds[i].Fold(page, evolve, {}));
    }
    loaded.push_back(
        internal::FinishLoad(std::move(folds[i]), cached_versions[i], stream_ids[i], cache));
  }
  return loaded;
}

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_AGGREGATE_LOADER_H_
