// Decide and Evolve of the Product aggregate (see aggregates.h).
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/aggregates.h"
#include "services/channels/domain/validation.h"
#include "services/org/domain/org.h"

namespace sales::channels {
namespace {

ProductEvents One(v1::ProductEvent event) {
  ProductEvents events;
  events.push_back(std::move(event));
  return events;
}

absl::Status MustExist(const v1::Product& product, absl::string_view sku) {
  if (product.sku().empty()) {
    return absl::NotFoundError(absl::StrCat("product ", Quoted(sku), " is not in the catalogue"));
  }
  return absl::OkStatus();
}

absl::Status MustNotBeRetired(const v1::Product& product) {
  if (product.retired()) {
    return RuleViolated("product_retired",
                        absl::StrCat("product ", Quoted(product.sku()), " is retired"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ProductStreamId(absl::string_view sku) {
  return absl::StrCat(kProductStreamPrefix, sku);
}

absl::StatusOr<ProductEvents> Decide(const v1::Product& product, const v1::AddProductRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("sku", c.sku()));
  RETURN_IF_ERROR(ValidateText("name", c.name(), kMaxNameLength, /*required=*/true));
  RETURN_IF_ERROR(ValidateId("product_line_id", c.product_line_id()));
  RETURN_IF_ERROR(ValidateEnum("margin_class", c.margin_class(), v1::MarginClass_IsValid));
  RETURN_IF_ERROR(ValidateListPrice("list_price", c.list_price()));
  if (!product.sku().empty()) {
    return absl::AlreadyExistsError(absl::StrCat("product ", Quoted(c.sku()), " already exists"));
  }
  if (!org::HasProductLine(ctx.org, c.product_line_id())) {
    return absl::NotFoundError(
        absl::StrCat("product line ", Quoted(c.product_line_id()), " is not in the organisation"));
  }
  v1::ProductEvent event;
  v1::ProductAdded& added = *event.mutable_product_added();
  added.set_sku(c.sku());
  added.set_name(c.name());
  added.set_product_line_id(c.product_line_id());
  added.set_margin_class(c.margin_class());
  *added.mutable_list_price() = c.list_price();
  *added.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

absl::StatusOr<ProductEvents> Decide(const v1::Product& product,
                                     const v1::ChangeListPriceRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("sku", c.sku()));
  RETURN_IF_ERROR(ValidateListPrice("list_price", c.list_price()));
  RETURN_IF_ERROR(MustExist(product, c.sku()));
  RETURN_IF_ERROR(MustNotBeRetired(product));
  const v1::ListPrice& latest = product.list_prices(product.list_prices_size() - 1);
  if (c.list_price().price().currency() != latest.price().currency()) {
    return InvalidField("list_price.price.currency",
                        absl::StrCat("must be ", latest.price().currency(),
                                     ", the currency of the product's list prices"));
  }
  if (ToCivilDay(c.list_price().effective_from()) <= ToCivilDay(latest.effective_from())) {
    return RuleViolated("effective_date_not_later",
                        absl::StrCat("a new list price must start after ",
                                     absl::FormatCivilTime(ToCivilDay(latest.effective_from())),
                                     ", when the current one starts"));
  }
  v1::ProductEvent event;
  v1::ListPriceChanged& changed = *event.mutable_list_price_changed();
  *changed.mutable_list_price() = c.list_price();
  *changed.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

absl::StatusOr<ProductEvents> Decide(const v1::Product& product, const v1::RetireProductRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("sku", c.sku()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/true));
  RETURN_IF_ERROR(MustExist(product, c.sku()));
  if (product.retired()) return ProductEvents();  // already: nothing changes
  v1::ProductEvent event;
  v1::ProductRetired& retired = *event.mutable_product_retired();
  retired.set_reason(c.reason());
  *retired.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

v1::Product Evolve(v1::Product product, const v1::ProductEvent& event) {
  switch (event.event_case()) {
    case v1::ProductEvent::kProductAdded: {
      const v1::ProductAdded& e = event.product_added();
      product.set_sku(e.sku());
      product.set_name(e.name());
      product.set_product_line_id(e.product_line_id());
      product.set_margin_class(e.margin_class());
      *product.add_list_prices() = e.list_price();
      break;
    }
    case v1::ProductEvent::kListPriceChanged:
      *product.add_list_prices() = event.list_price_changed().list_price();
      break;
    case v1::ProductEvent::kProductRetired:
      product.set_retired(true);
      break;
    case v1::ProductEvent::EVENT_NOT_SET:
      break;
  }
  return product;
}

}  // namespace sales::channels
