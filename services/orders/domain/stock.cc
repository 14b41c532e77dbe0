// Evolve of the Stock aggregate (see aggregates.h; its events are decided with the orders').
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/orders/domain/aggregates.h"

namespace sales::orders {
namespace {

// The hold of an order's line, or null.
v1::Stock::Hold* FindHold(v1::Stock& stock, absl::string_view order_id, int32_t line_no) {
  for (v1::Stock::Hold& hold : *stock.mutable_holds()) {
    if (hold.order_id() == order_id && hold.line_no() == line_no) return &hold;
  }
  return nullptr;
}

}  // namespace

std::string StockStreamId(absl::string_view sku) { return absl::StrCat(kStockStreamPrefix, sku); }

int64_t AvailableStock(const v1::Stock* stock) {
  if (stock == nullptr || stock->backordered() > 0) return 0;
  return std::max<int64_t>(stock->on_hand() - stock->reserved(), 0);
}

v1::Stock Evolve(v1::Stock stock, const v1::StockEvent& event) {
  switch (event.event_case()) {
    case v1::StockEvent::kStockReceived:
      stock.set_on_hand(stock.on_hand() + event.stock_received().quantity());
      break;
    case v1::StockEvent::kStockReserved: {
      const v1::StockReserved& e = event.stock_reserved();
      v1::Stock::Hold& hold = *stock.add_holds();
      hold.set_order_id(e.order_id());
      hold.set_line_no(e.line_no());
      hold.set_reserved(e.reserved());
      hold.set_backordered(e.backordered());
      stock.set_reserved(stock.reserved() + e.reserved());
      stock.set_backordered(stock.backordered() + e.backordered());
      break;
    }
    case v1::StockEvent::kBackorderFilled: {
      const v1::BackorderFilled& e = event.backorder_filled();
      if (v1::Stock::Hold* hold = FindHold(stock, e.order_id(), e.line_no())) {
        hold->set_reserved(hold->reserved() + e.quantity());
        hold->set_backordered(hold->backordered() - e.quantity());
        stock.set_reserved(stock.reserved() + e.quantity());
        stock.set_backordered(stock.backordered() - e.quantity());
      }
      break;
    }
    case v1::StockEvent::kStockReleased: {
      const v1::StockReleased& e = event.stock_released();
      auto& holds = *stock.mutable_holds();
      for (int i = 0; i < holds.size(); ++i) {
        if (holds[i].order_id() == e.order_id() && holds[i].line_no() == e.line_no()) {
          holds.DeleteSubrange(i, 1);
          break;
        }
      }
      stock.set_reserved(stock.reserved() - e.reserved());
      stock.set_backordered(stock.backordered() - e.backordered());
      if (e.shipped()) stock.set_on_hand(stock.on_hand() - e.reserved());
      break;
    }
    case v1::StockEvent::kStockRestocked:
      stock.set_on_hand(stock.on_hand() + event.stock_restocked().quantity());
      break;
    case v1::StockEvent::EVENT_NOT_SET:
      break;
  }
  return stock;
}

}  // namespace sales::orders
