#include "services/orders/read_model/read_model.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/eventsourcing/event_codec.h"
#include "common/projection/paged_scan.h"
#include "common/projection/row_codec.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "sales/orders/v1/read_model.pb.h"
#include "services/orders/domain/aggregates.h"
#include "services/orders/domain/aging.h"

namespace sales::orders {
namespace {

constexpr char kOrders[] = "o/";
constexpr char kAllByDay[] = "l/";
constexpr char kByCustomer[] = "lc/";
constexpr char kByRep[] = "lr/";
constexpr char kByChannel[] = "lh/";
constexpr char kStock[] = "k/";
constexpr char kOpenInvoices[] = "i/";
constexpr char kAging[] = "a/";
constexpr char kUnreportedOverdue[] = "d/";
constexpr char kTotalGroup[] = "-";

template <typename Row>
absl::StatusOr<Row> Decode(absl::string_view key, absl::string_view bytes) {
  return projection::DecodeRow<Row>(key, bytes, OrdersReadModelProjection::kName);
}
template <typename Row>
absl::StatusOr<Row> Load(projection::ProjectionTxn& txn, absl::string_view key) {
  return projection::LoadRow<Row>(txn, key, OrdersReadModelProjection::kName);
}
template <typename Row>
absl::StatusOr<std::optional<Row>> Read(projection::ProjectionStore& store, absl::string_view key) {
  return projection::ReadRow<Row>(store, key, OrdersReadModelProjection::kName);
}

int32_t DayNumber(absl::CivilDay day) {
  return static_cast<int32_t>(day.year() * 10000 + int64_t{day.month()} * 100 + day.day());
}
absl::CivilDay DayOfNumber(int32_t number) {
  return absl::CivilDay(number / 10000, (number / 100) % 100, number % 100);
}
std::string DayKey(absl::CivilDay day) { return absl::StrFormat("%08d", DayNumber(day)); }
std::string NewestFirstDayKey(absl::CivilDay day) {
  return absl::StrFormat("%08d", 99999999 - DayNumber(day));
}

absl::CivilDay PlacedOn(const v1::Order& order) {
  return absl::ToCivilDay(FromTimestamp(order.placed_at()), absl::UTCTimeZone());
}

// An open invoice: its order has an invoice with a balance.
bool HasOpenInvoice(const v1::Order& order) {
  return !order.invoice().invoice_id().empty() && order.invoice().balance().units() > 0;
}

// The aging groups an order's invoice counts in: (dimension, group).
std::vector<std::pair<const char*, std::string>> AgingGroupsOf(const v1::Order& order) {
  return {{"t", kTotalGroup},
          {"c", order.customer_id()},
          {"r", order.rep_id()},
          {"g", order.region_id()}};
}

// The group and the currency are separated by a byte below every id character, so that the rows
// of a dimension are in group id order ("C" before "C-1").
constexpr char kCurrencySeparator = '\x01';

std::string AgingKey(absl::string_view dimension, absl::string_view group,
                     absl::string_view currency) {
  return absl::StrCat(kAging, dimension, "/", group, std::string(1, kCurrencySeparator), currency);
}

// Adds (or with sign −1 removes) the open invoice of `order` to its aging groups.
absl::Status AddToAging(const v1::Order& order, int sign, projection::ProjectionTxn& txn) {
  if (!HasOpenInvoice(order)) return absl::OkStatus();
  const int32_t due = DayNumber(ToCivilDay(order.invoice().due_on()));
  const int64_t balance = order.invoice().balance().units();
  for (const auto& [dimension, group] : AgingGroupsOf(order)) {
    const std::string key = AgingKey(dimension, group, order.currency());
    ASSIGN_OR_RETURN(v1::AgingGroupRow row, Load<v1::AgingGroupRow>(txn, key));
    auto* cells = row.mutable_cells();
    auto it = std::lower_bound(
        cells->begin(), cells->end(), due,
        [](const v1::AgingCell& cell, int32_t day) { return cell.due_on() < day; });
    if (it == cells->end() || it->due_on() != due) {
      const int index = static_cast<int>(it - cells->begin());
      cells->Add()->set_due_on(due);
      for (int i = cells->size() - 1; i > index; --i) cells->SwapElements(i, i - 1);
      it = cells->begin() + index;
    }
    it->set_balance(it->balance() + sign * balance);
    it->set_invoices(it->invoices() + sign);
    if (it->invoices() <= 0) cells->erase(it);
    if (cells->empty()) {
      txn.Delete(key);
    } else {
      txn.Put(key, row.SerializeAsString());
    }
  }
  return absl::OkStatus();
}

std::string OpenInvoiceKey(const v1::Order& order) {
  return absl::StrCat(kOpenInvoices, order.customer_id(), "/",
                      DayKey(ToCivilDay(order.invoice().due_on())), "/", order.order_id());
}

// What an order contributes to the rows that sum or index it (aging, open invoices), removed
// before an event and added back after it.
std::string UnreportedOverdueKey(const v1::Order& order) {
  return absl::StrCat(kUnreportedOverdue, DayKey(ToCivilDay(order.invoice().due_on())), "/",
                      order.order_id());
}
absl::Status Unindex(const v1::Order& order, projection::ProjectionTxn& txn) {
  if (HasOpenInvoice(order)) {
    txn.Delete(OpenInvoiceKey(order));
    txn.Delete(UnreportedOverdueKey(order));
  }
  return AddToAging(order, -1, txn);
}
absl::Status Index(const v1::Order& order, projection::ProjectionTxn& txn) {
  if (HasOpenInvoice(order)) {
    txn.Put(OpenInvoiceKey(order), "");
    if (!order.invoice().overdue_reported()) txn.Put(UnreportedOverdueKey(order), "");
  }
  return AddToAging(order, +1, txn);
}

absl::Status ApplyOrder(absl::string_view order_id, const projection::EventEnvelope& envelope,
                        projection::ProjectionTxn& txn) {
  v1::OrderEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(OrdersReadModelProjection::kName,
                                                      envelope.payload(), event));
  const std::string key = absl::StrCat(kOrders, order_id);
  ASSIGN_OR_RETURN(v1::Order before, Load<v1::Order>(txn, key));
  v1::Order order = Evolve(before, event);
  if (order.order_id().empty()) return absl::OkStatus();  // folds into nothing
  if (before.order_id().empty()) {
    // Placed: the list indexes (what they key on never changes).
    const std::string day = NewestFirstDayKey(PlacedOn(order));
    txn.Put(absl::StrCat(kAllByDay, day, "/", order_id), "");
    txn.Put(absl::StrCat(kByCustomer, order.customer_id(), "/", day, "/", order_id), "");
    txn.Put(absl::StrCat(kByRep, order.rep_id(), "/", day, "/", order_id), "");
    txn.Put(absl::StrCat(kByChannel, order.channel_id(), "/", day, "/", order_id), "");
  }
  RETURN_IF_ERROR(Unindex(before, txn));
  RETURN_IF_ERROR(Index(order, txn));
  txn.Put(key, order.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ApplyStock(absl::string_view sku, const projection::EventEnvelope& envelope,
                        projection::ProjectionTxn& txn) {
  v1::StockEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(OrdersReadModelProjection::kName,
                                                      envelope.payload(), event));
  const std::string key = absl::StrCat(kStock, sku);
  ASSIGN_OR_RETURN(v1::Stock stock, Load<v1::Stock>(txn, key));
  stock = Evolve(std::move(stock), event);
  stock.set_sku(std::string(sku));
  txn.Put(key, stock.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ValidateListOrders(const v1::ListOrdersRequest& request) {
  RETURN_IF_ERROR(projection::ValidatePageSize(request.page_size()));
  RETURN_IF_ERROR(ValidateOptionalId("customer_id", request.customer_id()));
  RETURN_IF_ERROR(ValidateOptionalId("rep_id", request.rep_id()));
  RETURN_IF_ERROR(ValidateOptionalId("channel_id", request.channel_id()));
  RETURN_IF_ERROR(ValidateOptionalEnum("status", request.status(), v1::OrderStatus_IsValid));
  if (request.has_placed_from()) {
    RETURN_IF_ERROR(ValidateDate("placed_from", request.placed_from()));
  }
  if (request.has_placed_to()) {
    RETURN_IF_ERROR(ValidateDate("placed_to", request.placed_to()));
  }
  return absl::OkStatus();
}

bool Matches(const v1::ListOrdersRequest& request, const v1::Order& order) {
  if (!request.customer_id().empty() && order.customer_id() != request.customer_id()) return false;
  if (!request.rep_id().empty() && order.rep_id() != request.rep_id()) return false;
  if (!request.channel_id().empty() && order.channel_id() != request.channel_id()) return false;
  if (request.status() != v1::ORDER_STATUS_UNSPECIFIED && order.status() != request.status()) {
    return false;
  }
  const absl::CivilDay placed = PlacedOn(order);
  if (request.has_placed_from() && placed < ToCivilDay(request.placed_from())) return false;
  if (request.has_placed_to() && placed > ToCivilDay(request.placed_to())) return false;
  return true;
}

v1::AgingRow AgingRowOf(const AgingTotals& totals, std::string group_id, std::string currency) {
  v1::AgingRow row;
  row.set_group_id(std::move(group_id));
  row.set_currency(std::move(currency));
  for (int bucket = 0; bucket < kAgingBuckets; ++bucket) {
    v1::AgingBucketTotal& total = *row.add_buckets();
    total.set_bucket(BucketName(static_cast<AgingBucket>(bucket)));
    total.set_balance(totals.balance[bucket]);
    total.set_invoices(totals.invoices[bucket]);
  }
  row.set_total_balance(totals.total_balance);
  row.set_total_invoices(totals.total_invoices);
  row.set_overdue_balance(totals.total_balance -
                          totals.balance[static_cast<int>(AgingBucket::kCurrent)]);
  return row;
}

AgingTotals TotalsOf(const v1::AgingGroupRow& row, absl::CivilDay on) {
  AgingTotals totals;
  for (const v1::AgingCell& cell : row.cells()) {
    const AgingBucket bucket = BucketOf(DayOfNumber(cell.due_on()), on);
    totals.balance[static_cast<int>(bucket)] += cell.balance();
    totals.invoices[static_cast<int>(bucket)] += cell.invoices();
    totals.total_balance += cell.balance();
    totals.total_invoices += cell.invoices();
  }
  return totals;
}

const char* DimensionOf(v1::AgingGroupBy group_by) {
  switch (group_by) {
    case v1::AGING_GROUP_BY_CUSTOMER:
      return "c";
    case v1::AGING_GROUP_BY_REP:
      return "r";
    case v1::AGING_GROUP_BY_REGION:
      return "g";
    default:
      return "t";
  }
}

}  // namespace

absl::Status OrdersReadModelProjection::Apply(const projection::EventEnvelope& envelope,
                                              projection::ProjectionTxn& txn) {
  const absl::string_view stream = envelope.stream_id();
  if (absl::StartsWith(stream, kOrderStreamPrefix)) {
    return ApplyOrder(stream.substr(kOrderStreamPrefix.size()), envelope, txn);
  }
  if (absl::StartsWith(stream, kStockStreamPrefix)) {
    return ApplyStock(stream.substr(kStockStreamPrefix.size()), envelope, txn);
  }
  return absl::OkStatus();
}

v1::OrderSummary SummaryOf(const v1::Order& order) {
  v1::OrderSummary summary;
  summary.set_order_id(order.order_id());
  summary.set_customer_id(order.customer_id());
  summary.set_deal_id(order.deal_id());
  summary.set_channel_id(order.channel_id());
  summary.set_rep_id(order.rep_id());
  summary.set_region_id(order.region_id());
  summary.set_status(order.status());
  *summary.mutable_total() = order.total();
  *summary.mutable_placed_on() = ToDate(PlacedOn(order));
  summary.set_lines(order.lines_size());
  if (!order.invoice().invoice_id().empty()) {
    *summary.mutable_balance() = order.invoice().balance();
    *summary.mutable_due_on() = order.invoice().due_on();
  }
  return summary;
}

absl::StatusOr<v1::ListOrdersResponse> OrdersReadModel::ListOrders(
    const v1::ListOrdersRequest& request) const {
  RETURN_IF_ERROR(ValidateListOrders(request));
  // The most selective index the filters allow.
  std::string prefix = kAllByDay;
  if (!request.customer_id().empty()) {
    prefix = absl::StrCat(kByCustomer, request.customer_id(), "/");
  } else if (!request.rep_id().empty()) {
    prefix = absl::StrCat(kByRep, request.rep_id(), "/");
  } else if (!request.channel_id().empty()) {
    prefix = absl::StrCat(kByChannel, request.channel_id(), "/");
  }
  v1::ListOrdersResponse response;
  ASSIGN_OR_RETURN(
      std::string next,
      projection::ScanPage(*store_, prefix, projection::PageQueryOf(request), request.page_token(),
                           {.page_size = request.page_size()},
                           [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
                             const absl::string_view order_id = key.substr(key.rfind('/') + 1);
                             ASSIGN_OR_RETURN(
                                 std::optional<v1::Order> order,
                                 Read<v1::Order>(*store_, absl::StrCat(kOrders, order_id)));
                             if (!order.has_value() || !Matches(request, *order)) return false;
                             *response.add_orders() = SummaryOf(*order);
                             return true;
                           }));
  response.set_next_page_token(std::move(next));
  return response;
}

absl::StatusOr<v1::ListStockResponse> OrdersReadModel::ListStock(
    const v1::ListStockRequest& request) const {
  RETURN_IF_ERROR(projection::ValidatePageSize(request.page_size()));
  v1::ListStockResponse response;
  ASSIGN_OR_RETURN(std::string next,
                   projection::ScanPage(
                       *store_, kStock, projection::PageQueryOf(request), request.page_token(),
                       {.page_size = request.page_size()},
                       [&](absl::string_view key, absl::string_view bytes) -> absl::StatusOr<bool> {
                         ASSIGN_OR_RETURN(v1::Stock stock, Decode<v1::Stock>(key, bytes));
                         if (request.only_backordered() && stock.backordered() == 0) return false;
                         v1::StockLevel& level = *response.add_stock();
                         level.set_available(AvailableStock(&stock));
                         *level.mutable_stock() = std::move(stock);
                         return true;
                       }));
  response.set_next_page_token(std::move(next));
  return response;
}

absl::StatusOr<std::vector<v1::OpenInvoice>> OrdersReadModel::OpenInvoices(
    absl::string_view customer_id, absl::CivilDay today) const {
  std::vector<v1::OpenInvoice> invoices;
  absl::Status read;
  RETURN_IF_ERROR(store_->Scan(
      absl::StrCat(kOpenInvoices, customer_id, "/"), [&](absl::string_view key, absl::string_view) {
        const absl::string_view order_id = key.substr(key.rfind('/') + 1);
        absl::StatusOr<std::optional<v1::Order>> order =
            Read<v1::Order>(*store_, absl::StrCat(kOrders, order_id));
        if (!order.ok()) {
          read = order.status();
          return false;
        }
        if (!order->has_value() || !HasOpenInvoice(**order)) return true;
        const v1::Order& found = **order;
        v1::OpenInvoice& invoice = invoices.emplace_back();
        invoice.set_order_id(found.order_id());
        invoice.set_invoice_id(found.invoice().invoice_id());
        invoice.set_customer_id(found.customer_id());
        invoice.set_rep_id(found.rep_id());
        invoice.set_region_id(found.region_id());
        *invoice.mutable_issued_on() = found.invoice().issued_on();
        *invoice.mutable_due_on() = found.invoice().due_on();
        *invoice.mutable_amount() = found.invoice().amount();
        *invoice.mutable_balance() = found.invoice().balance();
        invoice.set_days_overdue(DaysOverdue(ToCivilDay(found.invoice().due_on()), today));
        return true;
      }));
  RETURN_IF_ERROR(read);
  return invoices;
}

absl::StatusOr<std::vector<std::string>> OrdersReadModel::UnreportedOverdue(absl::CivilDay today,
                                                                            size_t limit) const {
  std::vector<std::string> order_ids;
  const std::string first_not_due = absl::StrCat(kUnreportedOverdue, DayKey(today));
  RETURN_IF_ERROR(store_->Scan(kUnreportedOverdue, [&](absl::string_view key, absl::string_view) {
    if (key >= first_not_due || order_ids.size() >= limit) return false;
    order_ids.emplace_back(key.substr(key.rfind('/') + 1));
    return true;
  }));
  return order_ids;
}

absl::StatusOr<v1::AgingReport> OrdersReadModel::AgingReport(
    const v1::GetAgingReportRequest& request, absl::CivilDay today) const {
  RETURN_IF_ERROR(projection::ValidatePageSize(request.page_size()));
  RETURN_IF_ERROR(ValidateOptionalEnum("group_by", request.group_by(), v1::AgingGroupBy_IsValid));
  if (request.has_as_of()) {
    RETURN_IF_ERROR(ValidateDate("as_of", request.as_of()));
  }
  if (!request.currency().empty()) {
    RETURN_IF_ERROR(ValidateCurrency("currency", request.currency()));
  }
  const absl::CivilDay on = request.has_as_of() ? ToCivilDay(request.as_of()) : today;
  v1::AgingReport report;
  *report.mutable_as_of() = ToDate(on);
  // Key a/<dimension>/<group>␁<currency>: the group and currency of a row.
  auto group_and_currency = [](absl::string_view key, absl::string_view prefix) {
    const absl::string_view rest = key.substr(prefix.size());
    const size_t separator = rest.find(kCurrencySeparator);
    return std::pair(std::string(rest.substr(0, separator)),
                     std::string(rest.substr(separator + 1)));
  };
  // The totals: one row per currency.
  const std::string total_prefix = AgingKey("t", kTotalGroup, "");
  absl::Status decoded;
  RETURN_IF_ERROR(store_->Scan(total_prefix, [&](absl::string_view key, absl::string_view bytes) {
    absl::StatusOr<v1::AgingGroupRow> row = Decode<v1::AgingGroupRow>(key, bytes);
    if (!row.ok()) {
      decoded = row.status();
      return false;
    }
    std::string currency(key.substr(total_prefix.size()));
    if (!request.currency().empty() && currency != request.currency()) return true;
    *report.add_totals() = AgingRowOf(TotalsOf(*row, on), "", std::move(currency));
    return true;
  }));
  RETURN_IF_ERROR(decoded);
  if (request.group_by() == v1::AGING_GROUP_BY_UNSPECIFIED) return report;
  const std::string prefix = absl::StrCat(kAging, DimensionOf(request.group_by()), "/");
  ASSIGN_OR_RETURN(
      std::string next,
      projection::ScanPage(
          *store_, prefix, projection::PageQueryOf(request), request.page_token(),
          {.page_size = request.page_size()},
          [&](absl::string_view key, absl::string_view bytes) -> absl::StatusOr<bool> {
            auto [group, currency] = group_and_currency(key, prefix);
            if (!request.currency().empty() && currency != request.currency()) return false;
            ASSIGN_OR_RETURN(v1::AgingGroupRow row, Decode<v1::AgingGroupRow>(key, bytes));
            *report.add_rows() = AgingRowOf(TotalsOf(row, on), std::move(group), currency);
            return true;
          }));
  report.set_next_page_token(std::move(next));
  return report;
}

}  // namespace sales::orders
