#include "common/projection/counter_row.h"

#include <string>
#include <utility>
#include <vector>

#include "common/projection/counter_row_sum.h"
#include "gtest/gtest.h"

namespace sales::projection {
namespace {

TEST(CounterRowTest, RoundTripsAndDropsZeros) {
  CounterRow row;
  row.Add(5, 3);
  row.Add(1u << 31, -7);
  row.Add(2, 1);
  row.Add(2, -1);  // back to zero: gone
  EXPECT_EQ(row.slots().size(), 2u);
  CounterRow decoded;
  ASSERT_TRUE(decoded.Decode(row.Encode()).ok());
  EXPECT_EQ(decoded.Get(5), 3);
  EXPECT_EQ(decoded.Get(1u << 31), -7);
  EXPECT_EQ(decoded.Get(2), 0);
}

TEST(CounterRowTest, AddSortedMergesLikeAddsOneByOne) {
  CounterRow merged;
  CounterRow one_by_one;
  for (uint32_t slot : {2u, 4u, 6u, 8u}) {
    merged.Add(slot, 10);
    one_by_one.Add(slot, 10);
  }
  const std::vector<std::pair<uint32_t, int64_t>> deltas = {{1, 5}, {2, -10}, {4, 1},
                                                            {5, 7}, {8, -3},  {9, 2}};
  merged.AddSorted(deltas);
  for (const auto& [slot, delta] : deltas) one_by_one.Add(slot, delta);
  EXPECT_EQ(merged.slots(), one_by_one.slots());
  EXPECT_EQ(merged.Get(2), 0) << "a slot summing to zero is dropped";
  EXPECT_EQ(merged.slots().size(), 6u);  // 1 4 5 6 8 9
}

TEST(CounterRowTest, EncodingIsCanonicalWhateverTheOrderOfDeltas) {
  CounterRow a;
  a.Add(9, 2);
  a.Add(3, 1);
  a.Add(4, 6);
  a.Add(4, -6);
  CounterRow b;
  b.Add(3, 1);
  b.Add(9, 1);
  b.Add(9, 1);
  EXPECT_EQ(a.Encode(), b.Encode());
}

TEST(CounterRowTest, RejectsGarbage) {
  CounterRow row;
  EXPECT_EQ(row.Decode("\x80").code(), absl::StatusCode::kDataLoss);  // truncated varint
  EXPECT_EQ(row.Decode(std::string("\x01\x02\x00\x02", 4)).code(),
            absl::StatusCode::kDataLoss);  // repeated slot
}

TEST(CounterRowTest, EncodeCounterSlotsIsTheRowsEncodingWithoutZeros) {
  CounterRow row;
  row.Add(3, 7);
  row.Add(400, -2);
  EXPECT_EQ(EncodeCounterSlots({{3, 7}, {9, 0}, {400, -2}}), row.Encode());
  EXPECT_EQ(EncodeCounterSlots({{9, 0}}), "");
}

// RocksDB's side of CounterRowSum, called as RocksDB calls it.
TEST(CounterRowSumTest, SumsOperandsWithTheStoredRowAndRefusesWhatIsNoEncoding) {
  const auto sum = CounterRowSum();
  const std::string stored = EncodeCounterSlots({{1, 5}, {2, 1}});
  const std::string first = EncodeCounterSlots({{1, -5}, {3, 2}});
  const std::string second = EncodeCounterSlots({{3, 1}});
  const rocksdb::Slice existing(stored);
  std::vector<rocksdb::Slice> operands = {first, second};
  std::string merged;
  rocksdb::Slice unused;
  rocksdb::MergeOperator::MergeOperationOutput out(merged, unused);
  ASSERT_TRUE(sum->FullMergeV2(
      rocksdb::MergeOperator::MergeOperationInput("k", &existing, operands, nullptr), &out));
  EXPECT_EQ(merged, EncodeCounterSlots({{2, 1}, {3, 3}}));

  std::string partial;
  ASSERT_TRUE(sum->PartialMergeMulti("k", {first, second}, &partial, nullptr));
  EXPECT_EQ(partial, EncodeCounterSlots({{1, -5}, {3, 3}}));

  const std::string corrupt("\x80", 1);
  operands.push_back(corrupt);
  EXPECT_FALSE(sum->FullMergeV2(
      rocksdb::MergeOperator::MergeOperationInput("k", &existing, operands, nullptr), &out));
}

}  // namespace
}  // namespace sales::projection
