// ExecuteCommand: the write path of a command on one aggregate — load (fold its stream),
// decide (the domain's pure function), append (optimistic, with the stream version the decision
// was made on) — with retries when another writer appended in between.
//
//   CommandOptions options{.stream_id = LeadStreamId(id), .idempotency_key = request.key(),
//                          .idempotency_fingerprint = request.SerializeAsString(),
//                          .metadata = {.actor = actor, .correlation_id = correlation}};
//   ASSIGN_OR_RETURN(auto outcome,
//       ExecuteCommand<v1::LeadEvent>(store, options, v1::Lead(), &Evolve,
//           [&](const v1::Lead& lead) { return Decide(lead, request, context); },
//           [](const v1::Lead& lead) { return lead.deal_id(); }));
//
// Contracts:
//  - `decide(state)` returns the wrappers to append (possibly none: nothing is written). It may be
//    called more than once (once per attempt), so it must be pure. It checks the command's
//    syntax before its state: an INVALID_ARGUMENT it gives on the initial (empty) state is the
//    command's own, and is answered before a version conflict (validation before lookups).
//  - expected_version 0 means the caller did not pin a version: a conflict (another append won
//    the race) reloads and decides again, up to max_attempts; then ABORTED. A pinned version that
//    is not the stream's current one is ABORTED at once, without deciding.
//  - Every envelope gets the metadata, and deal_id = deal_id_of(state after that event), so the
//    event that converts a lead into a deal already carries the deal id.
//  - With a cache, loads fold only what was appended since the cached version, and the new state
//    is cached after the append. The state decided on is shared with the cache (see
//    aggregate_loader.h); a command that appends copies it once, to fold its events into.
//  - The outcome's state is an immutable snapshot (with a cache, the one the cache holds).
//  - A replayed idempotency key writes nothing and answers what the first call answered: the
//    version its append produced (recorded with the key), deduplicated = true, even when the
//    stream moved on since (the key is looked up before deciding), so that a client using it as
//    expected_version still gets its conflict check. The state is the current one. The same key
//    with another fingerprint is INVALID_ARGUMENT. A key needs a fingerprint.
//  - `occurred_at_of(event)` (optional) gives the envelope's occurred_at, e.g. the event's own
//    time; when it returns nullopt (or is not given) the store stamps its clock.
#ifndef SALES_COMMON_EVENTSOURCING_COMMAND_EXECUTOR_H_
#define SALES_COMMON_EVENTSOURCING_COMMAND_EXECUTOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/eventsourcing/aggregate_loader.h"
#include "common/eventsourcing/event_codec.h"
#include "common/eventstore/event_store.h"
#include "common/status/status_macros.h"
#include "google/protobuf/timestamp.pb.h"

namespace sales::eventsourcing {

// Who and why, stamped on every envelope a command appends.
struct EnvelopeMetadata {
  std::string actor;
  std::string correlation_id;
  std::string causation_id;
};

struct CommandOptions {
  std::string stream_id;
  uint64_t expected_version = 0;  // 0: not pinned by the caller (see the contracts above)
  std::string idempotency_key;
  std::string idempotency_fingerprint;
  EnvelopeMetadata metadata;
  int max_attempts = 8;
  // Unique keys the command takes (ClaimStreamId, command_support.h): each a new stream
  // (expected_version kNoStream) appended in one AppendAll with the decided events, and only
  // when the decision appends events. A claim already taken refuses the command with
  // ALREADY_EXISTS naming its stream, and nothing is written.
  std::vector<eventstore::AppendRequest> claims;
  // AppendRequest::keep_in_index for the command's append: for small streams that are read cold
  // many at a time (a price list's per-SKU streams).
  bool keep_in_index = false;
};

template <typename State>
struct CommandOutcome {
  std::shared_ptr<const State> state;  // after the command (or current, when deduplicated)
  uint64_t version = 0;                // the stream's version after the command
  size_t appended = 0;                 // events appended by this call
  bool deduplicated = false;
  uint64_t last_position = 0;  // global position of the last event appended by this call (or 0)
};

// The default occurred_at_of: leave occurred_at to the store.
struct StoreStampsOccurredAt {
  template <typename Wrapper>
  std::optional<google::protobuf::Timestamp> operator()(const Wrapper&) const {
    return std::nullopt;
  }
};

// The first results of a replayed idempotency key (nullopt: no key, or a new one). Looked up
// before deciding, so that a retry of a request already carried out is answered as it was, not
// decided again on a state that may have moved on. `executor` names the caller in the error a key
// without a fingerprint gets.
inline absl::StatusOr<absl::optional<std::vector<eventstore::AppendResult>>> EarlierResults(
    eventstore::EventStore& store, const CommandOptions& options, absl::string_view executor) {
  if (options.idempotency_key.empty()) return absl::nullopt;
  if (options.idempotency_fingerprint.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(executor, ": an idempotency key needs an idempotency fingerprint"));
  }
  return store.FindIdempotentAppend(options.idempotency_key, options.idempotency_fingerprint);
}

// Adds `event` to the append as an envelope with the command's metadata, the deal id and, when
// given, its occurred_at (else the store stamps its clock).
template <typename Wrapper>
absl::Status AddEnvelope(eventstore::AppendRequest& request, const Wrapper& event,
                         const EnvelopeMetadata& metadata, const std::string& deal_id,
                         std::optional<google::protobuf::Timestamp> occurred_at) {
  eventstore::EventEnvelope& envelope = request.events.emplace_back();
  ASSIGN_OR_RETURN(*envelope.mutable_payload(), PackEvent(event));
  envelope.set_actor(metadata.actor);
  envelope.set_correlation_id(metadata.correlation_id);
  envelope.set_causation_id(metadata.causation_id);
  envelope.set_deal_id(deal_id);
  if (occurred_at.has_value()) *envelope.mutable_occurred_at() = *std::move(occurred_at);
  return absl::OkStatus();
}

// The command's append and its claims in one AppendAll; the command stream's result. ABORTED
// from the store becomes ALREADY_EXISTS when a claim is the stream that exists.
inline absl::StatusOr<eventstore::AppendResult> AppendWithClaims(
    eventstore::EventStore& store, eventstore::AppendRequest request,
    const std::vector<eventstore::AppendRequest>& claims) {
  eventstore::MultiAppendRequest multi{
      .idempotency_key = std::move(request.idempotency_key),
      .idempotency_fingerprint = std::move(request.idempotency_fingerprint)};
  request.idempotency_key.clear();
  request.idempotency_fingerprint.clear();
  multi.appends.push_back(std::move(request));
  for (const eventstore::AppendRequest& claim : claims) multi.appends.push_back(claim);
  absl::StatusOr<std::vector<eventstore::AppendResult>> appended =
      store.AppendAll(std::move(multi));
  if (appended.ok()) return appended->front();
  if (appended.status().code() == absl::StatusCode::kAborted) {
    for (const eventstore::AppendRequest& claim : claims) {
      ASSIGN_OR_RETURN(eventstore::StreamHead head, store.GetStreamHead(claim.stream_id));
      if (head.version > 0) {
        return absl::AlreadyExistsError(absl::StrCat(claim.stream_id, " is already claimed"));
      }
    }
  }
  return appended.status();
}

template <typename Wrapper, typename State, typename Evolve, typename DecideFn, typename DealIdOf,
          typename OccurredAtOf = StoreStampsOccurredAt>
absl::StatusOr<CommandOutcome<State>> ExecuteCommand(
    eventstore::EventStore& store, const CommandOptions& options, const State& initial,
    Evolve&& evolve, DecideFn&& decide, DealIdOf&& deal_id_of,
    // Not deduced: nullptr is accepted.
    std::type_identity_t<AggregateCache<State>>* cache = nullptr,
    OccurredAtOf occurred_at_of = {}) {
  // A retry of a request already carried out is answered as it was (where deciding again could
  // now be refused, e.g. "move to the stage it is already in").
  ASSIGN_OR_RETURN(auto earlier, EarlierResults(store, options, "ExecuteCommand"));
  if (earlier.has_value() && !earlier->empty()) {
    ASSIGN_OR_RETURN(LoadedAggregate<State> current,
                     LoadAggregate<Wrapper>(store, options.stream_id, initial, evolve, {}, cache));
    return CommandOutcome<State>{std::move(current.state), earlier->front().last_version, 0, true};
  }
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(LoadedAggregate<State> loaded,
                     LoadAggregate<Wrapper>(store, options.stream_id, initial, evolve, {}, cache));
    if (options.expected_version != 0 && options.expected_version != loaded.version) {
      // A malformed command is refused as such, not as a conflict (the decision on the initial
      // state checks syntax only before it looks at anything the state holds).
      absl::StatusOr<std::vector<Wrapper>> on_initial = decide(initial);
      if (on_initial.status().code() == absl::StatusCode::kInvalidArgument) {
        return on_initial.status();
      }
      return absl::AbortedError(absl::StrCat("version conflict on stream ", options.stream_id,
                                             ": expected version ", options.expected_version,
                                             ", actual ", loaded.version));
    }
    ASSIGN_OR_RETURN(std::vector<Wrapper> decided, decide(*loaded.state));
    if (decided.empty()) return CommandOutcome<State>{std::move(loaded.state), loaded.version};

    eventstore::AppendRequest request{.stream_id = options.stream_id,
                                      .expected_version = static_cast<int64_t>(loaded.version),
                                      .idempotency_key = options.idempotency_key,
                                      .idempotency_fingerprint = options.idempotency_fingerprint,
                                      .keep_in_index = options.keep_in_index};
    State next = *loaded.state;  // the one copy: the loaded snapshot is shared with the cache
    loaded.state.reset();
    for (const Wrapper& event : decided) {
      next = evolve(std::move(next), event);
      RETURN_IF_ERROR(
          AddEnvelope(request, event, options.metadata, deal_id_of(next), occurred_at_of(event)));
    }
    absl::StatusOr<eventstore::AppendResult> appended =
        options.claims.empty() ? store.Append(std::move(request))
                               : AppendWithClaims(store, std::move(request), options.claims);
    if (appended.ok() && appended->deduplicated) {
      // Someone (an earlier try of this very request) already did it: answer as it was answered.
      ASSIGN_OR_RETURN(
          LoadedAggregate<State> current,
          LoadAggregate<Wrapper>(store, options.stream_id, initial, evolve, {}, cache));
      return CommandOutcome<State>{std::move(current.state), appended->last_version, 0, true};
    }
    if (appended.ok()) {
      auto snapshot = std::make_shared<const State>(std::move(next));
      if (cache != nullptr) cache->Put(options.stream_id, snapshot, appended->last_version);
      return CommandOutcome<State>{std::move(snapshot), appended->last_version, decided.size(),
                                   false, appended->last_position};
    }
    const bool retry = appended.status().code() == absl::StatusCode::kAborted &&
                       options.expected_version == 0 && attempt < options.max_attempts;
    if (!retry) return appended.status();
    // The store answers ABORTED only once the winner is committed: reloading now sees it.
  }
}

}  // namespace sales::eventsourcing

#endif  // SALES_COMMON_EVENTSOURCING_COMMAND_EXECUTOR_H_
