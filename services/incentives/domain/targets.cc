#include "services/incentives/domain/targets.h"

namespace sales::incentives {
namespace {

// Σ of the targets at `keys` that exist, and how many exist.
std::pair<int64_t, int> SumOf(const TargetTable& targets, const std::vector<TargetKey>& keys) {
  int64_t sum = 0;
  int found = 0;
  for (const TargetKey& key : keys) {
    auto it = targets.find(key);
    if (it == targets.end()) continue;
    sum += it->second;
    ++found;
  }
  return {sum, found};
}

void AddIfGap(const TargetKey& parent, int64_t value, GapKind kind,
              const std::vector<TargetKey>& child_keys, const TargetTable& targets,
              std::vector<TargetGap>& gaps) {
  if (child_keys.empty()) return;
  const auto [sum, found] = SumOf(targets, child_keys);
  // Decomposed and adding up (children without a target count as 0).
  if (found > 0 && sum == value) return;
  gaps.push_back({.parent = parent,
                  .kind = kind,
                  .parent_value = value,
                  .children_sum = sum,
                  .gap = value - sum,
                  .children = static_cast<int>(child_keys.size()),
                  .children_with_target = found});
}

}  // namespace

std::vector<TargetGap> ListTargetGaps(const TargetTable& targets, const OrgChildren& children) {
  std::vector<TargetGap> gaps;
  for (const auto& [key, value] : targets) {
    std::vector<TargetKey> below;
    for (const std::string& child : children(key.node)) {
      below.push_back({child, key.period, key.metric, key.product_line});
    }
    AddIfGap(key, value, GapKind::kOrganisation, below, targets, gaps);
    std::vector<TargetKey> within;
    for (const Period& sub_period : Children(key.period)) {
      within.push_back({key.node, sub_period, key.metric, key.product_line});
    }
    AddIfGap(key, value, GapKind::kTime, within, targets, gaps);
  }
  return gaps;
}

}  // namespace sales::incentives
