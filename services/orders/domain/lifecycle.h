// An order's lifecycle (订单处理与交付管理):
//
//   PLACED ──confirm──▶ CONFIRMED ──ship──▶ SHIPPED ──deliver──▶ DELIVERED ──invoice──▶ INVOICED
//     │  └─confirm over the limit─▶ CREDIT_HOLD ──release──▶ CONFIRMED        INVOICED ──paid──▶
//     PAID └──────────── cancel (from PLACED, CREDIT_HOLD or CONFIRMED) ──▶ CANCELLED
//
// Returns (partial, by line) are allowed from DELIVERED on and change no status. CANCELLED and PAID
// are final for the lifecycle (a PAID order can still take a return: its credit note is owed back).
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_ORDERS_DOMAIN_LIFECYCLE_H_
#define SALES_SERVICES_ORDERS_DOMAIN_LIFECYCLE_H_

#include "absl/status/status.h"
#include "sales/orders/v1/model.pb.h"

namespace sales::orders {

// Whether the lifecycle allows `from` → `to`.
bool CanMove(v1::OrderStatus from, v1::OrderStatus to);

// OK when the order may move to `to`; FAILED_PRECONDITION "rule illegal_status_change: order
// <id> is <FROM>, it cannot become <TO>" otherwise.
absl::Status CheckMove(const v1::Order& order, v1::OrderStatus to);

// Delivered and not cancelled: units can be returned.
bool IsDelivered(v1::OrderStatus status);

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_DOMAIN_LIFECYCLE_H_
