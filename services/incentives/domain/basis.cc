#include "services/incentives/domain/basis.h"

#include <map>

#include "common/money/rounding.h"
#include "services/incentives/domain/splits.h"

namespace sales::incentives {
namespace {

LineShare ShareOf(const OrderLineFigures& line, int64_t units, int64_t amount) {
  return {.line_no = line.line_no,
          .sku = line.sku,
          .product_line_id = line.product_line_id,
          .margin_class = line.margin_class,
          .units = units,
          .amount = amount};
}

OrderFact FactOf(const OrderMovement& movement, FactKind kind) {
  return {.kind = kind,
          .cause_event_id = movement.cause_event_id,
          .occurred_at = movement.at,
          .day = movement.day,
          .order_id = movement.order_id,
          .deal_id = movement.deal_id,
          .first_order_of_customer = movement.first_order_of_customer};
}

// Each line less what was returned of it before.
std::vector<OrderLineFigures> Remaining(const OrderMovement& movement) {
  std::map<int32_t, std::pair<int64_t, int64_t>> returned;  // line → units, amount
  for (const OrderLineFigures& line : movement.returned_before) {
    returned[line.line_no].first += line.quantity;
    returned[line.line_no].second += line.amount;
  }
  std::vector<OrderLineFigures> remaining;
  for (OrderLineFigures line : movement.lines) {
    line.quantity -= returned[line.line_no].first;
    line.amount -= returned[line.line_no].second;
    if (line.amount > 0 || line.quantity > 0) remaining.push_back(std::move(line));
  }
  return remaining;
}

// `value` × after ÷ total − `value` × before ÷ total, each half-even: a running total's part, so
// successive parts add up to `value` exactly when `after` reaches `total`.
int64_t RunningPart(int64_t value, int64_t before, int64_t after, int64_t total) {
  if (total <= 0) return 0;
  auto at = [&](int64_t paid) {
    return money::DivideHalfEven(static_cast<__int128>(value) * paid, total);
  };
  return at(after) - at(before);
}

// `amount` of `total` over `lines` in proportion to their amounts (running totals from
// `before`), the units likewise; what rounding leaves goes to the first line.
std::vector<LineShare> Spread(const std::vector<OrderLineFigures>& lines, int64_t before,
                              int64_t amount, int64_t total) {
  std::vector<LineShare> shares;
  int64_t given = 0;
  for (const OrderLineFigures& line : lines) {
    const int64_t part = RunningPart(line.amount, before, before + amount, total);
    const int64_t units = RunningPart(line.quantity, before, before + amount, total);
    shares.push_back(ShareOf(line, units, part));
    given += part;
  }
  if (!shares.empty()) shares.front().amount += amount - given;
  std::erase_if(shares, [](const LineShare& share) { return share.amount <= 0; });
  return shares;
}

}  // namespace

std::optional<OrderFact> FactUnderBasis(v1::CommissionBasis basis, const OrderMovement& movement) {
  const MovementKind kind = movement.kind;
  switch (basis) {
    case v1::COMMISSION_BASIS_BOOKED:
      if (kind == MovementKind::kConfirmed || kind == MovementKind::kCancelled) {
        OrderFact fact = FactOf(
            movement, kind == MovementKind::kConfirmed ? FactKind::kCredit : FactKind::kReversal);
        for (const OrderLineFigures& line : Remaining(movement)) {
          fact.lines.push_back(ShareOf(line, line.quantity, line.amount));
        }
        fact.cancels_order = kind == MovementKind::kCancelled;
        fact.reason = fact.cancels_order ? "cancelled" : "";
        return fact;
      }
      break;
    case v1::COMMISSION_BASIS_INVOICED:
      if (kind == MovementKind::kInvoiced) {
        OrderFact fact = FactOf(movement, FactKind::kCredit);
        for (const OrderLineFigures& line : Remaining(movement)) {
          fact.lines.push_back(ShareOf(line, line.quantity, line.amount));
        }
        return fact;
      }
      if (kind == MovementKind::kReturned && !movement.invoiced) return std::nullopt;
      break;
    case v1::COMMISSION_BASIS_PAID:
      if (kind == MovementKind::kPaid) {
        const std::vector<OrderLineFigures> remaining = Remaining(movement);
        int64_t total = 0;
        for (const OrderLineFigures& line : remaining) total += line.amount;
        OrderFact fact = FactOf(movement, FactKind::kCredit);
        fact.lines = Spread(remaining, movement.paid_before, movement.payment, total);
        return fact;
      }
      if (kind == MovementKind::kReturned) {
        if (movement.refund_due <= 0) return std::nullopt;
        int64_t total = 0;
        for (const OrderLineFigures& line : movement.returned) total += line.amount;
        OrderFact fact = FactOf(movement, FactKind::kReversal);
        fact.reason = "refunded";
        fact.lines = Spread(movement.returned, 0, std::min(movement.refund_due, total), total);
        return fact;
      }
      break;
    default:
      return std::nullopt;
  }
  if (kind != MovementKind::kReturned) return std::nullopt;
  OrderFact fact = FactOf(movement, FactKind::kReversal);
  fact.reason = "returned";
  for (const OrderLineFigures& line : movement.returned) {
    fact.lines.push_back(ShareOf(line, line.quantity, line.amount));
  }
  return fact;
}

std::vector<std::pair<v1::SplitShare, OrderFact>> SplitFact(
    const OrderFact& fact, const std::vector<v1::SplitShare>& shares) {
  std::vector<std::pair<v1::SplitShare, OrderFact>> split;
  split.reserve(shares.size());
  for (const v1::SplitShare& share : shares) {
    OrderFact part = fact;
    part.role = share.role();
    part.share_bp = share.share_bp();
    part.lines.clear();
    split.emplace_back(share, std::move(part));
  }
  for (const LineShare& line : fact.lines) {
    const std::vector<int64_t> amounts = SplitAmount(shares, line.amount);
    const std::vector<int64_t> units = SplitAmount(shares, line.units);
    for (size_t i = 0; i < split.size(); ++i) {
      if (amounts[i] == 0 && units[i] == 0) continue;
      LineShare part = line;
      part.amount = amounts[i];
      part.units = units[i];
      split[i].second.lines.push_back(std::move(part));
    }
  }
  return split;
}

}  // namespace sales::incentives
