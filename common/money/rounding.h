// Half-even rounding of integer money arithmetic ("banker's rounding"): the one rule every
// context applies to amounts — a line's net amount, a commission, a weighted pipeline amount, a
// deviation in basis points. Each result is rounded once, from exact integer arithmetic.
//
//   DivideHalfEven(25, 10) == 2;  DivideHalfEven(35, 10) == 4;  DivideHalfEven(-25, 10) == -2
//   ApplyBasisPoints(1'999, 2'500) == 500      // 1,999 × 25 % = 499.75 → 500
//   NetAmount(3, 333, 1'000) == 899            // 3 × 333 × 90 % = 899.1 → 899
#ifndef SALES_COMMON_MONEY_ROUNDING_H_
#define SALES_COMMON_MONEY_ROUNDING_H_

#include <cstdint>

namespace sales::money {

// numerator / denominator rounded half-even. denominator > 0; the quotient must fit in 64 bits.
int64_t DivideHalfEven(__int128 numerator, __int128 denominator);

// units × basis_points / 10,000, rounded half-even.
int64_t ApplyBasisPoints(int64_t units, int64_t basis_points);

// units × percent / 100, rounded half-even.
int64_t ApplyPercent(int64_t units, int64_t percent);

// A line's net amount: quantity × unit_units × (10,000 − discount_bp) / 10,000, rounded half-even
// once. quantity ≥ 0, 0 ≤ discount_bp ≤ 10,000.
int64_t NetAmount(int64_t quantity, int64_t unit_units, int32_t discount_bp);

}  // namespace sales::money

#endif  // SALES_COMMON_MONEY_ROUNDING_H_
