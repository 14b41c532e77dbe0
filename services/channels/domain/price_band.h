// The price band (全渠道价格一致性): how far a channel's price may stray from the catalogue's list
// price, in basis points of the list price, edges included: with the default band of 500 (±5 %)
// and a list price of 10,000, prices 9,500 to 10,500 are within.
//
//   const BandCheck check = CheckPriceBand(list.units(), price.units(), EffectiveBandBp(channel));
//   if (!check.within) ... // refuse, or accept and flag (the channel's PriceBandPolicy)
//
// Exact integer arithmetic (no floating point): within ⇔ |price − list| × 10,000 ≤ band × list.
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_PRICE_BAND_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_PRICE_BAND_H_

#include <cstdint>
#include <string>

#include "sales/channels/v1/model.pb.h"

namespace sales::channels {

// The global default band: ±5 %.
inline constexpr int32_t kDefaultPriceBandBp = 500;

struct BandCheck {
  bool within = true;
  // (price − list) / list in basis points, rounded half-even; 0 when the list price is 0.
  int32_t deviation_bp = 0;
  // The prices the band allows, inclusive (whole units).
  int64_t lowest_units = 0;
  int64_t highest_units = 0;
};

// `list_units` ≥ 0 and `price_units` ≥ 0 in one currency (validated by the caller), both at most
// sales::kMaxMoneyUnits. A list price of 0 admits only a price of 0.
BandCheck CheckPriceBand(int64_t list_units, int64_t price_units, int32_t band_bp);

// "price 113999 is outside the ±500 bp band around the list price 120000 (114000–126000; -500
// bp rounded)": the detail of a price_outside_band refusal or problem, which names the exact
// range (a rounded deviation can equal the band and still be outside it).
std::string OutsideBandDetail(int64_t list_units, int64_t price_units, int32_t band_bp,
                              const BandCheck& check);

// The channel's band: its override, else kDefaultPriceBandBp.
int32_t EffectiveBandBp(const v1::Channel& channel);

// The channel's policy for prices outside the band (UNSPECIFIED is REFUSE).
v1::PriceBandPolicy EffectivePolicy(const v1::Channel& channel);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_PRICE_BAND_H_
