#include "common/feed/local_event_feed_reader.h"

#include <algorithm>
#include <limits>

#include "common/feed/feed_requests.h"
#include "common/status/status_macros.h"

namespace sales::feed {

absl::StatusOr<std::vector<EventEnvelope>> LocalEventFeedReader::ReadAll(uint64_t from_position,
                                                                         size_t max_count) {
  return store_->ReadAll(from_position, max_count);
}

absl::StatusOr<std::vector<EventEnvelope>> LocalEventFeedReader::ReadStream(
    const std::string& stream_id, uint64_t from_version, uint64_t to_version) {
  RETURN_IF_ERROR(ValidateStreamRange(stream_id, from_version, to_version));
  const size_t max_count = to_version == 0 ? std::numeric_limits<size_t>::max()
                                           : to_version - std::max<uint64_t>(from_version, 1) + 1;
  return store_->ReadStream(stream_id, from_version, max_count);
}

absl::StatusOr<uint64_t> LocalEventFeedReader::HeadPosition() { return store_->HeadPosition(); }

}  // namespace sales::feed
