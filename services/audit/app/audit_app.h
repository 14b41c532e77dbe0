// AuditApp: the audit service without transport — deal history from the deal-history index,
// as-of states folded from the event stores with each service's own Evolve, and hash-chain
// verification against the event stores. Definitions (causal order, "as of"): see
// proto/sales/audit/v1/audit.proto and services/audit/README.md.
//
//   AuditApp app({.index = &runner->store(), .sources = {{"leads", &leads_source}},
//                 .folders = {{"leads", &lead_folder}}});
//   ASSIGN_OR_RETURN(std::vector<std::string> pages, app.GetDealHistory(request));
//   for (const std::string& page : pages) Send(page);  // each a serialized v1::DealHistoryPage
//
// Read-only: it reads the index (ProjectionStore::Get/Scan) and the stores through
// EventFeedReader (local or over gRPC), which has no write method; no call changes any store.
// Thread-safety: every method may be called concurrently. Methods block on RocksDB: call them
// from an executor, not from a gRPC reaction thread.
#ifndef SALES_SERVICES_AUDIT_APP_AUDIT_APP_H_
#define SALES_SERVICES_AUDIT_APP_AUDIT_APP_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/eventsourcing/state_folder.h"
#include "common/feed/event_feed_reader.h"
#include "common/projection/projection_store.h"
#include "sales/audit/v1/audit.pb.h"
#include "services/audit/domain/chain_verifier.h"
#include "services/audit/domain/history_keys.h"

namespace sales::audit {

struct AuditAppOptions {
  projection::ProjectionStore* index = nullptr;           // the deal-history read model
  std::map<std::string, feed::EventFeedReader*> sources;  // by service; not owned
  eventsourcing::StateFolders folders;                    // by service; not owned
  size_t history_page_size = 200;                         // entries per DealHistoryPage
};

class AuditApp {
 public:
  // `options.index` must outlive the app, as must every source and folder.
  explicit AuditApp(AuditAppOptions options) : options_(std::move(options)) {}

  // The deal's history in causal order, in pages, each the wire bytes of a v1::DealHistoryPage
  // (built by HistoryPageBuilder: the index's envelope bytes are not decoded into messages, the
  // gRPC adapter sends the bytes as they are). NOT_FOUND when the index has no event of the deal;
  // DATA_LOSS when an index row does not decode.
  absl::StatusOr<std::vector<std::string>> GetDealHistory(
      const v1::GetDealHistoryRequest& request) const;
  // NOT_FOUND for an unknown deal, or when none of its streams had an event at the instant.
  // FAILED_PRECONDITION when a stream's service has no source, or an event cannot be folded.
  absl::StatusOr<v1::GetDealAsOfResponse> GetDealAsOf(const v1::GetDealAsOfRequest& request) const;
  // Every stream of the deal, in (service, stream id) order. NOT_FOUND for an unknown deal.
  absl::StatusOr<v1::VerifyResponse> VerifyDeal(const v1::VerifyDealRequest& request) const;
  // NOT_FOUND for an unknown service or a stream its store does not have.
  absl::StatusOr<v1::VerifyResponse> VerifyStream(const v1::VerifyStreamRequest& request) const;

 private:
  using StreamRef = std::pair<std::string, std::string>;  // (service, stream id)
  // The deal's streams from the index; NOT_FOUND when none.
  absl::StatusOr<std::vector<StreamRef>> StreamsOf(const std::string& deal_id) const;
  absl::StatusOr<feed::EventFeedReader*> SourceFor(const std::string& service) const;
  // The stream as of `as_of` (version 0 when no event was folded).
  absl::StatusOr<v1::StreamState> StreamAsOf(const StreamRef& stream,
                                             const CausalTime& as_of) const;
  // The deal's events as its history index holds them, by stream and version.
  using IndexedEvents = std::map<StreamRef, std::map<uint64_t, common::v1::EventEnvelope>>;
  absl::StatusOr<IndexedEvents> IndexedEventsOf(const std::string& deal_id) const;
  // The stream's hash chain in its owning store; with `indexed`, also that every event the index
  // holds of it (up to the last version indexed: the index may lag) is the store's own.
  absl::StatusOr<v1::StreamVerification> Verify(
      const StreamRef& stream,
      const std::map<uint64_t, common::v1::EventEnvelope>* indexed = nullptr) const;

  const AuditAppOptions options_;
};

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_APP_AUDIT_APP_H_
