// CheckOrderEligibility: may this order go through this channel on its date? The one definition
// shared by the channels service (CheckOrderEligibility RPC) and the orders context (on its
// replica of the channels topic), so the two can never disagree.
//
//   v1::EligibilityVerdict verdict = CheckOrderEligibility(
//       channel, [&](absl::string_view sku) { return catalogue.Find(sku); }, order);
//   if (!verdict.eligible()) ... // verdict.problems(): every reason, not just the first
//
// The rules, each reported as an EligibilityProblem (line −1: the order as a whole):
//   channel_not_active    the channel is not ACTIVE (onboarding, suspended, terminated);
//   no_agreement          a channel with a partner has no agreement version in force that day;
//   outside_term          the day is outside the term of the version in force;
//   outside_territory     the customer's region is not in its territory;
//   product_out_of_scope  a line's SKU is neither listed nor of a listed product line;
//   unknown_sku / sku_retired / no_list_price (none in force that day) / currency_mismatch (the
//                         line's currency is not the list price's);
//   price_outside_band    the unit price strays from the list price beyond the channel's band
//                         (price_band.h) and the channel's policy is REFUSE; under FLAG the line
//                         is accepted and reported in `flags` instead.
// A channel without a partner (direct channels) is checked against an agreement only if it has
// one. The verdict names the agreement version and, per line, the channel's price list version
// in force (0: none), so an auditor can see what the order was checked against.
//
// The order must have passed ValidateOrderCheck. Pure function; thread-safe. Cost: a binary
// search of the channel's price list and a catalogue lookup per line.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_ELIGIBILITY_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_ELIGIBILITY_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sales/channels/v1/model.pb.h"

namespace sales::channels {

// The catalogue's product with this SKU, or null.
using ProductLookup = absl::FunctionRef<const v1::Product*(absl::string_view sku)>;

// INVALID_ARGUMENT naming the field: ids, a real date, 1–1,000 lines, quantity ≥ 1, valid money.
absl::Status ValidateOrderCheck(const v1::OrderCheck& order);

v1::EligibilityVerdict CheckOrderEligibility(const v1::Channel& channel, ProductLookup products,
                                             const v1::OrderCheck& order);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_ELIGIBILITY_H_
