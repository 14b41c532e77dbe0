#include "common/eventstore/internal/outbox_index.h"

#include <algorithm>
#include <iterator>

namespace sales::eventstore::internal {

void OutboxIndex::Add(uint64_t first, uint64_t last) {
  absl::MutexLock lock(&mu_);
  if (rows_.try_emplace(first, last).second) waiting_events_ += last - first + 1;
}

std::vector<PositionRange> OutboxIndex::RangesFrom(uint64_t from, size_t max_events) const {
  absl::MutexLock lock(&mu_);
  std::vector<PositionRange> ranges;
  // The row holding `from`, if any, else the first row after it.
  auto row = rows_.upper_bound(from);
  if (row != rows_.begin() && std::prev(row)->second >= from) --row;
  for (uint64_t taken = 0; row != rows_.end() && taken < max_events; ++row) {
    const uint64_t first = std::max(row->first, from);
    const uint64_t count = std::min<uint64_t>(row->second - first + 1, max_events - taken);
    ranges.push_back({first, first + count - 1});
    taken += count;
  }
  return ranges;
}

std::vector<uint64_t> OutboxIndex::MarkDelivered(const std::vector<uint64_t>& positions) {
  absl::MutexLock lock(&mu_);
  std::vector<uint64_t> complete;
  for (uint64_t position : positions) {
    auto row = rows_.upper_bound(position);
    if (row == rows_.begin()) continue;
    --row;
    const auto [first, last] = *row;
    if (position > last) continue;  // between rows: not waiting
    if (first != last) {            // a single-event row needs no bookkeeping: it is complete now
      absl::flat_hash_set<uint64_t>& delivered = partly_delivered_[first];
      delivered.insert(position);
      if (delivered.size() < last - first + 1) continue;
    }
    complete.push_back(first);
  }
  std::sort(complete.begin(), complete.end());
  complete.erase(std::unique(complete.begin(), complete.end()), complete.end());
  return complete;
}

void OutboxIndex::Remove(const std::vector<uint64_t>& firsts) {
  absl::MutexLock lock(&mu_);
  for (uint64_t first : firsts) {
    auto row = rows_.find(first);
    if (row == rows_.end()) continue;
    waiting_events_ -= row->second - row->first + 1;
    rows_.erase(row);
    partly_delivered_.erase(first);
  }
}

uint64_t OutboxIndex::WaitingEvents() const {
  absl::MutexLock lock(&mu_);
  return waiting_events_;
}

}  // namespace sales::eventstore::internal
