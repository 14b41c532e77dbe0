// EventFeedReader: how a projection reads a write service's log of record (its EventFeed), and
// how the audit service reads the stored bytes its tamper check verifies.
// Implementations: GrpcEventFeedReader (the EventFeed gRPC service of a remote or local
// server, the shipped path) and LocalEventFeedReader (an EventStore in the same process).
//
// Thread-safety: every implementation must allow every method to be called concurrently: the
// projections of a process share a source's reader, and a runner's catch-up reads its next page
// on another thread while it applies one (projection/internal/page_read_ahead.h).
#ifndef SALES_COMMON_FEED_EVENT_FEED_READER_H_
#define SALES_COMMON_FEED_EVENT_FEED_READER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/eventstore/event_store.h"
#include "common/status/status_macros.h"
#include "sales/common/v1/envelope.pb.h"

namespace sales::feed {

using ::sales::common::v1::EventEnvelope;

class EventFeedReader {
 public:
  virtual ~EventFeedReader() = default;
  // Up to max_count events with position ≥ from_position, in commit order. Fewer (possibly
  // none) means the end of the log as of the call.
  virtual absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position,
                                                             size_t max_count) = 0;
  // ReadAll's events, shared and immutable. A LocalEventFeedReader over a write side's store
  // hands every in-process follower the same decoded envelopes (eventstore/recent_events.h);
  // by default the events of ReadAll are wrapped.
  virtual absl::StatusOr<std::vector<eventstore::SharedEvent>> ReadAllShared(uint64_t from_position,
                                                                             size_t max_count) {
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> events, ReadAll(from_position, max_count));
    return eventstore::ShareEvents(std::move(events));
  }
  // Events of one stream with from_version ≤ version ≤ to_version (to_version 0 = to the end).
  virtual absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                                uint64_t from_version,
                                                                uint64_t to_version) = 0;
  // Last committed position of the log.
  virtual absl::StatusOr<uint64_t> HeadPosition() = 0;
  // Up to `max_count` events of the stream with version ≥ from_version, in order, exactly as
  // stored (the bytes the stream's hash chain covers).
  virtual absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamStored(
      const std::string& stream_id, uint64_t from_version, size_t max_count) = 0;
  // The stream's head as the store recorded it (version 0 for an unknown stream).
  virtual absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string& stream_id) = 0;
};

}  // namespace sales::feed

#endif  // SALES_COMMON_FEED_EVENT_FEED_READER_H_
