#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/orders/domain/aggregates.h"
#include "services/orders/domain/test_fixtures.h"

namespace sales::orders {
namespace {

using testing::Cny;
using ::testing::HasSubstr;
using testing::Meta;
using testing::World;

v1::Customer Registered(const World& world) {
  auto events = Decide(v1::Customer(), testing::RegisterCustomer("C1", 5'000), world.Context());
  EXPECT_TRUE(events.ok()) << events.status();
  v1::Customer customer;
  for (const auto& event : *events) customer = Evolve(customer, event);
  return customer;
}

TEST(CustomerTest, RegisterChecksFieldsThenTheOrganisation) {
  World world;
  const v1::Customer customer = Registered(world);
  EXPECT_EQ(customer.credit_limit().units(), 5'000);
  EXPECT_EQ(customer.payment_terms_days(), 30);
  EXPECT_EQ(Decide(customer, testing::RegisterCustomer("C1", 1), world.Context()).status().code(),
            absl::StatusCode::kAlreadyExists);

  v1::RegisterCustomerRequest bad = testing::RegisterCustomer("C2", 1);
  bad.set_payment_terms_days(400);
  EXPECT_THAT(Decide(v1::Customer(), bad, world.Context()).status().message(),
              HasSubstr("payment_terms_days"));
  bad = testing::RegisterCustomer("C2", 1);
  bad.set_credit_grade(v1::CREDIT_GRADE_UNSPECIFIED);
  EXPECT_THAT(Decide(v1::Customer(), bad, world.Context()).status().message(),
              HasSubstr("credit_grade"));
  bad = testing::RegisterCustomer("C2", 1);
  bad.set_region_id("north");
  auto unknown_region = Decide(v1::Customer(), bad, world.Context());
  EXPECT_EQ(unknown_region.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown_region.status().message(), HasSubstr("region_id"));
  bad = testing::RegisterCustomer("C2", 1);
  bad.set_segment("whales");
  EXPECT_EQ(Decide(v1::Customer(), bad, world.Context()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(CustomerTest, CreditChangesKeepTheCurrencyAndAnUnchangedCreditWritesNothing) {
  World world;
  const v1::Customer customer = Registered(world);
  v1::ChangeCustomerCreditRequest change;
  *change.mutable_meta() = Meta();
  change.set_customer_id("C1");
  change.set_credit_grade(v1::CREDIT_GRADE_B);
  *change.mutable_credit_limit() = Cny(5'000);
  change.set_payment_terms_days(30);
  change.set_reason("annual review");
  auto same = Decide(customer, change, world.Context());
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(same->empty());

  change.set_credit_grade(v1::CREDIT_GRADE_A);
  *change.mutable_credit_limit() = Cny(20'000);
  auto raised = Decide(customer, change, world.Context());
  ASSERT_TRUE(raised.ok()) << raised.status();
  const v1::Customer after = Evolve(customer, raised->front());
  EXPECT_EQ(after.credit_grade(), v1::CREDIT_GRADE_A);
  EXPECT_EQ(after.credit_limit().units(), 20'000);

  change.mutable_credit_limit()->set_currency("USD");
  EXPECT_THAT(Decide(customer, change, world.Context()).status().message(),
              HasSubstr("credit_limit.currency"));
  change.clear_reason();
  EXPECT_THAT(Decide(customer, change, world.Context()).status().message(), HasSubstr("reason"));
}

TEST(CustomerTest, ExposureIsTheSumOfTheOpenOrdersEntries) {
  v1::Customer customer;
  auto exposure = [](const std::string& order_id, int64_t amount, int64_t total, bool confirm) {
    v1::CustomerEvent event;
    event.mutable_exposure_changed()->set_order_id(order_id);
    event.mutable_exposure_changed()->set_exposure(amount);
    event.mutable_exposure_changed()->set_total_exposure(total);
    event.mutable_exposure_changed()->set_confirmation(confirm);
    return event;
  };
  customer = Evolve(customer, exposure("O-1", 300, 300, true));
  customer = Evolve(customer, exposure("O-2", 200, 500, true));
  customer = Evolve(customer, exposure("O-1", 0, 200, false));
  EXPECT_EQ(customer.exposure(), 200);
  EXPECT_EQ(customer.exposure_by_order().size(), 1u);
  EXPECT_EQ(customer.confirmed_orders(), 2);
}

}  // namespace
}  // namespace sales::orders
