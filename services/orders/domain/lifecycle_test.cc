#include "services/orders/domain/lifecycle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::orders {
namespace {

using v1::OrderStatus;

TEST(LifecycleTest, EveryAllowedMoveAndNoOther) {
  const std::vector<std::pair<OrderStatus, OrderStatus>> allowed = {
      {v1::ORDER_STATUS_PLACED, v1::ORDER_STATUS_CONFIRMED},
      {v1::ORDER_STATUS_PLACED, v1::ORDER_STATUS_CREDIT_HOLD},
      {v1::ORDER_STATUS_CREDIT_HOLD, v1::ORDER_STATUS_CONFIRMED},
      {v1::ORDER_STATUS_PLACED, v1::ORDER_STATUS_CANCELLED},
      {v1::ORDER_STATUS_CREDIT_HOLD, v1::ORDER_STATUS_CANCELLED},
      {v1::ORDER_STATUS_CONFIRMED, v1::ORDER_STATUS_CANCELLED},
      {v1::ORDER_STATUS_CONFIRMED, v1::ORDER_STATUS_SHIPPED},
      {v1::ORDER_STATUS_SHIPPED, v1::ORDER_STATUS_DELIVERED},
      {v1::ORDER_STATUS_DELIVERED, v1::ORDER_STATUS_INVOICED},
      {v1::ORDER_STATUS_INVOICED, v1::ORDER_STATUS_PAID},
  };
  for (int from = v1::OrderStatus_MIN; from <= v1::OrderStatus_MAX; ++from) {
    for (int to = v1::OrderStatus_MIN; to <= v1::OrderStatus_MAX; ++to) {
      const auto move =
          std::make_pair(static_cast<OrderStatus>(from), static_cast<OrderStatus>(to));
      const bool expected = std::find(allowed.begin(), allowed.end(), move) != allowed.end();
      EXPECT_EQ(CanMove(move.first, move.second), expected)
          << v1::OrderStatus_Name(from) << " -> " << v1::OrderStatus_Name(to);
    }
  }
}

TEST(LifecycleTest, AnIllegalMoveNamesTheRuleAndBothStatuses) {
  v1::Order order;
  order.set_order_id("O-1");
  order.set_status(v1::ORDER_STATUS_SHIPPED);
  const absl::Status refused = CheckMove(order, v1::ORDER_STATUS_CANCELLED);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("illegal_status_change"));
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("SHIPPED"));
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("CANCELLED"));
  EXPECT_TRUE(IsDelivered(v1::ORDER_STATUS_PAID));
  EXPECT_FALSE(IsDelivered(v1::ORDER_STATUS_SHIPPED));
}

}  // namespace
}  // namespace sales::orders
