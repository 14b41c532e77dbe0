#include "services/leads/app/open_load_overlay.h"

namespace sales::leads {

void OpenLoadOverlay::Record(uint64_t position, const std::string& owner_before,
                             const std::string& owner_after) {
  if (owner_before == owner_after) return;
  absl::MutexLock lock(&mu_);
  if (!owner_before.empty()) changes_.emplace(position, Change{owner_before, -1});
  if (!owner_after.empty()) changes_.emplace(position, Change{owner_after, +1});
}

void OpenLoadOverlay::AddTo(uint64_t next_feed_position, RepLoads& loads) {
  absl::MutexLock lock(&mu_);
  changes_.erase(changes_.begin(), changes_.lower_bound(next_feed_position));
  for (const auto& [position, change] : changes_) {
    if (auto it = loads.find(change.rep_id); it != loads.end()) it->second += change.delta;
  }
}

size_t OpenLoadOverlay::pending() const {
  absl::MutexLock lock(&mu_);
  return changes_.size();
}

}  // namespace sales::leads
