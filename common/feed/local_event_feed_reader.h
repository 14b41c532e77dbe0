// LocalEventFeedReader: an EventFeedReader over an EventStore in the same process — for a
// projection hosted beside its write service (salesd's embedded mode) and for tests. It
// answers exactly what GrpcEventFeedReader would, without the network hop.
//
//   feed::LocalEventFeedReader reader(store.get());
//   ASSIGN_OR_RETURN(std::vector<EventEnvelope> events, reader.ReadStream("lead-42", 3, 0));
//
// Blocking (reads RocksDB): never call it on a gRPC reaction thread.
// Thread-safety: as the store's reads — every method may be called concurrently. `store` must
// outlive the reader.
#ifndef SALES_COMMON_FEED_LOCAL_EVENT_FEED_READER_H_
#define SALES_COMMON_FEED_LOCAL_EVENT_FEED_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/eventstore/event_store.h"
#include "common/feed/event_feed_reader.h"

namespace sales::feed {

class LocalEventFeedReader final : public EventFeedReader {
 public:
  explicit LocalEventFeedReader(eventstore::EventStore* store) : store_(store) {}

  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position,
                                                     size_t max_count) override;
  absl::StatusOr<std::vector<eventstore::SharedEvent>> ReadAllShared(uint64_t from_position,
                                                                     size_t max_count) override {
    return store_->ReadAllShared(from_position, max_count);
  }
  // Validated like the EventFeed service's ReadStream (see feed_requests.h).
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                        uint64_t from_version,
                                                        uint64_t to_version) override;
  absl::StatusOr<uint64_t> HeadPosition() override;
  absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamStored(
      const std::string& stream_id, uint64_t from_version, size_t max_count) override {
    return store_->ReadStreamRaw(stream_id, from_version, max_count);
  }
  absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string& stream_id) override {
    return store_->GetStreamHead(stream_id);
  }

 private:
  eventstore::EventStore* const store_;
};

}  // namespace sales::feed

#endif  // SALES_COMMON_FEED_LOCAL_EVENT_FEED_READER_H_
