#include "common/projection/counter_row_sum.h"

#include <cstddef>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/projection/counter_row.h"

namespace sales::projection {
namespace {

using Slots = std::vector<std::pair<uint32_t, int64_t>>;

// Adds the encoding `bytes` to `sum` (sorted by slot; sums of 0 are kept until the end) in one
// linear merge through `scratch`; false when `bytes` is not an encoding. A row read back from a
// few sorted runs (or a hot row from a memtable of live batches) is summed from its operands on
// every read, so this is a query's cost too: no sort, no allocation once the vectors have grown.
bool AddEncoded(const rocksdb::Slice& bytes, Slots& sum, Slots& scratch) {
  CounterRowCursor cursor(absl::string_view(bytes.data(), bytes.size()));
  scratch.clear();
  size_t mine = 0;
  while (cursor.Next()) {
    for (; mine < sum.size() && sum[mine].first < cursor.slot(); ++mine) {
      scratch.push_back(sum[mine]);
    }
    int64_t value = cursor.value();
    if (mine < sum.size() && sum[mine].first == cursor.slot()) value += sum[mine++].second;
    scratch.emplace_back(cursor.slot(), value);
  }
  scratch.insert(scratch.end(), sum.begin() + static_cast<ptrdiff_t>(mine), sum.end());
  sum.swap(scratch);
  return cursor.status().ok();
}

// The sum of `operands` (and of `base`, if given), encoded; false if one is not an encoding.
template <typename Operands>
bool Sum(const rocksdb::Slice* base, const Operands& operands, std::string& out) {
  thread_local Slots sum;
  thread_local Slots scratch;
  sum.clear();
  if (base != nullptr && !AddEncoded(*base, sum, scratch)) return false;
  for (const rocksdb::Slice& operand : operands) {
    if (!AddEncoded(operand, sum, scratch)) return false;
  }
  out = EncodeCounterSlots(sum);
  return true;
}

class CounterRowSumOperator : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "sales.CounterRowSum"; }

  bool FullMergeV2(const MergeOperationInput& merge_in,
                   MergeOperationOutput* merge_out) const override {
    return Sum(merge_in.existing_value, merge_in.operand_list, merge_out->new_value);
  }

  bool PartialMergeMulti(const rocksdb::Slice& /*key*/,
                         const std::deque<rocksdb::Slice>& operand_list, std::string* new_value,
                         rocksdb::Logger* /*logger*/) const override {
    return Sum(nullptr, operand_list, *new_value);
  }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> CounterRowSum() {
  static const auto* const instance =
      new std::shared_ptr<rocksdb::MergeOperator>(std::make_shared<CounterRowSumOperator>());
  return *instance;
}

}  // namespace sales::projection
