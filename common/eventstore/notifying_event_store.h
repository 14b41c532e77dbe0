// NotifyingEventStore: the EventStore a WriteSide hands to its context and to the in-process
// followers of its log. It raises an AppendSignal after every successful Append and AppendAll of
// the store it wraps, so that the followers need not poll it, and answers their ReadAllShared
// from the newest events kept decoded once for all of them (RecentEvents). Everything else is
// forwarded unchanged.
#ifndef SALES_COMMON_EVENTSTORE_NOTIFYING_EVENT_STORE_H_
#define SALES_COMMON_EVENTSTORE_NOTIFYING_EVENT_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/eventstore/append_signal.h"
#include "common/eventstore/event_store.h"
#include "common/eventstore/recent_events.h"

namespace sales::eventstore {

class NotifyingEventStore final : public EventStore {
 public:
  // `signal` must outlive the store.
  NotifyingEventStore(std::unique_ptr<EventStore> store, const AppendSignal* signal,
                      size_t recent_event_bytes = RecentEvents::kDefaultMaxBytes)
      : store_(std::move(store)), signal_(signal), recent_(recent_event_bytes) {}

  absl::StatusOr<AppendResult> Append(AppendRequest request) override {
    absl::StatusOr<AppendResult> result = store_->Append(std::move(request));
    if (result.ok() && !result->deduplicated) signal_->Notify();
    return result;
  }
  absl::StatusOr<std::vector<AppendResult>> AppendAll(MultiAppendRequest request) override {
    absl::StatusOr<std::vector<AppendResult>> results = store_->AppendAll(std::move(request));
    if (results.ok()) signal_->Notify();
    return results;
  }

  absl::StatusOr<absl::optional<std::vector<AppendResult>>> FindIdempotentAppend(
      const std::string& key, const std::string& fingerprint) override {
    return store_->FindIdempotentAppend(key, fingerprint);
  }
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                        uint64_t from_version,
                                                        size_t max_count) override {
    return store_->ReadStream(stream_id, from_version, max_count);
  }
  absl::StatusOr<std::vector<std::vector<EventEnvelope>>> ReadStreams(
      const std::vector<StreamRead>& reads, size_t max_count) override {
    return store_->ReadStreams(reads, max_count);
  }
  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position,
                                                     size_t max_count) override {
    return store_->ReadAll(from_position, max_count);
  }
  absl::StatusOr<std::vector<SharedEvent>> ReadAllShared(uint64_t from_position,
                                                         size_t max_count) override {
    return recent_.Read(from_position, max_count, [this](uint64_t from, size_t count) {
      return store_->ReadAll(from, count);
    });
  }
  absl::StatusOr<std::vector<StoredEvent>> ReadStreamRaw(const std::string& stream_id,
                                                         uint64_t from_version,
                                                         size_t max_count) override {
    return store_->ReadStreamRaw(stream_id, from_version, max_count);
  }
  absl::StatusOr<std::vector<StoredEvent>> ReadAllRaw(uint64_t from_position,
                                                      size_t max_count) override {
    return store_->ReadAllRaw(from_position, max_count);
  }
  absl::StatusOr<StreamHead> GetStreamHead(const std::string& stream_id) override {
    return store_->GetStreamHead(stream_id);
  }
  uint64_t HeadPosition() const override { return store_->HeadPosition(); }
  absl::StatusOr<std::vector<StoredEvent>> ReadOutbox(uint64_t from_position,
                                                      size_t max_count) override {
    return store_->ReadOutbox(from_position, max_count);
  }
  absl::Status DeleteOutbox(const std::vector<uint64_t>& positions) override {
    return store_->DeleteOutbox(positions);
  }
  uint64_t OutboxSize() const override { return store_->OutboxSize(); }

 private:
  const std::unique_ptr<EventStore> store_;
  const AppendSignal* const signal_;
  RecentEvents recent_;
};

}  // namespace sales::eventstore

#endif  // SALES_COMMON_EVENTSTORE_NOTIFYING_EVENT_STORE_H_
