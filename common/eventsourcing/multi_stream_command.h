// ExecuteMultiStreamCommand: the write path of a command decided on several aggregates at once
// (an order with its customer's credit account and the stock of every line) — load each, decide,
// and append to all of them in ONE AppendAll, each stream at the version its state was loaded
// at: all or nothing. A concurrent append to any of them (ABORTED) makes it load and decide again,
// as ExecuteCommand does for one stream.
//
//   auto outcome = ExecuteMultiStreamCommand(store, options, [&](StreamSet& streams)
//                                                                -> absl::Status {
//     RETURN_IF_ERROR(ValidateConfirm(request));  // syntax first
//     ASSIGN_OR_RETURN(auto order, streams.Load<v1::OrderEvent>(OrderStreamId(id), v1::Order(),
//                                                               &Evolve, &order_cache));
//     ASSIGN_OR_RETURN(auto customer, streams.Load<v1::CustomerEvent>(…));
//     ASSIGN_OR_RETURN(OrderChange change, DecideConfirm(*order, *customer, …));
//     RETURN_IF_ERROR(streams.Append(OrderStreamId(id), change.order, order->deal_id()));
//     return streams.Append(CustomerStreamId(order->customer_id()), change.customer, "");
//   });
//
// Contracts:
//  - `decide(streams)` loads what it needs and appends events to streams it loaded (appending to
//    a stream it did not load is INTERNAL: its expected version would be unknown). It may be
//    called more than once (once per attempt) with a fresh StreamSet, so it must not have other
//    effects. Appending nothing writes nothing.
//  - options.stream_id / expected_version: the command's own stream and the version the caller
//    pinned (0: none). Loading that stream at another version is ABORTED (not retried) — unless
//    the decision refuses the command as malformed (INVALID_ARGUMENT), which is answered as such;
//    a conflict on any stream retries, and the retry's load of the pinned stream decides whether
//    the pin still holds.
//  - Each stream is appended at the version its first Load saw (a second Load of it seeing
//    another version retries the attempt), so a decision never lands on a state it did not read.
//  - A replayed idempotency key writes nothing and answers the first call's results
//    (deduplicated = true) and version (the command's own stream's, appended first; when the
//    first call did not append to it, the first stream's); the same key with another fingerprint
//    is refused by the store. A key needs a fingerprint.
//  - Envelopes get options.metadata, the deal id given to Append, and occurred_at from
//    `occurred_at_of` (the store's clock when it returns nullopt).
//  - Caches passed to Load serve the loads; the states after the append are not put back (the
//    next load folds the new events), so a cache never holds a state that was not committed.
#ifndef SALES_COMMON_EVENTSOURCING_MULTI_STREAM_COMMAND_H_
#define SALES_COMMON_EVENTSOURCING_MULTI_STREAM_COMMAND_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/eventsourcing/aggregate_loader.h"
#include "common/eventsourcing/command_executor.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventstore/event_store.h"
#include "common/status/status_macros.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace sales::eventsourcing {

// The occurred_at of an event's envelope (nullopt: the store's clock).
using OccurredAtFn =
    std::function<std::optional<google::protobuf::Timestamp>(const google::protobuf::Message&)>;

// The streams one attempt of a multi-stream command loaded, and what it appends to them.
class StreamSet {
 public:
  StreamSet(eventstore::EventStore& store, const CommandOptions& options,
            OccurredAtFn occurred_at_of)
      : store_(store), options_(options), occurred_at_of_(std::move(occurred_at_of)) {}

  // The stream's current state (folded with `evolve`, through `cache` when given), remembered
  // with its version for the append: the version the first Load of the stream saw, so that the
  // append fails (and the command is decided again) if the stream moved since the decision read
  // it. A later Load of the same stream that sees another version ends the attempt with ABORTED
  // (retried). The command's pinned stream at another version is noted (pin_conflict()) and
  // loaded all the same: the decision still runs, so that a malformed command is refused as
  // such (INVALID_ARGUMENT), not as a conflict.
  template <typename Wrapper, typename State, typename Evolve>
  absl::StatusOr<std::shared_ptr<const State>> Load(const std::string& stream_id, State initial,
                                                    Evolve&& evolve,
                                                    AggregateCache<State>* cache = nullptr) {
    ASSIGN_OR_RETURN(
        LoadedAggregate<State> loaded,
        LoadAggregate<Wrapper>(store_, stream_id, std::move(initial), evolve, {}, cache));
    if (stream_id == options_.stream_id && options_.expected_version != 0 &&
        options_.expected_version != loaded.version) {
      pin_conflict_ = absl::AbortedError(
          absl::StrCat("version conflict on stream ", stream_id, ": expected version ",
                       options_.expected_version, ", actual ", loaded.version));
    }
    auto [first, inserted] = versions_.try_emplace(stream_id, loaded.version);
    if (!inserted && first->second != loaded.version) {
      moved_ = true;
      return absl::AbortedError(absl::StrCat("stream ", stream_id, " moved during the decision"));
    }
    return std::move(loaded.state);
  }

  // Whether the attempt loaded `stream_id`.
  bool loaded(const std::string& stream_id) const { return versions_.contains(stream_id); }
  // The pinned stream's conflict (OK: none), and whether a stream moved between two loads.
  const absl::Status& pin_conflict() const { return pin_conflict_; }
  bool moved() const { return moved_; }

  // Adds `events` (wrappers of one aggregate type) to the append of a loaded stream, each
  // envelope carrying `deal_id`. Nothing for an empty list.
  template <typename Wrapper>
  absl::Status Append(const std::string& stream_id, const std::vector<Wrapper>& events,
                      const std::string& deal_id) {
    if (events.empty()) return absl::OkStatus();
    auto loaded = versions_.find(stream_id);
    if (loaded == versions_.end()) {
      return absl::InternalError(
          absl::StrCat("multi-stream command appends to ", stream_id, ", which it did not load"));
    }
    eventstore::AppendRequest* request = nullptr;
    for (eventstore::AppendRequest& append : appends_) {
      if (append.stream_id == stream_id) request = &append;
    }
    if (request == nullptr) {
      request = &appends_.emplace_back();
      request->stream_id = stream_id;
      request->expected_version = static_cast<int64_t>(loaded->second);
    }
    for (const Wrapper& event : events) {
      RETURN_IF_ERROR(AddEnvelope(*request, event, options_.metadata, deal_id,
                                  occurred_at_of_ != nullptr
                                      ? occurred_at_of_(event)
                                      : std::optional<google::protobuf::Timestamp>()));
    }
    return absl::OkStatus();
  }

  // What this attempt appends, stream by stream: the command's own stream first (so that a
  // replay's first result is its version), then the others in the order first appended to.
  std::vector<eventstore::AppendRequest> TakeAppends() {
    std::stable_partition(appends_.begin(), appends_.end(),
                          [this](const eventstore::AppendRequest& append) {
                            return append.stream_id == options_.stream_id;
                          });
    return std::move(appends_);
  }

 private:
  eventstore::EventStore& store_;
  const CommandOptions& options_;
  OccurredAtFn occurred_at_of_;
  std::map<std::string, uint64_t> versions_;  // loaded streams' versions (at their first load)
  std::vector<eventstore::AppendRequest> appends_;
  absl::Status pin_conflict_;
  bool moved_ = false;
};

struct MultiStreamOutcome {
  std::vector<eventstore::AppendResult> results;  // per appended stream, in append order
  bool deduplicated = false;                      // a replayed idempotency key: nothing written
  // The command's own stream's version after the command (0 when it appended nothing to it).
  uint64_t version = 0;
};

template <typename DecideFn>
absl::StatusOr<MultiStreamOutcome> ExecuteMultiStreamCommand(
    eventstore::EventStore& store, const CommandOptions& options, DecideFn&& decide,
    const OccurredAtFn& occurred_at_of = {}) {
  ASSIGN_OR_RETURN(auto earlier, EarlierResults(store, options, "ExecuteMultiStreamCommand"));
  if (earlier.has_value()) {
    MultiStreamOutcome outcome{.results = *std::move(earlier), .deduplicated = true};
    if (!outcome.results.empty()) outcome.version = outcome.results.front().last_version;
    return outcome;
  }
  for (int attempt = 1;; ++attempt) {
    StreamSet streams(store, options, occurred_at_of);
    const absl::Status decided = decide(streams);
    // A malformed command is refused as such; any other outcome on a pinned stream that moved
    // is the conflict.
    if (!streams.pin_conflict().ok() && !absl::IsInvalidArgument(decided)) {
      return streams.pin_conflict();
    }
    if (streams.moved() && attempt < options.max_attempts) continue;
    RETURN_IF_ERROR(decided);
    std::vector<eventstore::AppendRequest> appends = streams.TakeAppends();
    if (appends.empty()) return MultiStreamOutcome{};
    std::vector<std::string> stream_ids;
    stream_ids.reserve(appends.size());
    for (const eventstore::AppendRequest& append : appends) stream_ids.push_back(append.stream_id);
    absl::StatusOr<std::vector<eventstore::AppendResult>> appended =
        store.AppendAll({.appends = std::move(appends),
                         .idempotency_key = options.idempotency_key,
                         .idempotency_fingerprint = options.idempotency_fingerprint});
    if (appended.ok()) {
      MultiStreamOutcome outcome{.results = *std::move(appended)};
      outcome.deduplicated = !outcome.results.empty() && outcome.results.front().deduplicated;
      for (size_t i = 0; i < stream_ids.size() && i < outcome.results.size(); ++i) {
        if (stream_ids[i] == options.stream_id) outcome.version = outcome.results[i].last_version;
      }
      return outcome;
    }
    // A pinned stream that moved is refused by the next attempt's Load, without deciding again.
    const bool retry =
        appended.status().code() == absl::StatusCode::kAborted && attempt < options.max_attempts;
    if (!retry) return appended.status();
    // The store answers ABORTED only once the winner is committed: reloading now sees it.
  }
}

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_MULTI_STREAM_COMMAND_H_
