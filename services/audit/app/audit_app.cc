#include "services/audit/app/audit_app.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/audit/app/history_page_builder.h"
#include "services/audit/domain/history_keys.h"
#include "services/audit/domain/payload_inspection.h"

namespace sales::audit {
namespace {

// Events read from a store per page: enough to amortise the store's iterators, few enough that
// a page's buffers stay small.
constexpr size_t kStorePageSize = 256;

}  // namespace

absl::StatusOr<std::vector<std::string>> AuditApp::GetDealHistory(
    const v1::GetDealHistoryRequest& request) const {
  RETURN_IF_ERROR(ValidateDealId("deal_id", request.deal_id()));
  std::vector<std::string> pages;
  HistoryPageBuilder page;
  ReasonReader reasons;
  uint64_t sequence = 0;
  // The rows of one causal time, listed when the next time begins, an effect after its cause
  // (CauseFirstOrder): a process manager dates what it does at its cause's instant.
  struct Row {
    std::string bytes;
    common::v1::EventEnvelope event;
  };
  std::vector<Row> instant;
  std::string instant_time;
  const auto list_instant = [&] {
    std::vector<std::pair<absl::string_view, absl::string_view>> ids;
    ids.reserve(instant.size());
    for (const Row& row : instant) ids.emplace_back(row.event.event_id(), row.event.causation_id());
    for (const size_t i : CauseFirstOrder(ids)) {
      const Row& row = instant[i];
      std::string json;
      if (request.payload_json()) {
        absl::StatusOr<std::string> rendered = PayloadJson(row.event.payload());
        json = rendered.ok() ? *std::move(rendered) : std::string(rendered.status().message());
      }
      page.Add(++sequence, row.bytes, reasons.Read(row.event.payload()), json);
      if (page.entries() == options_.history_page_size) pages.push_back(page.Take());
    }
    instant.clear();
  };
  const std::string prefix = HistoryPrefix(request.deal_id());
  absl::Status failure;
  RETURN_IF_ERROR(options_.index->Scan(prefix, [&](absl::string_view key, absl::string_view value) {
    const absl::string_view time = key.substr(prefix.size(), kCausalTimeBytes);
    if (time != instant_time) {
      list_instant();
      instant_time = std::string(time);
    }
    Row& row = instant.emplace_back();
    if (!row.event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      failure = absl::DataLossError(
          absl::StrCat("deal-history index row ", absl::CHexEscape(key), " does not decode"));
      return false;
    }
    row.bytes = std::string(value);
    return true;
  }));
  RETURN_IF_ERROR(failure);
  list_instant();
  if (page.entries() > 0) pages.push_back(page.Take());
  if (pages.empty()) {
    return absl::NotFoundError(absl::StrCat("deal ", Quoted(request.deal_id()), " not found"));
  }
  return pages;
}

absl::StatusOr<v1::GetDealAsOfResponse> AuditApp::GetDealAsOf(
    const v1::GetDealAsOfRequest& request) const {
  RETURN_IF_ERROR(ValidateDealId("deal_id", request.deal_id()));
  if (!request.has_as_of()) return InvalidField("as_of", "required");
  RETURN_IF_ERROR(ValidateInstant("as_of", request.as_of()));
  ASSIGN_OR_RETURN(std::vector<StreamRef> streams, StreamsOf(request.deal_id()));
  v1::GetDealAsOfResponse response;
  response.set_deal_id(request.deal_id());
  *response.mutable_as_of() = request.as_of();
  for (const StreamRef& stream : streams) {
    ASSIGN_OR_RETURN(v1::StreamState state, StreamAsOf(stream, FromTimestamp(request.as_of())));
    if (state.version() == 0) continue;
    response.set_events_folded(response.events_folded() + state.version());
    *response.add_streams() = std::move(state);
  }
  if (response.streams_size() == 0) {
    return absl::NotFoundError(
        absl::StrCat("deal ", Quoted(request.deal_id()), " had no event at ",
                     absl::FormatTime(absl::RFC3339_full,
                                      absl::FromUnixSeconds(request.as_of().seconds()) +
                                          absl::Nanoseconds(request.as_of().nanos()),
                                      absl::UTCTimeZone())));
  }
  return response;
}

absl::StatusOr<v1::VerifyResponse> AuditApp::VerifyDeal(
    const v1::VerifyDealRequest& request) const {
  RETURN_IF_ERROR(ValidateDealId("deal_id", request.deal_id()));
  ASSIGN_OR_RETURN(std::vector<StreamRef> streams, StreamsOf(request.deal_id()));
  // The history and the as-of answers come from the index: an event changed, dropped or
  // invented there is tampering as much as one in a store.
  ASSIGN_OR_RETURN(IndexedEvents indexed, IndexedEventsOf(request.deal_id()));
  static const std::map<uint64_t, common::v1::EventEnvelope> kNone;
  v1::VerifyResponse response;
  response.set_intact(true);
  for (const StreamRef& stream : streams) {
    const auto of_stream = indexed.find(stream);
    ASSIGN_OR_RETURN(v1::StreamVerification verification,
                     Verify(stream, of_stream == indexed.end() ? &kNone : &of_stream->second));
    if (verification.intact() && verification.events_checked() == 0) {
      // The index serves events of this stream that its owning store does not hold: nothing was
      // checked, which is no evidence of integrity (e.g. an index fed by another store).
      verification.set_intact(false);
      verification.set_first_bad_version(1);
      verification.set_problem(
          "nothing checked: the owning store holds no event of a stream the index serves");
    }
    if (!verification.intact()) response.set_intact(false);
    *response.add_streams() = std::move(verification);
  }
  return response;
}

absl::StatusOr<v1::VerifyResponse> AuditApp::VerifyStream(
    const v1::VerifyStreamRequest& request) const {
  if (request.service().empty()) return InvalidField("service", "required");
  RETURN_IF_ERROR(eventstore::ValidateStreamId(request.stream_id()));
  if (!options_.sources.contains(request.service())) {
    return absl::NotFoundError(
        absl::StrCat("no event store of service ", Quoted(request.service())));
  }
  ASSIGN_OR_RETURN(v1::StreamVerification verification,
                   Verify({request.service(), request.stream_id()}));
  if (verification.events_checked() == 0 && verification.intact()) {
    return absl::NotFoundError(absl::StrCat("stream ", Quoted(request.stream_id()), " of service ",
                                            Quoted(request.service()), " not found"));
  }
  v1::VerifyResponse response;
  response.set_intact(verification.intact());
  *response.add_streams() = std::move(verification);
  return response;
}

absl::StatusOr<std::vector<AuditApp::StreamRef>> AuditApp::StreamsOf(
    const std::string& deal_id) const {
  const std::string prefix = DealStreamsPrefix(deal_id);
  std::vector<StreamRef> streams;
  absl::Status failure;
  RETURN_IF_ERROR(options_.index->Scan(prefix, [&](absl::string_view key, absl::string_view) {
    absl::StatusOr<StreamRef> stream = ParseDealStreamKey(prefix, key);
    if (!stream.ok()) {
      failure = absl::DataLossError(stream.status().message());
      return false;
    }
    streams.push_back(*std::move(stream));
    return true;
  }));
  RETURN_IF_ERROR(failure);
  if (streams.empty()) {
    return absl::NotFoundError(absl::StrCat("deal ", Quoted(deal_id), " not found"));
  }
  return streams;
}

absl::StatusOr<feed::EventFeedReader*> AuditApp::SourceFor(const std::string& service) const {
  auto it = options_.sources.find(service);
  if (it == options_.sources.end()) {
    return absl::FailedPreconditionError(absl::StrCat("no event store of service ", service,
                                                      " is reachable from the audit service"));
  }
  return it->second;
}

absl::StatusOr<v1::StreamState> AuditApp::StreamAsOf(const StreamRef& stream,
                                                     const CausalTime& as_of) const {
  ASSIGN_OR_RETURN(feed::EventFeedReader * source, SourceFor(stream.first));
  std::unique_ptr<eventsourcing::StateFolder::StreamFold> fold;
  if (auto folder = options_.folders.find(stream.first); folder != options_.folders.end()) {
    fold = folder->second->Start();
  }
  // Folds the longest prefix of the stream whose causal times are ≤ as_of (causal times never go
  // backwards within a stream, so the first later event ends it), one event at a time: parsing
  // into the same envelope reuses its strings instead of allocating each event's anew.
  common::v1::EventEnvelope envelope;
  std::optional<CausalTime> last_time;
  uint64_t version = 0;
  bool ended = false;
  while (!ended) {
    ASSIGN_OR_RETURN(std::vector<eventstore::StoredEvent> page,
                     source->ReadStreamStored(stream.second, version + 1, kStorePageSize));
    for (const eventstore::StoredEvent& stored : page) {
      if (!envelope.ParseFromString(stored.bytes)) {
        return absl::DataLossError(absl::StrCat("stream ", stream.second, " version ",
                                                stored.stream_version, " does not decode"));
      }
      const CausalTime time = NextCausalTime(last_time, envelope);
      if (as_of < time) {
        ended = true;
        break;
      }
      last_time = time;
      ++version;
      if (fold != nullptr) RETURN_IF_ERROR(fold->Add(envelope));
    }
    if (page.size() < kStorePageSize) ended = true;
  }
  v1::StreamState state;
  state.set_service(stream.first);
  state.set_stream_id(stream.second);
  state.set_version(version);
  if (version == 0) return state;
  *state.mutable_last_event_at() = ToTimestamp(*last_time);
  if (fold != nullptr) {
    *state.mutable_state() = fold->State();
    state.set_folded(true);
  }
  return state;
}

absl::StatusOr<AuditApp::IndexedEvents> AuditApp::IndexedEventsOf(
    const std::string& deal_id) const {
  IndexedEvents indexed;
  absl::Status failure;
  RETURN_IF_ERROR(options_.index->Scan(
      HistoryPrefix(deal_id), [&](absl::string_view key, absl::string_view value) {
        common::v1::EventEnvelope event;
        if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError(
              absl::StrCat("deal-history index row ", absl::CHexEscape(key), " does not decode"));
          return false;
        }
        const uint64_t version = event.stream_version();
        indexed[{event.service(), event.stream_id()}].emplace(version, std::move(event));
        return true;
      }));
  RETURN_IF_ERROR(failure);
  return indexed;
}

namespace {

// The first difference between what the store holds of a stream (`stored`, in version order)
// and the index's copy of its versions up to the last one indexed; nullopt when they agree.
struct IndexMismatch {
  uint64_t version = 0;
  std::string event_id;
  std::string problem;
};
std::optional<IndexMismatch> CompareWithIndex(
    const std::vector<common::v1::EventEnvelope>& stored,
    const std::map<uint64_t, common::v1::EventEnvelope>& indexed) {
  const uint64_t last_indexed = indexed.empty() ? 0 : indexed.rbegin()->first;
  for (const common::v1::EventEnvelope& event : stored) {
    if (event.stream_version() > last_indexed) break;  // not indexed yet (the index may lag)
    const auto copy = indexed.find(event.stream_version());
    if (copy == indexed.end()) {
      return IndexMismatch{event.stream_version(), event.event_id(),
                           "the deal-history index lacks this event of the store"};
    }
    if (!google::protobuf::util::MessageDifferencer::Equals(copy->second, event)) {
      return IndexMismatch{event.stream_version(), event.event_id(),
                           "the deal-history index's copy differs from the store's event"};
    }
  }
  const uint64_t stored_versions = stored.empty() ? 0 : stored.back().stream_version();
  if (last_indexed > stored_versions) {
    const common::v1::EventEnvelope& invented = indexed.upper_bound(stored_versions)->second;
    return IndexMismatch{invented.stream_version(), invented.event_id(),
                         "the deal-history index holds an event the store does not"};
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<v1::StreamVerification> AuditApp::Verify(
    const StreamRef& stream, const std::map<uint64_t, common::v1::EventEnvelope>* indexed) const {
  ASSIGN_OR_RETURN(feed::EventFeedReader * source, SourceFor(stream.first));
  ChainVerifier verifier(stream.second);
  std::vector<common::v1::EventEnvelope> stored_events;  // decoded, when comparing with `indexed`
  uint64_t next_version = 1;
  bool checking = true;
  while (checking) {
    ASSIGN_OR_RETURN(std::vector<eventstore::StoredEvent> page,
                     source->ReadStreamStored(stream.second, next_version, kStorePageSize));
    for (const eventstore::StoredEvent& stored : page) {
      if (!verifier.Add(stored)) {
        checking = false;
        break;
      }
      if (indexed != nullptr && !stored_events.emplace_back().ParseFromArray(
                                    stored.bytes.data(), static_cast<int>(stored.bytes.size()))) {
        return absl::DataLossError(absl::StrCat("stream ", stream.second, " version ",
                                                stored.stream_version, " does not decode"));
      }
    }
    next_version += page.size();
    if (page.size() < kStorePageSize) checking = false;
  }
  ASSIGN_OR_RETURN(eventstore::StreamHead head, source->GetStreamHead(stream.second));
  const StreamCheck check = verifier.Finish(head);
  v1::StreamVerification verification;
  verification.set_service(stream.first);
  verification.set_stream_id(stream.second);
  verification.set_events_checked(check.events_checked);
  verification.set_intact(check.intact);
  if (!check.intact) {
    verification.set_first_bad_version(check.first_bad_version);
    verification.set_first_bad_event_id(check.first_bad_event_id);
    verification.set_problem(check.problem);
  } else if (indexed != nullptr) {
    if (std::optional<IndexMismatch> mismatch = CompareWithIndex(stored_events, *indexed)) {
      verification.set_intact(false);
      verification.set_first_bad_version(mismatch->version);
      verification.set_first_bad_event_id(mismatch->event_id);
      verification.set_problem(mismatch->problem);
    }
  }
  return verification;
}

}  // namespace sales::audit
