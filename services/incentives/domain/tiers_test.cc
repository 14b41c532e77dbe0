// The commission tiers of ../shared/DOMAIN.md "Definitions", worked example first.
#include "services/incentives/domain/tiers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::incentives {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kYuan = 100;  // minor units

// 1 % to 10k, 2 % to 50k, 3 % above.
TierSchedule Plan(TierMode mode) {
  return {.mode = mode,
          .bands = {{.up_to = 10'000 * kYuan, .rate_bp = 100},
                    {.up_to = 50'000 * kYuan, .rate_bp = 200},
                    {.rate_bp = 300}}};
}

TEST(TiersTest, TheDefinitionsWorkedExample) {
  // On 60k: step 100 + 800 + 300 = 1,200; retroactive 3 % × 60k = 1,800.
  const LineCommission step = CommissionOnCredit(Plan(TierMode::kStep), 0, 60'000 * kYuan);
  EXPECT_EQ(step.commission, 1'200 * kYuan);
  EXPECT_EQ(step.tier, 2);
  EXPECT_EQ(step.rate_centi_bp, 20'000);  // a blended 2 %
  const LineCommission retro = CommissionOnCredit(Plan(TierMode::kRetroactive), 0, 60'000 * kYuan);
  EXPECT_EQ(retro.commission, 1'800 * kYuan);
  EXPECT_EQ(retro.true_up, 0);
  EXPECT_EQ(retro.rate_centi_bp, 30'000);
}

TEST(TiersTest, LineByLineAddsUpToThePeriodsFigure) {
  // 60k credited as 5k + 30k + 25k.
  for (TierMode mode : {TierMode::kStep, TierMode::kRetroactive}) {
    const TierSchedule plan = Plan(mode);
    int64_t before = 0;
    int64_t earned = 0;
    for (int64_t amount : {5'000 * kYuan, 30'000 * kYuan, 25'000 * kYuan}) {
      const LineCommission line = CommissionOnCredit(plan, before, amount);
      earned += line.commission + line.true_up;
      before += amount;
    }
    EXPECT_EQ(earned, (mode == TierMode::kStep ? 1'200 : 1'800) * kYuan);
  }
}

TEST(TiersTest, ARetroactiveCrossingTrueUpsTheEarlierCredit) {
  const TierSchedule plan = Plan(TierMode::kRetroactive);
  // 8k at 1 % (80), then 4k reaches the 2 % band: 80 on the line, 80 true-up on the 8k.
  const LineCommission first = CommissionOnCredit(plan, 0, 8'000 * kYuan);
  EXPECT_EQ(first.commission, 80 * kYuan);
  const LineCommission second = CommissionOnCredit(plan, 8'000 * kYuan, 4'000 * kYuan);
  EXPECT_EQ(second.tier, 1);
  EXPECT_EQ(second.commission, 80 * kYuan);
  EXPECT_EQ(second.true_up, 80 * kYuan);
  // Within a band: no true-up.
  EXPECT_EQ(CommissionOnCredit(plan, 12'000 * kYuan, 1'000 * kYuan).true_up, 0);
}

TEST(TiersTest, BandBoundsAreInclusive) {
  const TierSchedule plan = Plan(TierMode::kRetroactive);
  EXPECT_EQ(CommissionOnCredit(plan, 0, 10'000 * kYuan).tier, 0);  // "to 10k"
  EXPECT_EQ(CommissionOnCredit(plan, 0, 10'000 * kYuan + 1).tier, 1);
}

TEST(TiersTest, TheAcceleratorMultipliesTheRateBeyondTheTarget) {
  TierSchedule plan = Plan(TierMode::kStep);
  plan.target = 40'000 * kYuan;
  plan.accelerator_bp = 15'000;  // ×1.5
  // 45k: 100 + 600 (10k–40k at 2 %) + 150 (40k–45k at 2 % × 1.5).
  EXPECT_EQ(CommissionOnCredit(plan, 0, 45'000 * kYuan).commission, 850 * kYuan);
  // A target of 0: attainment undefined, no acceleration.
  plan.target = 0;
  EXPECT_EQ(CommissionOnCredit(plan, 0, 45'000 * kYuan).commission, 800 * kYuan);
}

TEST(TiersTest, RoundingIsHalfEvenOncePerLine) {
  const TierSchedule plan{.bands = {{.rate_bp = 250}}};       // 2.5 %
  EXPECT_EQ(CommissionOnCredit(plan, 0, 100).commission, 2);  // 2.5 → 2
  EXPECT_EQ(CommissionOnCredit(plan, 0, 140).commission, 4);  // 3.5 → 4
}

TEST(TiersTest, AClawbackIsTheRateOriginallyAppliedTimesTheReversedAmount) {
  const LineCommission line = CommissionOnCredit(Plan(TierMode::kStep), 0, 60'000 * kYuan);
  EXPECT_EQ(Clawback(line.commission, 60'000 * kYuan, 15'000 * kYuan), -300 * kYuan);
  EXPECT_EQ(Clawback(line.commission, 60'000 * kYuan, 60'000 * kYuan), -line.commission);
  EXPECT_EQ(Clawback(5, 2, 1), -2);  // 2.5 → 2, half-even
}

TEST(TiersTest, InvalidSchedulesNameTheField) {
  struct Case {
    TierSchedule schedule;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {{}, "bands"},
      {{.bands = {{.up_to = 100, .rate_bp = 100}, {.up_to = 100, .rate_bp = 200}, {}}},
       "bands[1].up_to: overlaps bands[0]"},
      {{.bands = {{.rate_bp = 100}, {.rate_bp = 200}}}, "bands[0].up_to"},
      {{.bands = {{.up_to = 100, .rate_bp = 100}}}, "the last band must be unbounded"},
      {{.bands = {{.rate_bp = -1}}}, "bands[0].rate_bp"},
      {{.bands = {{.rate_bp = 10'001}}}, "bands[0].rate_bp"},
      {{.bands = {{.rate_bp = 100}}, .accelerator_bp = 9'000}, "accelerator_bp"},
      {{.bands = {{.rate_bp = 100}}, .target = -1}, "target"},
  };
  for (const Case& invalid : cases) {
    const absl::Status status = ValidateSchedule(invalid.schedule);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << invalid.message_part;
    EXPECT_THAT(status.message(), HasSubstr(invalid.message_part));
  }
  EXPECT_TRUE(ValidateSchedule(Plan(TierMode::kStep)).ok());
}

}  // namespace
}  // namespace sales::incentives
