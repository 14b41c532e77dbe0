// The channels context's two kinds of aggregates and their Decide/Evolve:
//   Product  stream "product-<sku>": the catalogue (name, org product line, margin class, list
//            prices with effective dates, retirement);
//   Channel  stream "channel-<channel id>": type and partner, lifecycle, price band and policy,
//            partner agreement versions and its partner's enablement records (training,
//            support);
//   its price list, one stream per SKU, "prices-<channel id>@<sku>" ('@' is no id character):
//            the same v1::Channel state holding only that SKU's entries, folded by the same
//            Evolve. A price is decided on the channel with that SKU's entries (the app merges
//            them: PriceDecisionView), so a price command touches two small aggregates however
//            long the price list grows.
//
//   ChannelsContext ctx{.now = now, .org = org_replica, .products = lookup};
//   ASSIGN_OR_RETURN(ChannelEvents events, Decide(channel, set_price_request, ctx));
//   for (const v1::ChannelEvent& e : events) channel = Evolve(std::move(channel), e);
//
// Decide checks every field first (INVALID_ARGUMENT naming it), then existence (NOT_FOUND /
// ALREADY_EXISTS, also for org regions and product lines and catalogue SKUs), then the rules
// (FAILED_PRECONDITION "rule <name>: …"), and returns the events to append — none when the
// command changes nothing. Rules: channel_terminated, illegal_status_change (channel_rules.h),
// reactivation_requires_reason, amendment_requires_reason, agreement_version_overlap (a new
// version must start after the latest one), product_retired, effective_date_not_later (a list
// price must start after the current one), no_list_price, price_outside_band (REFUSE policy;
// under FLAG the price is set and PriceBandViolationFlagged follows).
//
// Evolve is total and deterministic: every event folds; an empty event changes nothing. It keeps
// a channel's price list sorted by (sku, effective_from), one entry per pair (a price set again
// for the same day replaces the entry), which channel_rules.h relies on.
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_AGGREGATES_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_AGGREGATES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sales/channels/v1/commands.pb.h"
#include "sales/channels/v1/events.pb.h"
#include "sales/channels/v1/model.pb.h"
#include "sales/org/v1/model.pb.h"
#include "services/channels/domain/eligibility.h"

namespace sales::channels {

using ProductEvents = std::vector<v1::ProductEvent>;
using ChannelEvents = std::vector<v1::ChannelEvent>;

// What Decide may know besides the aggregate: the clock, the organisation (the org replica) and
// the catalogue (for a channel's agreements and prices: the product with a SKU, or null).
struct ChannelsContext {
  absl::Time now;
  const org::v1::SalesOrganisation& org;
  std::function<const v1::Product*(absl::string_view sku)> products;
};

inline constexpr absl::string_view kProductStreamPrefix = "product-";
inline constexpr absl::string_view kChannelStreamPrefix = "channel-";
std::string ProductStreamId(absl::string_view sku);  // kProductStreamPrefix + sku
std::string ChannelStreamId(absl::string_view channel_id);
inline constexpr absl::string_view kPriceStreamPrefix = "prices-";
std::string PriceStreamId(absl::string_view channel_id, absl::string_view sku);

// The channel as a price decision or an order check sees it: `channel` (without prices) with
// the entries of `prices` (price stream states, any order) in (sku, effective_from) order.
v1::Channel PriceDecisionView(const v1::Channel& channel,
                              const std::vector<const v1::Channel*>& prices);

absl::StatusOr<ProductEvents> Decide(const v1::Product& product, const v1::AddProductRequest& c,
                                     const ChannelsContext& ctx);
absl::StatusOr<ProductEvents> Decide(const v1::Product& product,
                                     const v1::ChangeListPriceRequest& c,
                                     const ChannelsContext& ctx);
absl::StatusOr<ProductEvents> Decide(const v1::Product& product, const v1::RetireProductRequest& c,
                                     const ChannelsContext& ctx);
v1::Product Evolve(v1::Product product, const v1::ProductEvent& event);

absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::RegisterChannelRequest& c,
                                     const ChannelsContext& ctx);
absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::ChangeChannelStatusRequest& c,
                                     const ChannelsContext& ctx);
absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel, const v1::SetPriceBandRequest& c,
                                     const ChannelsContext& ctx);
absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel, const v1::AmendAgreementRequest& c,
                                     const ChannelsContext& ctx);
absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::SetChannelPriceRequest& c,
                                     const ChannelsContext& ctx);
absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::RecordEnablementRequest& c,
                                     const ChannelsContext& ctx);
v1::Channel Evolve(v1::Channel channel, const v1::ChannelEvent& event);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_AGGREGATES_H_
