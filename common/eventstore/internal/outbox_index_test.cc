#include "common/eventstore/internal/outbox_index.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::eventstore::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(OutboxIndexTest, RangesStartInsideTheRowHoldingFrom) {
  OutboxIndex index;
  index.Add(1, 3);
  index.Add(4, 4);
  index.Add(7, 9);  // 5 and 6 were delivered earlier
  EXPECT_THAT(index.RangesFrom(2, 100),
              ElementsAre(PositionRange{2, 3}, PositionRange{4, 4}, PositionRange{7, 9}));
  EXPECT_THAT(index.RangesFrom(0, 100),
              ElementsAre(PositionRange{1, 3}, PositionRange{4, 4}, PositionRange{7, 9}));
  // From a position between rows: the next row.
  EXPECT_THAT(index.RangesFrom(5, 100), ElementsAre(PositionRange{7, 9}));
  EXPECT_THAT(index.RangesFrom(10, 100), IsEmpty());
  EXPECT_EQ(index.WaitingEvents(), 7u);
}

TEST(OutboxIndexTest, MaxEventsClipsAcrossRows) {
  OutboxIndex index;
  index.Add(1, 3);
  index.Add(4, 6);
  index.Add(7, 7);
  EXPECT_THAT(index.RangesFrom(2, 4), ElementsAre(PositionRange{2, 3}, PositionRange{4, 5}));
  EXPECT_THAT(index.RangesFrom(1, 3), ElementsAre(PositionRange{1, 3}));
  EXPECT_THAT(index.RangesFrom(1, 0), IsEmpty());
}

TEST(OutboxIndexTest, RowIsCompleteOnlyWhenAllItsEventsAreDelivered) {
  OutboxIndex index;
  index.Add(1, 3);
  index.Add(4, 4);
  EXPECT_THAT(index.MarkDelivered({1, 3}), IsEmpty());
  EXPECT_THAT(index.MarkDelivered({3}), IsEmpty());  // a repeated delivery counts once
  EXPECT_THAT(index.MarkDelivered({4, 2, 4}), ElementsAre(1, 4));
  // Not removed yet: still waiting, and named again by a retried delivery.
  EXPECT_EQ(index.WaitingEvents(), 4u);
  EXPECT_THAT(index.MarkDelivered({2}), ElementsAre(1));
  index.Remove({1, 4});
  EXPECT_EQ(index.WaitingEvents(), 0u);
  EXPECT_THAT(index.RangesFrom(0, 100), IsEmpty());
}

TEST(OutboxIndexTest, UnknownPositionsAreIgnored) {
  OutboxIndex index;
  index.Add(5, 6);
  index.Add(9, 9);
  EXPECT_THAT(index.MarkDelivered({1, 4, 7, 8, 10, 1000}), IsEmpty());
  EXPECT_EQ(index.WaitingEvents(), 3u);
  EXPECT_THAT(index.MarkDelivered({5, 6}), ElementsAre(5));
}

TEST(OutboxIndexTest, RemoveForgetsRowsAndTheirPartialDelivery) {
  OutboxIndex index;
  index.Add(1, 2);
  index.Add(3, 5);
  EXPECT_THAT(index.MarkDelivered({3, 4}), IsEmpty());
  index.Remove({3, 42});  // 42 is unknown: ignored
  EXPECT_EQ(index.WaitingEvents(), 2u);
  EXPECT_THAT(index.RangesFrom(0, 100), ElementsAre(PositionRange{1, 2}));
  EXPECT_THAT(index.MarkDelivered({5}), IsEmpty());  // the removed row is gone
  index.Remove({3});  // a second remover of the same row changes nothing
  EXPECT_EQ(index.WaitingEvents(), 2u);
  index.Add(1, 2);  // already there: not counted twice
  EXPECT_EQ(index.WaitingEvents(), 2u);
}

// An appender adds while a relay reads and removes: every row is delivered exactly once and the
// count ends at zero.
TEST(OutboxIndexTest, ConcurrentAddAndDeliver) {
  constexpr uint64_t kRows = 20000;
  OutboxIndex index;
  std::thread appender([&] {
    for (uint64_t first = 1; first <= 2 * kRows; first += 2) index.Add(first, first + 1);
  });
  uint64_t next = 1;
  uint64_t removed_rows = 0;
  while (removed_rows < kRows) {
    std::vector<uint64_t> positions;
    for (const PositionRange& range : index.RangesFrom(next, 100)) {
      for (uint64_t p = range.first; p <= range.last; ++p) positions.push_back(p);
    }
    if (positions.empty()) continue;
    next = positions.back() + 1;
    const std::vector<uint64_t> complete = index.MarkDelivered(positions);
    index.Remove(complete);
    removed_rows += complete.size();
  }
  appender.join();
  EXPECT_EQ(removed_rows, kRows);
  EXPECT_EQ(index.WaitingEvents(), 0u);
  EXPECT_THAT(index.RangesFrom(0, 100), IsEmpty());
}

}  // namespace
}  // namespace sales::eventstore::internal
