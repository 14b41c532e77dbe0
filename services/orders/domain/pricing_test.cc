#include "services/orders/domain/pricing.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/orders/domain/test_fixtures.h"

namespace sales::orders {
namespace {

using ::testing::HasSubstr;
using testing::OrderLine;
using testing::World;

absl::StatusOr<PricedLines> Price(const World& world,
                                  std::initializer_list<v1::PlaceOrderLine> lines,
                                  const std::string& currency = "CNY") {
  v1::PlaceOrderRequest request;
  for (const v1::PlaceOrderLine& line : lines) *request.add_lines() = line;
  return PriceLines(request.lines(), currency, world.channel, world.Lookups().products,
                    world.today);
}

TEST(PricingTest, GivenChannelAndListPricesWithDiscountsRoundedOncePerLine) {
  World world;
  auto priced = Price(world, {
                                 OrderLine("CRM-STD", 3),                       // channel price 980
                                 OrderLine("CRM-PRO", 3, std::nullopt, 1'000),  // list 3,333, −10 %
                             });
  ASSERT_TRUE(priced.ok()) << priced.status();
  ASSERT_EQ(priced->lines.size(), 2u);
  const v1::OrderLine& first = priced->lines[0];
  EXPECT_EQ(first.line_no(), 1);
  EXPECT_EQ(first.unit_price().units(), 980);
  EXPECT_TRUE(first.unit_price_defaulted());
  EXPECT_EQ(first.price_list_version(), 3);
  EXPECT_EQ(first.net_amount().units(), 2'940);
  EXPECT_EQ(first.product_line_id(), "crm");
  EXPECT_EQ(first.margin_class(), channels::v1::MARGIN_CLASS_STANDARD);
  const v1::OrderLine& second = priced->lines[1];
  EXPECT_EQ(second.unit_price().units(), 3'333);
  EXPECT_EQ(second.price_list_version(), 0);      // the list price
  EXPECT_EQ(second.net_amount().units(), 8'999);  // 3 × 3,333 × 0.9 = 8,999.1
  EXPECT_EQ(priced->total, 2'940 + 8'999);

  // A given price is used as given; half-even at the tie: 1 × 5 × 0.9 = 4.5 → 4, 1 × 15 × 0.9
  // = 13.5 → 14.
  auto given =
      Price(world, {OrderLine("CRM-STD", 1, 5, 1'000), OrderLine("CRM-PRO", 1, 15, 1'000)});
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_FALSE(given->lines[0].unit_price_defaulted());
  EXPECT_EQ(given->lines[0].net_amount().units(), 4);
  EXPECT_EQ(given->lines[1].net_amount().units(), 14);
}

TEST(PricingTest, UnknownSkuMissingPriceAndForeignCurrencyAreRefusedNamingTheLine) {
  World world;
  auto unknown = Price(world, {OrderLine("CRM-STD", 1), OrderLine("NOPE", 1)});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("lines[1].sku"));

  world.products["CRM-PRO"].clear_list_prices();
  auto no_price = Price(world, {OrderLine("CRM-PRO", 1)});
  EXPECT_EQ(no_price.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_price.status().message(), HasSubstr("no_price"));

  auto foreign = Price(world, {OrderLine("CRM-STD", 1)}, "USD");
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(foreign.status().message(), HasSubstr("currency_mismatch"));
}

TEST(PricingTest, ReturnsInPartsAddUpToTheLinesNetAmount) {
  v1::OrderLine line;
  line.set_quantity(3);
  line.mutable_net_amount()->set_units(100);
  int64_t credited = 0;
  int64_t returned = 0;
  for (int64_t part : {1, 1, 1}) {
    credited += ReturnAmount(line, returned, part);
    returned += part;
  }
  EXPECT_EQ(credited, 100);  // 33 + 34 + 33, not 3 × 33
  EXPECT_EQ(ReturnAmount(line, 0, 3), 100);
  EXPECT_EQ(ReturnAmount(line, 0, 1), 33);
}

}  // namespace
}  // namespace sales::orders
