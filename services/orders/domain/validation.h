// Field validation of the orders commands (the primitives are common/validation/
// field_validation.h). Every failure is INVALID_ARGUMENT naming the field ("lines[2].quantity").
// They run before any lookup, so a malformed request is refused as such whatever the state.
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_ORDERS_DOMAIN_VALIDATION_H_
#define SALES_SERVICES_ORDERS_DOMAIN_VALIDATION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "sales/orders/v1/commands.pb.h"

namespace sales::orders {

// An order's confirmation appends to the order, its customer and one stock stream per line in
// one append of at most 100 streams.
inline constexpr int kMaxOrderLines = 98;
inline constexpr int64_t kMaxLineQuantity = 1'000'000'000;
inline constexpr int32_t kMaxPaymentTermsDays = 365;

// Ids (the order id too: the app generates one before deciding when the caller left it empty),
// 1–98 lines each with a SKU at most once, a quantity of 1–10^9, a discount of 0–10,000 bp, and
// a unit price (when given) that is valid money; a real order date when given.
absl::Status ValidatePlaceOrder(const v1::PlaceOrderRequest& c);
absl::Status ValidateRegisterCustomer(const v1::RegisterCustomerRequest& c);
absl::Status ValidateChangeCustomerCredit(const v1::ChangeCustomerCreditRequest& c);
// 1–1,000 lines, each a line number ≥ 1 at most once with a quantity of 1–10^9; a reason.
absl::Status ValidateReturnItems(const v1::ReturnItemsRequest& c);
absl::Status ValidateRecordPayment(const v1::RecordPaymentRequest& c);
absl::Status ValidateReceiveStock(const v1::ReceiveStockRequest& c);

}  // namespace sales::orders

#endif  // SALES_SERVICES_ORDERS_DOMAIN_VALIDATION_H_
