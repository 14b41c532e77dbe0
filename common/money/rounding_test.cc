#include "common/money/rounding.h"

#include "gtest/gtest.h"

namespace sales::money {
namespace {

TEST(RoundingTest, TiesGoToTheEvenNeighbourOnBothSidesOfZero) {
  EXPECT_EQ(DivideHalfEven(25, 10), 2);
  EXPECT_EQ(DivideHalfEven(35, 10), 4);
  EXPECT_EQ(DivideHalfEven(26, 10), 3);
  EXPECT_EQ(DivideHalfEven(24, 10), 2);
  EXPECT_EQ(DivideHalfEven(-25, 10), -2);
  EXPECT_EQ(DivideHalfEven(-35, 10), -4);
  EXPECT_EQ(DivideHalfEven(-26, 10), -3);
  EXPECT_EQ(DivideHalfEven(0, 7), 0);
}

TEST(RoundingTest, BasisPointsPercentAndNetAmounts) {
  EXPECT_EQ(ApplyBasisPoints(1'999, 2'500), 500);  // 499.75
  EXPECT_EQ(ApplyBasisPoints(10, 5'000), 5);
  EXPECT_EQ(ApplyBasisPoints(1, 5'000), 0);   // 0.5 → 0 (even)
  EXPECT_EQ(ApplyBasisPoints(3, 5'000), 2);   // 1.5 → 2 (even)
  EXPECT_EQ(ApplyPercent(125, 50), 62);       // 62.5 → 62
  EXPECT_EQ(ApplyPercent(375, 50), 188);      // 187.5 → 188
  EXPECT_EQ(NetAmount(3, 333, 1'000), 899);   // 899.1
  EXPECT_EQ(NetAmount(1, 5, 1'000), 4);       // 4.5 → 4
  EXPECT_EQ(NetAmount(1, 15, 1'000), 14);     // 13.5 → 14
  EXPECT_EQ(NetAmount(7, 100, 10'000), 0);    // free
  EXPECT_EQ(NetAmount(4, 2'500, 0), 10'000);  // no discount: exact
}

TEST(RoundingTest, LargeAmountsDoNotOverflow) {
  // 10^5 units of 10^13 minor units at 50 % off: the product needs 128 bits, the result fits 64.
  EXPECT_EQ(NetAmount(100'000, 10'000'000'000'000, 5'000), 500'000'000'000'000'000);
}

}  // namespace
}  // namespace sales::money
