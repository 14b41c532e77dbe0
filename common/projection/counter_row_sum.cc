#include "common/projection/counter_row_sum.h"

#include <algorithm>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/projection/counter_row.h"

namespace sales::projection {
namespace {

class CounterRowSumOperator : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "sales.CounterRowSum"; }

  bool FullMergeV2(const MergeOperationInput& merge_in,
                   MergeOperationOutput* merge_out) const override {
    std::vector<std::pair<uint32_t, int64_t>> slots;
    if (merge_in.existing_value != nullptr && !Append(*merge_in.existing_value, slots)) {
      return false;
    }
    for (const rocksdb::Slice& operand : merge_in.operand_list) {
      if (!Append(operand, slots)) return false;
    }
    merge_out->new_value = Sum(slots);
    return true;
  }

  bool PartialMergeMulti(const rocksdb::Slice& /*key*/,
                         const std::deque<rocksdb::Slice>& operand_list, std::string* new_value,
                         rocksdb::Logger* /*logger*/) const override {
    std::vector<std::pair<uint32_t, int64_t>> slots;
    for (const rocksdb::Slice& operand : operand_list) {
      if (!Append(operand, slots)) return false;
    }
    *new_value = Sum(slots);
    return true;
  }

 private:
  // Appends the slots of an encoding; false when it is not one.
  static bool Append(const rocksdb::Slice& bytes, std::vector<std::pair<uint32_t, int64_t>>& out) {
    CounterRowCursor cursor(absl::string_view(bytes.data(), bytes.size()));
    while (cursor.Next()) out.emplace_back(cursor.slot(), cursor.value());
    return cursor.status().ok();
  }

  // The encoding of the sums per slot of `slots` (sorted here; summed values of 0 left out).
  static std::string Sum(std::vector<std::pair<uint32_t, int64_t>>& slots) {
    std::stable_sort(slots.begin(), slots.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t kept = 0;
    for (size_t i = 0; i < slots.size(); ++i) {
      if (kept > 0 && slots[kept - 1].first == slots[i].first) {
        slots[kept - 1].second += slots[i].second;
      } else {
        slots[kept++] = slots[i];
      }
    }
    slots.resize(kept);
    return EncodeCounterSlots(slots);
  }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> CounterRowSum() {
  static const auto* const instance =
      new std::shared_ptr<rocksdb::MergeOperator>(std::make_shared<CounterRowSumOperator>());
  return *instance;
}

}  // namespace sales::projection
