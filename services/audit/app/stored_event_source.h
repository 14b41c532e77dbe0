// StoredEventSource: read-only access to one write service's event store as stored bytes — what
// the audit service verifies hash chains against and folds as-of states from. Read-only by
// type: the audit service holds nothing that could write to a store.
//
//   LocalStoredEventSource leads(side->store());
//   ASSIGN_OR_RETURN(eventstore::StreamHead head, leads.GetStreamHead("lead-L-1"));
//
// Implementations: LocalStoredEventSource (a store in the same process: salesd, tests). A remote
// variant over the EventFeed gRPC service is not implemented yet: the feed serves decoded
// envelopes and no stream head, so it would need a raw-bytes RPC first.
//
// Thread-safety: implementations must allow concurrent calls. Blocking (RocksDB): never call on a
// gRPC reaction thread.
#ifndef SALES_SERVICES_AUDIT_APP_STORED_EVENT_SOURCE_H_
#define SALES_SERVICES_AUDIT_APP_STORED_EVENT_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/eventstore/event_store.h"

namespace sales::audit {

class StoredEventSource {
 public:
  virtual ~StoredEventSource() = default;
  // Up to `max_count` events of the stream with version ≥ from_version, in order, as stored.
  virtual absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamRaw(
      const std::string& stream_id, uint64_t from_version, size_t max_count) = 0;
  // The stream head as the store recorded it (version 0 for an unknown stream).
  virtual absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string& stream_id) = 0;
};

class LocalStoredEventSource final : public StoredEventSource {
 public:
  // `store` must outlive this source.
  explicit LocalStoredEventSource(eventstore::EventStore* store) : store_(store) {}

  absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamRaw(const std::string& stream_id,
                                                                     uint64_t from_version,
                                                                     size_t max_count) override {
    return store_->ReadStreamRaw(stream_id, from_version, max_count);
  }
  absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string& stream_id) override {
    return store_->GetStreamHead(stream_id);
  }

 private:
  eventstore::EventStore* const store_;
};

}  // namespace sales::audit

#endif  // SALES_SERVICES_AUDIT_APP_STORED_EVENT_SOURCE_H_
