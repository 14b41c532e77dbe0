// The commission basis (booked, invoiced or paid — a plan setting, DOMAIN.md §4): which of an
// order's movements credit a rep's revenue and which reverse it, and by how much; then the credit
// split across reps.
//
//   OrderMovement movement = …;   // from the orders topic (the ledger process)
//   if (std::optional<OrderFact> fact = FactUnderBasis(plan.basis(), movement)) {
//     for (auto& [share, rep_fact] : SplitFact(*fact, shares)) … DecideOrderLines(…, rep_fact)
//   }
//
//   basis     credits                                     reverses
//   booked    confirmation: every line                    cancel: every line (and the bonus);
//                                                          return: the returned lines
//   invoiced  invoice: the lines less what was returned   return after invoicing: the returned
//             before invoicing                             lines (a credit note)
//   paid      payment: its amount spread over the lines   return with a refund due: the refund,
//             in proportion, on the running total          over the returned lines
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_INCENTIVES_DOMAIN_BASIS_H_
#define SALES_SERVICES_INCENTIVES_DOMAIN_BASIS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/incentives/domain/ledger.h"

namespace sales::incentives {

enum class MovementKind { kConfirmed, kInvoiced, kPaid, kCancelled, kReturned };

// One of an order's lines as placed, or a part of it (returned units and their amount).
struct OrderLineFigures {
  int32_t line_no = 0;
  std::string sku;
  std::string product_line_id;
  channels_v1::MarginClass margin_class = channels_v1::MARGIN_CLASS_STANDARD;
  int64_t quantity = 0;
  int64_t amount = 0;  // net, minor units
};

// An order event as the ledger sees it, with what the order's earlier events established.
struct OrderMovement {
  MovementKind kind = MovementKind::kConfirmed;
  std::string cause_event_id;
  absl::Time at;
  absl::CivilDay day;
  std::string order_id;
  std::string deal_id;
  std::string rep_id;  // credited on the order
  bool first_order_of_customer = false;
  std::vector<OrderLineFigures> lines;            // the order's lines as placed
  std::vector<OrderLineFigures> returned_before;  // returned before this movement, per line
  bool invoiced = false;                          // the order was invoiced before this movement
  // kPaid: the payment, and what was paid before it, of the invoice's amount.
  int64_t payment = 0;
  int64_t paid_before = 0;
  // kReturned: the returned units and amounts per line, and the refund due (paid orders).
  std::vector<OrderLineFigures> returned;
  int64_t refund_due = 0;
};

// What `movement` credits or reverses under `basis`, for the order's whole credit (before the
// split); nullopt when the basis ignores it.
std::optional<OrderFact> FactUnderBasis(v1::CommissionBasis basis, const OrderMovement& movement);

// `fact` shared by a valid split: each line's amount and units split (SplitCredit: half-even, the
// remainder to the first share), every share with its role and basis points. A share that gets
// nothing of any line still gets a fact (its bonus share, its metric credits).
std::vector<std::pair<v1::SplitShare, OrderFact>> SplitFact(
    const OrderFact& fact, const std::vector<v1::SplitShare>& shares);

}  // namespace sales::incentives

#endif  // SALES_SERVICES_INCENTIVES_DOMAIN_BASIS_H_
