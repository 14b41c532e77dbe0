#include "services/orders/domain/lifecycle.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"

namespace sales::orders {

bool CanMove(v1::OrderStatus from, v1::OrderStatus to) {
  switch (to) {
    case v1::ORDER_STATUS_CONFIRMED:
      return from == v1::ORDER_STATUS_PLACED || from == v1::ORDER_STATUS_CREDIT_HOLD;
    case v1::ORDER_STATUS_CREDIT_HOLD:
      return from == v1::ORDER_STATUS_PLACED;
    case v1::ORDER_STATUS_CANCELLED:
      return from == v1::ORDER_STATUS_PLACED || from == v1::ORDER_STATUS_CREDIT_HOLD ||
             from == v1::ORDER_STATUS_CONFIRMED;
    case v1::ORDER_STATUS_SHIPPED:
      return from == v1::ORDER_STATUS_CONFIRMED;
    case v1::ORDER_STATUS_DELIVERED:
      return from == v1::ORDER_STATUS_SHIPPED;
    case v1::ORDER_STATUS_INVOICED:
      return from == v1::ORDER_STATUS_DELIVERED;
    case v1::ORDER_STATUS_PAID:
      return from == v1::ORDER_STATUS_INVOICED;
    default:
      return false;
  }
}

absl::Status CheckMove(const v1::Order& order, v1::OrderStatus to) {
  if (CanMove(order.status(), to)) return absl::OkStatus();
  return RuleViolated(
      "illegal_status_change",
      absl::StrCat("order ", order.order_id(), " is ", v1::OrderStatus_Name(order.status()),
                   ", it cannot become ", v1::OrderStatus_Name(to)));
}

bool IsDelivered(v1::OrderStatus status) {
  return status == v1::ORDER_STATUS_DELIVERED || status == v1::ORDER_STATUS_INVOICED ||
         status == v1::ORDER_STATUS_PAID;
}

}  // namespace sales::orders
