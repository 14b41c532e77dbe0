// Builders of channels-model values for the domain's tests and benchmark.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_TEST_FIXTURES_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_TEST_FIXTURES_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "common/time/civil_date.h"
#include "sales/channels/v1/model.pb.h"

namespace sales::channels::testing {

inline sales::common::v1::Money Cny(int64_t units) {
  sales::common::v1::Money money;
  money.set_units(units);
  money.set_currency("CNY");
  return money;
}

// A product of product line "crm" listed at `list_units` CNY from 2026-01-01.
inline v1::Product MakeProduct(const std::string& sku, int64_t list_units,
                               const std::string& product_line = "crm") {
  v1::Product product;
  product.set_sku(sku);
  product.set_name(sku);
  product.set_product_line_id(product_line);
  product.set_margin_class(v1::MARGIN_CLASS_STANDARD);
  v1::ListPrice& price = *product.add_list_prices();
  *price.mutable_effective_from() = ToDate(absl::CivilDay(2026, 1, 1));
  *price.mutable_price() = Cny(list_units);
  return product;
}

// An active distributor whose agreement version 1 runs from 2026-01-01 to 2026-12-31 over region
// "east" and product line "crm".
inline v1::Channel MakeDistributor(const std::string& channel_id = "ch-dist-1") {
  v1::Channel channel;
  channel.set_channel_id(channel_id);
  channel.set_name("East Distribution Co.");
  channel.set_type(v1::CHANNEL_TYPE_DISTRIBUTOR);
  channel.mutable_partner()->set_partner_id("partner-1");
  channel.mutable_partner()->set_name("East Distribution Co.");
  channel.set_status(v1::CHANNEL_STATUS_ACTIVE);
  v1::AgreementVersion& version = *channel.add_agreements();
  version.set_version(1);
  *version.mutable_effective_from() = ToDate(absl::CivilDay(2026, 1, 1));
  v1::AgreementTerms& terms = *version.mutable_terms();
  *terms.mutable_term_start() = ToDate(absl::CivilDay(2026, 1, 1));
  *terms.mutable_term_end() = ToDate(absl::CivilDay(2026, 12, 31));
  terms.add_region_ids("east");
  terms.add_product_line_ids("crm");
  terms.set_partner_margin_bp(1'500);
  return channel;
}

inline v1::OrderCheckLine Line(const std::string& sku, int64_t quantity, int64_t unit_units) {
  v1::OrderCheckLine line;
  line.set_sku(sku);
  line.set_quantity(quantity);
  *line.mutable_unit_price() = Cny(unit_units);
  return line;
}

}  // namespace sales::channels::testing

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_TEST_FIXTURES_H_
