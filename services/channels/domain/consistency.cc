#include "services/channels/domain/consistency.h"

#include <algorithm>
#include <string>

#include "services/channels/domain/channel_rules.h"
#include "services/channels/domain/price_band.h"

namespace sales::channels {

v1::SkuPriceConsistency PriceConsistency(const v1::Product& product,
                                         absl::Span<const v1::Channel* const> channels,
                                         absl::CivilDay day) {
  v1::SkuPriceConsistency row;
  row.set_sku(product.sku());
  const v1::ListPrice* list = ListPriceOn(product, day);
  const int64_t list_units = list != nullptr ? list->price().units() : 0;
  if (list != nullptr) *row.mutable_list_price() = list->price();
  for (const v1::Channel* channel : channels) {
    if (channel->status() == v1::CHANNEL_STATUS_TERMINATED) continue;
    const v1::PriceListEntry* entry = ChannelPriceOn(*channel, product.sku(), day);
    if (entry == nullptr) continue;
    const BandCheck check =
        CheckPriceBand(list_units, entry->price().units(), EffectiveBandBp(*channel));
    v1::ChannelPriceView& view = *row.add_channels();
    view.set_channel_id(channel->channel_id());
    *view.mutable_price() = entry->price();
    view.set_deviation_bp(check.deviation_bp);
    view.set_within_band(check.within);
    view.set_flagged(entry->flagged());
    view.set_price_list_version(entry->version());
    if (!check.within) row.set_violations(row.violations() + 1);
  }
  auto& views = *row.mutable_channels();
  std::sort(views.begin(), views.end(),
            [](const v1::ChannelPriceView& a, const v1::ChannelPriceView& b) {
              return a.channel_id() < b.channel_id();
            });
  if (views.empty()) return row;
  const auto [lowest, highest] = std::minmax_element(
      views.begin(), views.end(), [](const v1::ChannelPriceView& a, const v1::ChannelPriceView& b) {
        return a.price().units() < b.price().units();
      });
  *row.mutable_lowest() = lowest->price();
  *row.mutable_highest() = highest->price();
  *row.mutable_spread() = highest->price();
  row.mutable_spread()->set_units(highest->price().units() - lowest->price().units());
  // The spread as a deviation of (list + spread) from the list: the same rounding as the band.
  row.set_spread_bp(
      list_units > 0 ? CheckPriceBand(list_units, list_units + row.spread().units(), 0).deviation_bp
                     : 0);
  return row;
}

}  // namespace sales::channels
