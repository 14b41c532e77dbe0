#include "services/incentives/domain/statement.h"

#include "gtest/gtest.h"
#include "services/incentives/domain/ledger.h"
#include "services/incentives/domain/test_plans.h"

namespace sales::incentives {
namespace {

class StatementTest : public ::testing::Test {
 protected:
  // Decides, posts, applies and folds `fact`.
  void Record(const OrderFact& fact) {
    std::optional<v1::LedgerLinesRecorded> recorded =
        DecideOrderLines(ledger_, {.plan = plan_}, fact);
    ASSERT_TRUE(recorded.has_value());
    recorded->set_posted_period(PostingPeriod(recorded->period(), last_closed_));
    ledger_.Apply(*recorded);
    fold_.AddLedger(*recorded);
  }

  v1::CompensationPlan plan_ = fixtures::StepPlan();
  RepLedger ledger_{"zhang.min"};
  StatementFold fold_{"zhang.min"};
  std::string last_closed_;
};

TEST_F(StatementTest, TotalsLinesByKindAndReportsAttainmentUndefinedForATargetOfZero) {
  OrderFact first = fixtures::Credit("e1", "O-1", {fixtures::Line(60'000'00)});
  first.first_order_of_customer = true;
  Record(first);
  const Statement may =
      fold_.StatementOf("2026-05", {{v1::METRIC_REVENUE, 50'000'00}, {v1::METRIC_VISITS, 0}});
  EXPECT_EQ(may.lines.size(), 2u);
  EXPECT_EQ(may.total_by_kind.at(v1::LINE_KIND_COMMISSION), 1'200'00);
  EXPECT_EQ(may.total_by_kind.at(v1::LINE_KIND_NEW_CUSTOMER_BONUS), 500'00);
  EXPECT_EQ(may.earnings, 1'700'00);
  ASSERT_EQ(may.metrics.size(), 4u);  // revenue, volume, new customers, visits
  EXPECT_EQ(may.metrics[0].metric, v1::METRIC_REVENUE);
  EXPECT_EQ(may.metrics[0].credited, 60'000'00);
  EXPECT_EQ(may.metrics[0].attainment_bp, 12'000);
  EXPECT_EQ(may.metrics[1].metric, v1::METRIC_VOLUME);
  EXPECT_FALSE(may.metrics[1].attainment_bp.has_value()) << "no target";
  EXPECT_EQ(may.metrics[2].metric, v1::METRIC_NEW_CUSTOMERS);
  EXPECT_EQ(may.metrics[2].credited, 1);
  EXPECT_EQ(may.metrics[3].metric, v1::METRIC_VISITS);
  EXPECT_FALSE(may.metrics[3].attainment_bp.has_value()) << "target 0: undefined";
}

TEST_F(StatementTest, AfterACloseLateLinesPostToTheNextOpenPeriodAndTheClosedOneNeverChanges) {
  Record(fixtures::Credit("e1", "O-1", {fixtures::Line(10'000'00)}));
  last_closed_ = "2026-05";
  const Statement before = fold_.StatementOf("2026-05", {});
  // An order event of May processed after May closed, and a reversal dated in May.
  Record(fixtures::Credit("e2", "O-2", {fixtures::Line(5'000'00)}));
  Record(fixtures::Reversal("e3", "O-1", {fixtures::Line(10'000'00)}, "cancelled"));
  const Statement may = fold_.StatementOf("2026-05", {});
  EXPECT_EQ(may.earnings, before.earnings);
  EXPECT_EQ(may.lines.size(), 1u);
  const Statement june = fold_.StatementOf("2026-06", {});
  ASSERT_EQ(june.lines.size(), 2u);
  EXPECT_EQ(june.lines[0].period(), "2026-05") << "the line keeps the period it was earned in";
  // O-2 at 2 % (May had 10k credited before it), and O-1's 1 % clawed back.
  EXPECT_EQ(june.earnings, 100'00 - 100'00);
  EXPECT_EQ(june.lines[1].kind(), v1::LINE_KIND_CLAWBACK);
  EXPECT_EQ(PostingPeriod("2026-04", "2026-05"), "2026-06");
  EXPECT_EQ(PostingPeriod("2026-07", "2026-05"), "2026-07");
  EXPECT_EQ(PostingPeriod("2026-04", ""), "2026-04");
}

TEST(NextLedgerPeriodTest, RollsOverTheYear) {
  EXPECT_EQ(NextLedgerPeriod("2026-12"), "2027-01");
  EXPECT_EQ(NextLedgerPeriod("2026-05"), "2026-06");
}

}  // namespace
}  // namespace sales::incentives
