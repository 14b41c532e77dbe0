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

// Adds the encoding `bytes` to `sum`; false when `bytes` is not an encoding.
bool AddEncoded(const rocksdb::Slice& bytes, CounterSlots& sum, CounterSlots& scratch) {
  CounterRowCursor cursor(absl::string_view(bytes.data(), bytes.size()));
  MergeCounterSlots(cursor, sum, scratch);
  return cursor.status().ok();
}

// The sum of `operands` (and of `base`, if given), encoded; false if one is not an encoding.
template <typename Operands>
bool Sum(const rocksdb::Slice* base, const Operands& operands, std::string& out) {
  thread_local CounterSlots sum;
  thread_local CounterSlots scratch;
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
