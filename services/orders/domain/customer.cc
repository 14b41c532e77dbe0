// Decide and Evolve of the Customer aggregate (see aggregates.h).
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "services/orders/domain/aggregates.h"
#include "services/orders/domain/validation.h"
#include "services/org/domain/org.h"

namespace sales::orders {

std::string CustomerStreamId(absl::string_view customer_id) {
  return absl::StrCat(kCustomerStreamPrefix, customer_id);
}

absl::StatusOr<CustomerEvents> Decide(const v1::Customer& customer,
                                      const v1::RegisterCustomerRequest& c,
                                      const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateRegisterCustomer(c));
  if (!customer.customer_id().empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("customer ", Quoted(c.customer_id()), " already exists"));
  }
  if (!org::HasRegion(ctx.org, c.region_id())) {
    return absl::NotFoundError(
        absl::StrCat("region_id: region ", Quoted(c.region_id()), " is not in the organisation"));
  }
  if (!c.segment().empty() && !org::HasSegment(ctx.org, c.segment())) {
    return absl::NotFoundError(
        absl::StrCat("segment: segment ", Quoted(c.segment()), " is not in the organisation"));
  }
  CustomerEvents events;
  v1::CustomerRegistered& registered = *events.emplace_back().mutable_customer_registered();
  registered.set_customer_id(c.customer_id());
  registered.set_name(c.name());
  registered.set_region_id(c.region_id());
  registered.set_segment(c.segment());
  registered.set_credit_grade(c.credit_grade());
  *registered.mutable_credit_limit() = c.credit_limit();
  registered.set_payment_terms_days(c.payment_terms_days());
  *registered.mutable_at() = ToTimestamp(ctx.now);
  return events;
}

absl::StatusOr<CustomerEvents> Decide(const v1::Customer& customer,
                                      const v1::ChangeCustomerCreditRequest& c,
                                      const OrdersContext& ctx) {
  RETURN_IF_ERROR(ValidateChangeCustomerCredit(c));
  if (customer.customer_id().empty()) {
    return absl::NotFoundError(
        absl::StrCat("customer ", Quoted(c.customer_id()), " does not exist"));
  }
  if (c.credit_limit().currency() != customer.credit_limit().currency()) {
    return InvalidField("credit_limit.currency", absl::StrCat("the customer's currency is ",
                                                              customer.credit_limit().currency()));
  }
  if (c.credit_grade() == customer.credit_grade() &&
      c.credit_limit().units() == customer.credit_limit().units() &&
      c.payment_terms_days() == customer.payment_terms_days()) {
    return CustomerEvents();  // nothing changes
  }
  CustomerEvents events;
  v1::CustomerCreditChanged& changed = *events.emplace_back().mutable_customer_credit_changed();
  changed.set_credit_grade(c.credit_grade());
  *changed.mutable_credit_limit() = c.credit_limit();
  changed.set_payment_terms_days(c.payment_terms_days());
  changed.set_reason(c.reason());
  *changed.mutable_at() = ToTimestamp(ctx.now);
  return events;
}

v1::Customer Evolve(v1::Customer customer, const v1::CustomerEvent& event) {
  switch (event.event_case()) {
    case v1::CustomerEvent::kCustomerRegistered: {
      const v1::CustomerRegistered& e = event.customer_registered();
      customer.set_customer_id(e.customer_id());
      customer.set_name(e.name());
      customer.set_region_id(e.region_id());
      customer.set_segment(e.segment());
      customer.set_credit_grade(e.credit_grade());
      *customer.mutable_credit_limit() = e.credit_limit();
      customer.set_payment_terms_days(e.payment_terms_days());
      break;
    }
    case v1::CustomerEvent::kCustomerCreditChanged: {
      const v1::CustomerCreditChanged& e = event.customer_credit_changed();
      customer.set_credit_grade(e.credit_grade());
      *customer.mutable_credit_limit() = e.credit_limit();
      customer.set_payment_terms_days(e.payment_terms_days());
      break;
    }
    case v1::CustomerEvent::kExposureChanged: {
      const v1::ExposureChanged& e = event.exposure_changed();
      auto& by_order = *customer.mutable_exposure_by_order();
      if (e.exposure() > 0) {
        by_order[e.order_id()] = e.exposure();
      } else {
        by_order.erase(e.order_id());
      }
      customer.set_exposure(e.total_exposure());
      if (e.confirmation()) customer.set_confirmed_orders(customer.confirmed_orders() + 1);
      break;
    }
    case v1::CustomerEvent::EVENT_NOT_SET:
      break;
  }
  return customer;
}

}  // namespace sales::orders
