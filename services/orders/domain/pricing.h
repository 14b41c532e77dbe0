// Pricing an order's lines (totals computed by the server): each line's unit price — as given,
// else the channel's price in force on the order's day, else the catalogue's list price — its
// discount, and its net amount, quantity × unit price × (10,000 − discount bp) / 10,000 rounded
// half-even once (common/money/rounding.h); the order's total is the sum of the net amounts. The
// product line and margin class come from the catalogue, so that incentives and the dashboards
// need no lookup.
//
//   ASSIGN_OR_RETURN(PricedLines priced, PriceLines(request.lines(), "CNY", channel_view, products,
//   day));
//
// Errors: INVALID_ARGUMENT "lines[i]" when quantity × unit price is above 10^13 minor units (so
// every amount, and the sum of 98 of them, fits in 64 bits); NOT_FOUND "lines[i].sku" not in the
// catalogue; FAILED_PRECONDITION "rule no_price" (no
// price given and none in force), "rule currency_mismatch" (the price in force is in another
// currency than the order's). Field syntax (quantities, discounts, currencies of given prices) is
// ValidatePlaceOrder's (validation.h). Pure functions; thread-safe.
#ifndef SALES_SERVICES_ORDERS_DOMAIN_PRICING_H_
#define SALES_SERVICES_ORDERS_DOMAIN_PRICING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "sales/channels/v1/model.pb.h"
#include "sales/orders/v1/commands.pb.h"
#include "sales/orders/v1/model.pb.h"
#include "services/channels/domain/eligibility.h"

namespace sales::orders {

struct PricedLines {
  std::vector<v1::OrderLine> lines;  // line_no 1, 2, … in request order
  int64_t total = 0;                 // minor units of the order's currency
};

// `channel` is the channel with its prices for the order's SKUs (channels::PriceDecisionView).
absl::StatusOr<PricedLines> PriceLines(
    const google::protobuf::RepeatedPtrField<v1::PlaceOrderLine>& lines,
    const std::string& currency, const channels::v1::Channel& channel,
    channels::ProductLookup products, absl::CivilDay day);

// What returning `quantity` more units of a line credits after `already_returned` units were:
// Share(already_returned + quantity) − Share(already_returned), where Share(n) is the line's net
// amount × n / its quantity rounded half-even — so however a line is returned in parts, the parts
// add up to exactly its net amount.
int64_t ReturnAmount(const v1::OrderLine& line, int64_t already_returned, int64_t quantity);

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_DOMAIN_PRICING_H_
