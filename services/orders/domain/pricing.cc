#include "services/orders/domain/pricing.h"

#include "absl/strings/str_cat.h"
#include "common/money/rounding.h"
#include "common/status/errors.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/channel_rules.h"

namespace sales::orders {

absl::StatusOr<PricedLines> PriceLines(
    const google::protobuf::RepeatedPtrField<v1::PlaceOrderLine>& lines,
    const std::string& currency, const channels::v1::Channel& channel,
    channels::ProductLookup products, absl::CivilDay day) {
  PricedLines priced;
  priced.lines.reserve(lines.size());
  for (int i = 0; i < lines.size(); ++i) {
    const v1::PlaceOrderLine& line = lines.Get(i);
    const channels::v1::Product* product = products(line.sku());
    if (product == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("lines[", i, "].sku: SKU ", Quoted(line.sku()), " is not in the catalogue"));
    }
    v1::OrderLine& out = priced.lines.emplace_back();
    out.set_line_no(i + 1);
    out.set_sku(line.sku());
    out.set_quantity(line.quantity());
    out.set_discount_bp(line.discount_bp());
    out.set_product_line_id(product->product_line_id());
    out.set_margin_class(product->margin_class());
    if (line.has_unit_price()) {
      *out.mutable_unit_price() = line.unit_price();
    } else {
      out.set_unit_price_defaulted(true);
      if (const channels::v1::PriceListEntry* entry =
              channels::ChannelPriceOn(channel, line.sku(), day)) {
        *out.mutable_unit_price() = entry->price();
        out.set_price_list_version(entry->version());
      } else if (const channels::v1::ListPrice* list = channels::ListPriceOn(*product, day)) {
        *out.mutable_unit_price() = list->price();
      } else {
        return RuleViolated("no_price", absl::StrCat("lines[", i, "]: SKU ", Quoted(line.sku()),
                                                     " has no price in force on that day"));
      }
      if (out.unit_price().currency() != currency) {
        return RuleViolated(
            "currency_mismatch",
            absl::StrCat("lines[", i, "]: the price in force for SKU ", Quoted(line.sku()),
                         " is in ", out.unit_price().currency(), ", the order in ", currency));
      }
    }
    // Before the discount, so that the amount fits in 64 bits whatever the quantity and price.
    if (static_cast<__int128>(out.quantity()) * out.unit_price().units() > kMaxMoneyUnits) {
      return InvalidField(absl::StrCat("lines[", i, "]"),
                          "quantity × unit price is above 10^13 minor units");
    }
    out.mutable_net_amount()->set_currency(currency);
    out.mutable_net_amount()->set_units(
        money::NetAmount(out.quantity(), out.unit_price().units(), out.discount_bp()));
    priced.total += out.net_amount().units();
  }
  return priced;
}

int64_t ReturnAmount(const v1::OrderLine& line, int64_t already_returned, int64_t quantity) {
  auto share = [&line](int64_t units) {
    return money::DivideHalfEven(static_cast<__int128>(line.net_amount().units()) * units,
                                 line.quantity());
  };
  return share(already_returned + quantity) - share(already_returned);
}

}  // namespace sales::orders
