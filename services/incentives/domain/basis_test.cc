#include "services/incentives/domain/basis.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::incentives {
namespace {

OrderLineFigures Figures(int32_t line_no, int64_t quantity, int64_t amount,
                         std::string sku = "CRM-STD") {
  return {.line_no = line_no,
          .sku = std::move(sku),
          .product_line_id = "crm",
          .margin_class = channels_v1::MARGIN_CLASS_STANDARD,
          .quantity = quantity,
          .amount = amount};
}

OrderMovement Movement(MovementKind kind) {
  return {.kind = kind,
          .cause_event_id = "e",
          .day = absl::CivilDay(2026, 5, 20),
          .order_id = "O-1",
          .deal_id = "D-1",
          .rep_id = "zhang.min",
          .lines = {Figures(1, 10, 10'000'00), Figures(2, 1, 5'000'00, "ERP-CORE")}};
}

int64_t Revenue(const OrderFact& fact) {
  int64_t sum = 0;
  for (const LineShare& line : fact.lines) sum += line.amount;
  return sum;
}

TEST(BasisTest, BookedCreditsAtConfirmationAndReversesCancelsAndReturns) {
  const std::optional<OrderFact> confirmed =
      FactUnderBasis(v1::COMMISSION_BASIS_BOOKED, Movement(MovementKind::kConfirmed));
  ASSERT_TRUE(confirmed.has_value());
  EXPECT_EQ(confirmed->kind, FactKind::kCredit);
  EXPECT_EQ(Revenue(*confirmed), 15'000'00);
  const std::optional<OrderFact> cancelled =
      FactUnderBasis(v1::COMMISSION_BASIS_BOOKED, Movement(MovementKind::kCancelled));
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->kind, FactKind::kReversal);
  EXPECT_TRUE(cancelled->cancels_order);
  EXPECT_EQ(Revenue(*cancelled), 15'000'00);
  OrderMovement returned = Movement(MovementKind::kReturned);
  returned.returned = {Figures(1, 2, 2'000'00)};
  const std::optional<OrderFact> reversal = FactUnderBasis(v1::COMMISSION_BASIS_BOOKED, returned);
  ASSERT_TRUE(reversal.has_value());
  EXPECT_EQ(Revenue(*reversal), 2'000'00);
  EXPECT_EQ(reversal->reason, "returned");
  EXPECT_FALSE(FactUnderBasis(v1::COMMISSION_BASIS_BOOKED, Movement(MovementKind::kInvoiced)));
  EXPECT_FALSE(FactUnderBasis(v1::COMMISSION_BASIS_BOOKED, Movement(MovementKind::kPaid)));
}

TEST(BasisTest, InvoicedCreditsTheInvoiceLessEarlierReturnsAndReversesLaterReturnsOnly) {
  OrderMovement invoiced = Movement(MovementKind::kInvoiced);
  invoiced.returned_before = {Figures(1, 3, 3'000'00)};
  const std::optional<OrderFact> credit = FactUnderBasis(v1::COMMISSION_BASIS_INVOICED, invoiced);
  ASSERT_TRUE(credit.has_value());
  EXPECT_EQ(Revenue(*credit), 12'000'00);
  EXPECT_EQ(credit->lines[0].units, 7);
  OrderMovement before_invoice = Movement(MovementKind::kReturned);
  before_invoice.returned = {Figures(1, 3, 3'000'00)};
  EXPECT_FALSE(FactUnderBasis(v1::COMMISSION_BASIS_INVOICED, before_invoice));
  OrderMovement after_invoice = before_invoice;
  after_invoice.invoiced = true;
  EXPECT_TRUE(FactUnderBasis(v1::COMMISSION_BASIS_INVOICED, after_invoice));
  EXPECT_FALSE(FactUnderBasis(v1::COMMISSION_BASIS_INVOICED, Movement(MovementKind::kCancelled)));
}

TEST(BasisTest, PaidSpreadsEachPaymentOverTheLinesSoThatAllPaymentsAddUpExactly) {
  int64_t paid = 0;
  std::vector<int64_t> per_line(2, 0);
  int64_t units = 0;
  for (int64_t payment : {3'333'33, 3'333'33, 8'333'34}) {
    OrderMovement movement = Movement(MovementKind::kPaid);
    movement.payment = payment;
    movement.paid_before = paid;
    const std::optional<OrderFact> credit = FactUnderBasis(v1::COMMISSION_BASIS_PAID, movement);
    ASSERT_TRUE(credit.has_value());
    EXPECT_EQ(Revenue(*credit), payment);
    for (const LineShare& line : credit->lines) {
      per_line[line.line_no - 1] += line.amount;
      units += line.units;
    }
    paid += payment;
  }
  EXPECT_EQ(per_line[0], 10'000'00);
  EXPECT_EQ(per_line[1], 5'000'00);
  EXPECT_EQ(units, 11);
  OrderMovement refund = Movement(MovementKind::kReturned);
  refund.returned = {Figures(1, 2, 2'000'00)};
  refund.refund_due = 1'500'00;  // part of the return only reduced an open balance
  const std::optional<OrderFact> reversal = FactUnderBasis(v1::COMMISSION_BASIS_PAID, refund);
  ASSERT_TRUE(reversal.has_value());
  EXPECT_EQ(Revenue(*reversal), 1'500'00);
  EXPECT_EQ(reversal->reason, "refunded");
  refund.refund_due = 0;
  EXPECT_FALSE(FactUnderBasis(v1::COMMISSION_BASIS_PAID, refund));
}

TEST(BasisTest, ASplitSharesEveryLineAndGivesTheRemainderToTheFirstShare) {
  v1::SplitShare owner;
  owner.set_rep_id("zhang.min");
  owner.set_role(v1::SPLIT_ROLE_OWNER);
  owner.set_share_bp(6'667);
  v1::SplitShare overlay;
  overlay.set_rep_id("li.xue");
  overlay.set_role(v1::SPLIT_ROLE_OVERLAY);
  overlay.set_share_bp(3'333);
  const std::optional<OrderFact> fact =
      FactUnderBasis(v1::COMMISSION_BASIS_BOOKED, Movement(MovementKind::kConfirmed));
  const auto split = SplitFact(*fact, {owner, overlay});
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].second.share_bp, 6'667);
  EXPECT_EQ(split[1].second.role, v1::SPLIT_ROLE_OVERLAY);
  EXPECT_EQ(Revenue(split[0].second) + Revenue(split[1].second), 15'000'00);
  EXPECT_EQ(Revenue(split[1].second), 3'333'00 + 1'666'50);
  EXPECT_EQ(split[0].second.lines[0].units + split[1].second.lines[0].units, 10);
}

}  // namespace
}  // namespace sales::incentives
