#include "common/money/rounding.h"

namespace sales::money {

int64_t DivideHalfEven(__int128 numerator, __int128 denominator) {
  const bool negative = numerator < 0;
  const __int128 magnitude = negative ? -numerator : numerator;
  __int128 quotient = magnitude / denominator;
  const __int128 twice_remainder = 2 * (magnitude % denominator);
  if (twice_remainder > denominator || (twice_remainder == denominator && quotient % 2 == 1)) {
    ++quotient;
  }
  return static_cast<int64_t>(negative ? -quotient : quotient);
}

int64_t ApplyBasisPoints(int64_t units, int64_t basis_points) {
  return DivideHalfEven(static_cast<__int128>(units) * basis_points, 10'000);
}

int64_t ApplyPercent(int64_t units, int64_t percent) {
  return DivideHalfEven(static_cast<__int128>(units) * percent, 100);
}

int64_t NetAmount(int64_t quantity, int64_t unit_units, int32_t discount_bp) {
  return DivideHalfEven(static_cast<__int128>(quantity) * unit_units * (10'000 - discount_bp),
                        10'000);
}

}  // namespace sales::money
