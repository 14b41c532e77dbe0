// Builders of orders-model values for the domain's tests: a customer in region "east", a catalogue
// of two SKUs, an active distributor over "east" and product line "crm" with a channel price for
// one of them (channels/domain/test_fixtures.h), and order commands.
#ifndef SALES_SERVICES_ORDERS_DOMAIN_TEST_FIXTURES_H_
#define SALES_SERVICES_ORDERS_DOMAIN_TEST_FIXTURES_H_

#include <map>
#include <optional>
#include <string>

#include "common/time/civil_date.h"
#include "services/channels/domain/test_fixtures.h"
#include "services/orders/domain/aggregates.h"
#include "services/org/domain/test_org.h"

namespace sales::orders::testing {

using channels::testing::Cny;

inline common::v1::CommandMeta Meta(const std::string& actor = "user:ops") {
  common::v1::CommandMeta meta;
  meta.set_actor(actor);
  return meta;
}

// The catalogue, the channel view and the deals the lookups answer from.
struct World {
  org::v1::SalesOrganisation org = org::testing::TestOrg();
  std::map<std::string, channels::v1::Product> products = {
      {"CRM-STD", channels::testing::MakeProduct("CRM-STD", 1'000)},
      {"CRM-PRO", channels::testing::MakeProduct("CRM-PRO", 3'333)}};
  channels::v1::Channel channel = [] {
    channels::v1::Channel channel = channels::testing::MakeDistributor("ch-1");
    channels::v1::PriceListEntry& entry = *channel.add_price_list();
    entry.set_sku("CRM-STD");
    *entry.mutable_effective_from() = ToDate(absl::CivilDay(2026, 1, 1));
    *entry.mutable_price() = Cny(980);
    entry.set_version(3);
    return channel;
  }();
  std::map<std::string, bool> deals = {{"D-won", true}, {"D-open", false}};
  absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 5, 20, 9, 0, 0), absl::UTCTimeZone());
  absl::CivilDay today = absl::CivilDay(2026, 5, 20);

  OrdersContext Context(const std::string& actor = "user:ops") const {
    return {.now = now, .today = today, .org = org, .actor = actor};
  }
  PlacementLookups Lookups(bool channel_known = true) const {
    return {.channel = channel_known ? &channel : nullptr,
            .products = [this](absl::string_view sku) -> const channels::v1::Product* {
              auto it = products.find(std::string(sku));
              return it == products.end() ? nullptr : &it->second;
            },
            .deal_won = [this](absl::string_view deal_id) -> std::optional<bool> {
              auto it = deals.find(std::string(deal_id));
              if (it == deals.end()) return std::nullopt;
              return it->second;
            }};
  }
};

inline v1::RegisterCustomerRequest RegisterCustomer(const std::string& id, int64_t limit) {
  v1::RegisterCustomerRequest c;
  *c.mutable_meta() = Meta();
  c.set_customer_id(id);
  c.set_name("Customer " + id);
  c.set_region_id("east");
  c.set_segment("smb");
  c.set_credit_grade(v1::CREDIT_GRADE_B);
  *c.mutable_credit_limit() = Cny(limit);
  c.set_payment_terms_days(30);
  return c;
}

inline v1::PlaceOrderLine OrderLine(const std::string& sku, int64_t quantity,
                                    std::optional<int64_t> unit_units = std::nullopt,
                                    int32_t discount_bp = 0) {
  v1::PlaceOrderLine line;
  line.set_sku(sku);
  line.set_quantity(quantity);
  if (unit_units.has_value()) *line.mutable_unit_price() = Cny(*unit_units);
  line.set_discount_bp(discount_bp);
  return line;
}

inline v1::PlaceOrderRequest PlaceOrder(const std::string& order_id,
                                        const std::string& customer_id) {
  v1::PlaceOrderRequest c;
  *c.mutable_meta() = Meta();
  c.set_order_id(order_id);
  c.set_customer_id(customer_id);
  c.set_channel_id("ch-1");
  c.set_rep_id("r1");
  return c;
}

}  // namespace sales::orders::testing

#endif  // SALES_SERVICES_ORDERS_DOMAIN_TEST_FIXTURES_H_
