#include "services/channels/domain/price_band.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/money/rounding.h"

namespace sales::channels {

using money::DivideHalfEven;

BandCheck CheckPriceBand(int64_t list_units, int64_t price_units, int32_t band_bp) {
  if (list_units == 0) return {.within = price_units == 0};
  const __int128 difference = static_cast<__int128>(price_units) - list_units;
  const __int128 magnitude = difference < 0 ? -difference : difference;
  // Money is at most 10^13 units and a band at most 10^4 bp: no overflow even in 64 bits, but a
  // deviation of a wild price (list 1, price 10^13) does not fit 32 bits: it is clamped.
  const int64_t deviation = DivideHalfEven(difference * 10'000, list_units);
  constexpr int64_t kClamp = 1'000'000'000;
  // |price − list| × 10,000 ≤ band × list ⇔ list − ⌊band × list / 10,000⌋ ≤ price ≤ list + ⌊…⌋.
  const int64_t reach = static_cast<int64_t>(static_cast<__int128>(band_bp) * list_units / 10'000);
  return {.within = magnitude * 10'000 <= static_cast<__int128>(band_bp) * list_units,
          .deviation_bp = static_cast<int32_t>(deviation > kClamp    ? kClamp
                                               : deviation < -kClamp ? -kClamp
                                                                     : deviation),
          .lowest_units = std::max<int64_t>(0, list_units - reach),
          .highest_units = list_units + reach};
}

std::string OutsideBandDetail(int64_t list_units, int64_t price_units, int32_t band_bp,
                              const BandCheck& check) {
  return absl::StrCat("price ", price_units, " is outside the ±", band_bp,
                      " bp band around the list price ", list_units, " (", check.lowest_units, "–",
                      check.highest_units, "; ", check.deviation_bp, " bp rounded)");
}

int32_t EffectiveBandBp(const v1::Channel& channel) {
  return channel.price_band_bp() > 0 ? channel.price_band_bp() : kDefaultPriceBandBp;
}

v1::PriceBandPolicy EffectivePolicy(const v1::Channel& channel) {
  return channel.price_band_policy() == v1::PRICE_BAND_POLICY_FLAG ? v1::PRICE_BAND_POLICY_FLAG
                                                                   : v1::PRICE_BAND_POLICY_REFUSE;
}

}  // namespace sales::channels
