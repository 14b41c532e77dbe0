#include "common/eventstore/recent_events.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "common/status/status_macros.h"

namespace sales::eventstore {

absl::StatusOr<std::vector<SharedEvent>> RecentEvents::Read(uint64_t from_position,
                                                            size_t max_count, ReadLog read_log) {
  const uint64_t from = std::max<uint64_t>(from_position, 1);
  std::vector<SharedEvent> out;
  if (max_count == 0) return out;
  {
    absl::MutexLock lock(&mu_);
    if (events_.empty() || from > end_position_) {  // a new run starts here
      events_.clear();
      bytes_ = 0;
      first_position_ = end_position_ = from;
    }
    if (from >= first_position_) {
      out.reserve(std::min<uint64_t>(max_count, end_position_ - from + 64));
      for (uint64_t position = from; position < end_position_ && out.size() < max_count;
           ++position) {
        out.push_back(events_[position - first_position_].event);
      }
      if (out.size() < max_count) {
        ASSIGN_OR_RETURN(std::vector<EventEnvelope> newer,
                         read_log(end_position_, max_count - out.size()));
        Keep(std::move(newer), out);
        while (bytes_ > max_bytes_ && !events_.empty()) DropOldest();
      }
      return out;
    }
  }
  // Below the run: read, share, keep nothing.
  ASSIGN_OR_RETURN(std::vector<EventEnvelope> older, read_log(from, max_count));
  return ShareEvents(std::move(older));
}

void RecentEvents::Keep(std::vector<EventEnvelope> events, std::vector<SharedEvent>& out) {
  bool continues = true;
  for (size_t i = 0; continues && i < events.size(); ++i) {
    continues = events[i].global_position() == end_position_ + i;
  }
  for (EventEnvelope& event : events) {
    const size_t bytes = continues ? event.ByteSizeLong() : 0;
    out.push_back(std::make_shared<EventEnvelope>(std::move(event)));
    if (!continues) continue;
    events_.push_back({.event = out.back(), .bytes = bytes});
    bytes_ += bytes;
  }
  if (continues) end_position_ += events.size();
}

void RecentEvents::DropOldest() {
  bytes_ -= events_.front().bytes;
  events_.pop_front();
  ++first_position_;
}

uint64_t RecentEvents::first_position() const {
  absl::MutexLock lock(&mu_);
  return first_position_;
}

uint64_t RecentEvents::end_position() const {
  absl::MutexLock lock(&mu_);
  return end_position_;
}

size_t RecentEvents::bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

}  // namespace sales::eventstore
