#include "services/incentives/domain/ledger.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/incentives/domain/test_plans.h"

namespace sales::incentives {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
constexpr channels_v1::MarginClass kStandard = channels_v1::MARGIN_CLASS_STANDARD;

// A rep's ledger with the decisions of `facts` applied one after another.
class LedgerTest : public ::testing::Test {
 protected:
  // Decides `fact` under `plan` and applies it; returns what was recorded.
  v1::LedgerLinesRecorded Record(const v1::CompensationPlan& plan, const OrderFact& fact,
                                 int64_t target = 0) {
    std::optional<v1::LedgerLinesRecorded> recorded =
        DecideOrderLines(ledger_, {.plan = plan, .revenue_target = target}, fact);
    EXPECT_TRUE(recorded.has_value()) << fact.cause_event_id << " recorded before";
    if (!recorded) return {};
    ledger_.Apply(*recorded);
    return *recorded;
  }

  static std::vector<std::pair<v1::LineKind, int64_t>> Amounts(
      const v1::LedgerLinesRecorded& recorded) {
    std::vector<std::pair<v1::LineKind, int64_t>> amounts;
    for (const v1::LedgerLine& line : recorded.lines()) {
      amounts.emplace_back(line.kind(), line.amount().units());
    }
    return amounts;
  }

  RepLedger ledger_{"zhang.min"};
};

// DOMAIN.md: bands 1 % to 10k, 2 % to 50k, 3 % above; on 60k → 100 + 800 + 300 = 1,200 step.
TEST_F(LedgerTest, AStepPlanEarnsEachBandAtItsRateOnTheWorkedExample) {
  const v1::LedgerLinesRecorded recorded =
      Record(fixtures::StepPlan(), fixtures::Credit("e1", "O-1", {fixtures::Line(60'000'00)}));
  ASSERT_EQ(recorded.lines_size(), 1);
  const v1::LedgerLine& line = recorded.lines(0);
  EXPECT_EQ(line.kind(), v1::LINE_KIND_COMMISSION);
  EXPECT_EQ(line.amount().units(), 1'200'00);
  EXPECT_EQ(line.tier(), 2);
  EXPECT_EQ(line.base_amount(), 60'000'00);
  EXPECT_EQ(line.rate_centi_bp(), 20'000) << "1,200 on 60,000 is 2 %";
  EXPECT_EQ(line.plan_id(), "step-2026");
  EXPECT_EQ(line.plan_version(), 1);
  EXPECT_EQ(line.rep_id(), "zhang.min");
  EXPECT_EQ(line.period(), "2026-05");
  EXPECT_THAT(line.cause_event_ids(), ElementsAre("e1"));
  EXPECT_EQ(line.order_id(), "O-1");
  EXPECT_EQ(line.deal_id(), "D-O-1");
  EXPECT_EQ(ledger_.Period("2026-05").credited_revenue, 60'000'00);
}

// … and 3 % × 60k = 1,800 retroactive: crossing into the top band on a second order re-rates
// the first with a true-up line.
TEST_F(LedgerTest, ARetroactivePlanTruesUpTheEarlierCreditWhenABandIsCrossed) {
  const v1::CompensationPlan plan = fixtures::RetroactivePlan();
  const v1::LedgerLinesRecorded first =
      Record(plan, fixtures::Credit("e1", "O-1", {fixtures::Line(40'000'00)}));
  EXPECT_THAT(Amounts(first), ElementsAre(Pair(v1::LINE_KIND_COMMISSION, 800'00)));
  const v1::LedgerLinesRecorded second =
      Record(plan, fixtures::Credit("e2", "O-2", {fixtures::Line(20'000'00)}));
  // 3 % on the new 20k, and 40k × (3 % − 2 %) on the earlier credit.
  EXPECT_THAT(Amounts(second), ElementsAre(Pair(v1::LINE_KIND_COMMISSION, 600'00),
                                           Pair(v1::LINE_KIND_TRUE_UP, 400'00)));
  EXPECT_EQ(800'00 + 600'00 + 400'00, 1'800'00);
  EXPECT_EQ(second.lines(1).base_amount(), 40'000'00);
  EXPECT_EQ(second.lines(0).line_no(), 2);
  EXPECT_EQ(second.lines(1).line_no(), 3);
}

TEST_F(LedgerTest, TheAcceleratorMultipliesTheRateBeyondTheTarget) {
  v1::CompensationPlan plan = fixtures::StepPlan();
  plan.set_accelerator_bp(15'000);
  // Target 50k: the last 10k (all in the 3 % band) at 4.5 %.
  const v1::LedgerLinesRecorded recorded = Record(
      plan, fixtures::Credit("e1", "O-1", {fixtures::Line(60'000'00)}), /*target=*/50'000'00);
  EXPECT_THAT(Amounts(recorded), ElementsAre(Pair(v1::LINE_KIND_COMMISSION, 1'350'00)));
}

TEST_F(LedgerTest, HighMarginLinesEarnThePlansExtraRateAsTheirOwnLine) {
  v1::CompensationPlan plan = fixtures::StepPlan();
  v1::MarginClassRate& rate = *plan.add_margin_class_rates();
  rate.set_margin_class(channels_v1::MARGIN_CLASS_HIGH);
  rate.set_extra_rate_bp(150);
  const v1::LedgerLinesRecorded recorded = Record(
      plan,
      fixtures::Credit("e1", "O-1",
                       {fixtures::Line(5'000'00),
                        fixtures::Line(3'000'01, channels_v1::MARGIN_CLASS_HIGH, 2, "CRM-PRO")}));
  // Standard 5,000 at 1 %; high 3,000.01 at 1 % (8,000.01 still in the first band) + 1.5 %.
  EXPECT_THAT(Amounts(recorded), ElementsAre(Pair(v1::LINE_KIND_COMMISSION, 50'00),
                                             Pair(v1::LINE_KIND_COMMISSION, 30'00),
                                             Pair(v1::LINE_KIND_MARGIN_PREMIUM, 45'00)));
  EXPECT_EQ(recorded.lines(2).margin_class(), channels_v1::MARGIN_CLASS_HIGH);
}

TEST_F(LedgerTest, SpiffsPayPerUnitInTheirDateRangeAndTheNewCustomerBonusOnce) {
  const v1::CompensationPlan plan = fixtures::StepPlan();  // SPIFF 50.00 per CRM-AI in May 2026
  OrderFact fact =
      fixtures::Credit("e1", "O-1", {fixtures::Line(1'000'00, kStandard, 3, "CRM-AI")});
  fact.first_order_of_customer = true;
  const v1::LedgerLinesRecorded recorded = Record(plan, fact);
  EXPECT_THAT(Amounts(recorded),
              ElementsAre(Pair(v1::LINE_KIND_COMMISSION, 10'00), Pair(v1::LINE_KIND_SPIFF, 150'00),
                          Pair(v1::LINE_KIND_NEW_CUSTOMER_BONUS, 500'00)));
  // A second credit of the same order (paid basis: a second payment) earns no second bonus.
  OrderFact second =
      fixtures::Credit("e2", "O-1", {fixtures::Line(1'000'00, kStandard, 0, "CRM-STD")});
  second.first_order_of_customer = true;
  EXPECT_THAT(Amounts(Record(plan, second)), ElementsAre(Pair(v1::LINE_KIND_COMMISSION, 10'00)));
  // Out of the SPIFF's range: no SPIFF.
  OrderFact june =
      fixtures::Credit("e3", "O-3", {fixtures::Line(1'000'00, kStandard, 3, "CRM-AI")});
  june.day = absl::CivilDay(2026, 6, 1);
  EXPECT_THAT(Amounts(Record(plan, june)), ElementsAre(Pair(v1::LINE_KIND_COMMISSION, 10'00)));
}

TEST_F(LedgerTest, TheCapLimitsAMonthsEarningsAndKeepsWhatALineWouldHaveBeen) {
  v1::CompensationPlan plan = fixtures::StepPlan();
  plan.mutable_cap_per_period()->set_units(1'000'00);
  const v1::LedgerLinesRecorded first =
      Record(plan, fixtures::Credit("e1", "O-1", {fixtures::Line(60'000'00)}));
  ASSERT_EQ(first.lines_size(), 1);
  EXPECT_EQ(first.lines(0).amount().units(), 1'000'00);
  EXPECT_EQ(first.lines(0).uncapped_amount(), 1'200'00);
  EXPECT_EQ(Record(plan, fixtures::Credit("e2", "O-2", {fixtures::Line(1'000'00)}))
                .lines(0)
                .amount()
                .units(),
            0);
  // Another month starts from zero.
  OrderFact june = fixtures::Credit("e3", "O-3", {fixtures::Line(1'000'00)});
  june.day = absl::CivilDay(2026, 6, 2);
  EXPECT_EQ(Record(plan, june).lines(0).amount().units(), 10'00);
}

TEST_F(LedgerTest, AClawbackIsTheOriginalRateTimesTheReversedAmountInTheReversalsPeriod) {
  const v1::CompensationPlan plan = fixtures::StepPlan();
  Record(plan, fixtures::Credit("e1", "O-1", {fixtures::Line(60'000'00)}));  // earned 1,200
  OrderFact returned = fixtures::Reversal("e2", "O-1", {fixtures::Line(15'000'00)}, "returned");
  returned.day = absl::CivilDay(2026, 6, 3);
  const v1::LedgerLinesRecorded recorded = Record(plan, returned);
  // −(2 % × 15,000) = −300, in June.
  EXPECT_THAT(Amounts(recorded), ElementsAre(Pair(v1::LINE_KIND_CLAWBACK, -300'00)));
  EXPECT_EQ(recorded.period(), "2026-06");
  EXPECT_EQ(recorded.lines(0).reverses_kind(), v1::LINE_KIND_COMMISSION);
  EXPECT_EQ(recorded.lines(0).reason(), "returned");
  EXPECT_EQ(recorded.lines(0).rate_centi_bp(), 20'000);
  // Attainment is kept unless the plan says otherwise.
  EXPECT_EQ(ledger_.Period("2026-06").credited_revenue, 0);
  EXPECT_TRUE(recorded.credits().empty());
}

TEST_F(LedgerTest, PartialReversalsRoundOnTheirRunningTotalSoAFullReversalNetsToZero) {
  v1::CompensationPlan plan = fixtures::StepPlan();
  plan.set_reversals_reduce_attainment(true);
  OrderFact credit =
      fixtures::Credit("e1", "O-1", {fixtures::Line(333'33, kStandard, 3, "CRM-AI")});
  credit.first_order_of_customer = true;
  Record(plan, credit);  // 3.33 commission, 150.00 SPIFF, 500.00 bonus
  const int64_t earned = 3'33 + 150'00 + 500'00;
  int64_t clawed = 0;
  for (int i = 0; i < 3; ++i) {
    OrderFact part = fixtures::Reversal(
        absl::StrCat("r", i), "O-1", {fixtures::Line(111'11, kStandard, 1, "CRM-AI")}, "returned");
    part.cancels_order = i == 2;
    const v1::LedgerLinesRecorded recorded = Record(plan, part);
    for (const v1::LedgerLine& line : recorded.lines()) clawed += line.amount().units();
  }
  EXPECT_EQ(earned + clawed, 0) << "clawed back " << clawed;
  EXPECT_EQ(ledger_.Period("2026-05").credited_revenue, 0);
  // Nothing left to reverse: a further reversal records no line.
  EXPECT_TRUE(Record(plan, fixtures::Reversal("r9", "O-1", {fixtures::Line(1'00)}, "returned"))
                  .lines()
                  .empty());
}

TEST_F(LedgerTest, AReplayedCauseIsRecognisedAndDecidesNothing) {
  const v1::CompensationPlan plan = fixtures::StepPlan();
  Record(plan, fixtures::Credit("e1", "O-1", {fixtures::Line(1'000'00)}));
  EXPECT_FALSE(DecideOrderLines(ledger_, {.plan = plan},
                                fixtures::Credit("e1", "O-1", {fixtures::Line(1'000'00)}))
                   .has_value());
  EXPECT_FALSE(DecideActivityCredit(ledger_, "e1", absl::CivilDay(2026, 5, 1), absl::Now(),
                                    v1::METRIC_VISITS)
                   .has_value());
}

TEST_F(LedgerTest, ActivitiesCreditTheirMetricAndAdjustmentsCarryTheirReason) {
  const std::optional<v1::LedgerLinesRecorded> visit = DecideActivityCredit(
      ledger_, "a1", absl::CivilDay(2026, 5, 9), absl::Now(), v1::METRIC_VISITS);
  ASSERT_TRUE(visit.has_value());
  EXPECT_EQ(visit->period(), "2026-05");
  ASSERT_EQ(visit->credits_size(), 1);
  EXPECT_EQ(visit->credits(0).metric(), v1::METRIC_VISITS);
  EXPECT_EQ(visit->credits(0).amount(), 1);
  ledger_.Apply(*visit);
  const std::optional<v1::LedgerLinesRecorded> adjustment = DecideAdjustment(
      ledger_, "adj-1", "2026-05", -25'00, "CNY", "duplicate SPIFF", "wang.hao", absl::Now());
  ASSERT_TRUE(adjustment.has_value());
  ASSERT_EQ(adjustment->lines_size(), 1);
  EXPECT_EQ(adjustment->lines(0).kind(), v1::LINE_KIND_ADJUSTMENT);
  EXPECT_EQ(adjustment->lines(0).amount().units(), -25'00);
  EXPECT_EQ(adjustment->lines(0).reason(), "duplicate SPIFF");
  EXPECT_EQ(adjustment->lines(0).adjusted_by(), "wang.hao");
  EXPECT_EQ(adjustment->lines(0).line_no(), 1);
}

}  // namespace
}  // namespace sales::incentives
