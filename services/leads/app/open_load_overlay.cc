#include "services/leads/app/open_load_overlay.h"

#include <algorithm>

namespace sales::leads {

void OpenLoadOverlay::Record(uint64_t position, const std::string& owner_before,
                             const std::string& owner_after) {
  if (owner_before == owner_after) return;
  absl::MutexLock lock(&mu_);
  if (position < forgotten_below_) return;  // the read model has applied it already
  if (!owner_before.empty()) changes_.emplace(position, Change{owner_before, -1});
  if (!owner_after.empty()) changes_.emplace(position, Change{owner_after, +1});
}

bool OpenLoadOverlay::AddTo(uint64_t next_feed_position, RepLoads& loads) {
  absl::MutexLock lock(&mu_);
  if (next_feed_position < forgotten_below_) return false;
  for (auto it = changes_.lower_bound(next_feed_position); it != changes_.end(); ++it) {
    if (auto load = loads.find(it->second.rep_id); load != loads.end()) {
      load->second += it->second.delta;
    }
  }
  return true;
}

void OpenLoadOverlay::ForgetBelow(uint64_t next_feed_position) {
  absl::MutexLock lock(&mu_);
  if (next_feed_position <= forgotten_below_) return;
  changes_.erase(changes_.begin(), changes_.lower_bound(next_feed_position));
  forgotten_below_ = next_feed_position;
}

size_t OpenLoadOverlay::pending() const {
  absl::MutexLock lock(&mu_);
  return changes_.size();
}

}  // namespace sales::leads
