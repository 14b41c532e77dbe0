#include "services/orders/domain/validation.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/validation/field_validation.h"

namespace sales::orders {
namespace {

absl::Status ValidateQuantity(absl::string_view field, int64_t quantity) {
  if (quantity <= 0) return InvalidField(field, "must be at least 1");
  if (quantity > kMaxLineQuantity) return InvalidField(field, "above 10^9 units");
  return absl::OkStatus();
}

absl::Status ValidateCredit(v1::CreditGrade grade, const common::v1::Money& limit,
                            int32_t payment_terms_days) {
  RETURN_IF_ERROR(ValidateEnum("credit_grade", grade, v1::CreditGrade_IsValid));
  RETURN_IF_ERROR(ValidateMoney("credit_limit", limit));
  if (payment_terms_days < 0 || payment_terms_days > kMaxPaymentTermsDays) {
    return InvalidField("payment_terms_days", "must be between 0 and 365");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePlaceOrder(const v1::PlaceOrderRequest& c) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("order_id", c.order_id()));
  RETURN_IF_ERROR(ValidateId("customer_id", c.customer_id()));
  RETURN_IF_ERROR(ValidateOptionalId("deal_id", c.deal_id()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidateId("rep_id", c.rep_id()));
  if (c.lines().empty()) return InvalidField("lines", "an order needs at least one line");
  if (c.lines_size() > kMaxOrderLines) return InvalidField("lines", "more than 98 lines");
  absl::flat_hash_set<absl::string_view> skus;
  for (int i = 0; i < c.lines_size(); ++i) {
    const v1::PlaceOrderLine& line = c.lines(i);
    const std::string field = absl::StrCat("lines[", i, "]");
    RETURN_IF_ERROR(ValidateId(absl::StrCat(field, ".sku"), line.sku()));
    if (!skus.insert(line.sku()).second) {
      return InvalidField(absl::StrCat(field, ".sku"), "the SKU is on an earlier line already");
    }
    RETURN_IF_ERROR(ValidateQuantity(absl::StrCat(field, ".quantity"), line.quantity()));
    RETURN_IF_ERROR(ValidateBasisPoints(absl::StrCat(field, ".discount_bp"), line.discount_bp()));
    if (line.has_unit_price()) {
      RETURN_IF_ERROR(ValidateMoney(absl::StrCat(field, ".unit_price"), line.unit_price()));
    }
  }
  if (c.has_order_date()) RETURN_IF_ERROR(ValidateDate("order_date", c.order_date()));
  return absl::OkStatus();
}

absl::Status ValidateRegisterCustomer(const v1::RegisterCustomerRequest& c) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("customer_id", c.customer_id()));
  RETURN_IF_ERROR(ValidateText("name", c.name(), kMaxNameLength, /*required=*/true));
  RETURN_IF_ERROR(ValidateId("region_id", c.region_id()));
  RETURN_IF_ERROR(ValidateOptionalId("segment", c.segment()));
  return ValidateCredit(c.credit_grade(), c.credit_limit(), c.payment_terms_days());
}

absl::Status ValidateChangeCustomerCredit(const v1::ChangeCustomerCreditRequest& c) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("customer_id", c.customer_id()));
  RETURN_IF_ERROR(ValidateCredit(c.credit_grade(), c.credit_limit(), c.payment_terms_days()));
  return ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/true);
}

absl::Status ValidateReturnItems(const v1::ReturnItemsRequest& c) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("order_id", c.order_id()));
  RETURN_IF_ERROR(ValidateId("return_id", c.return_id()));
  if (c.lines().empty()) return InvalidField("lines", "a return needs at least one line");
  if (c.lines_size() > kMaxOrderLines) return InvalidField("lines", "more than 98 lines");
  absl::flat_hash_set<int32_t> line_numbers;
  for (int i = 0; i < c.lines_size(); ++i) {
    const std::string field = absl::StrCat("lines[", i, "]");
    if (c.lines(i).line_no() < 1) {
      return InvalidField(absl::StrCat(field, ".line_no"), "must be at least 1");
    }
    if (!line_numbers.insert(c.lines(i).line_no()).second) {
      return InvalidField(absl::StrCat(field, ".line_no"),
                          "the line is on an earlier entry already");
    }
    RETURN_IF_ERROR(ValidateQuantity(absl::StrCat(field, ".quantity"), c.lines(i).quantity()));
  }
  return ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/true);
}

absl::Status ValidateRecordPayment(const v1::RecordPaymentRequest& c) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("order_id", c.order_id()));
  RETURN_IF_ERROR(ValidateId("payment_id", c.payment_id()));
  RETURN_IF_ERROR(ValidateMoney("amount", c.amount()));
  if (c.amount().units() == 0) return InvalidField("amount.units", "must be more than 0");
  if (c.has_received_on()) RETURN_IF_ERROR(ValidateDate("received_on", c.received_on()));
  return ValidateText("reference", c.reference(), kMaxNameLength, /*required=*/false);
}

absl::Status ValidateReceiveStock(const v1::ReceiveStockRequest& c) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("sku", c.sku()));
  RETURN_IF_ERROR(ValidateQuantity("quantity", c.quantity()));
  return ValidateText("reference", c.reference(), kMaxNameLength, /*required=*/false);
}

}  // namespace sales::orders
