// The omnichannel price consistency report (全渠道价格一致性): for a SKU, every channel's price
// in force on a day, its deviation from the list price, the spread between channels, and the
// violations (prices outside their channel's band, whether refused since or flagged).
//
//   v1::SkuPriceConsistency row = PriceConsistency(product, channels, absl::CivilDay(2026, 5, 1));
//
// Channels without a price for the SKU that day are left out; a terminated channel is left out
// too (its prices no longer sell anything). Pure function; thread-safe.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_CONSISTENCY_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_CONSISTENCY_H_

#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "sales/channels/v1/model.pb.h"

namespace sales::channels {

// `channels` in any order (the row lists them by channel id). A product without a list price
// that day gets a row without deviations (all 0, within the band only at price 0).
v1::SkuPriceConsistency PriceConsistency(const v1::Product& product,
                                         absl::Span<const v1::Channel* const> channels,
                                         absl::CivilDay day);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_CONSISTENCY_H_
