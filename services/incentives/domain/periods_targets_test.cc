#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/incentives/domain/periods.h"
#include "services/incentives/domain/targets.h"

namespace sales::incentives {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Period P(absl::string_view text) { return *ParsePeriod(text); }

TEST(PeriodsTest, ParseNameAndDecompose) {
  EXPECT_EQ(PeriodName(P("2026")), "2026");
  EXPECT_EQ(PeriodName(P("2026-Q2")), "2026-Q2");
  EXPECT_EQ(PeriodName(P("2026-05")), "2026-05");
  std::vector<std::string> months;
  for (const Period& month : Children(P("2026-Q2"))) months.push_back(PeriodName(month));
  EXPECT_THAT(months, ElementsAre("2026-04", "2026-05", "2026-06"));
  EXPECT_EQ(Children(P("2026")).size(), 4u);
  EXPECT_TRUE(Children(P("2026-05")).empty());
  EXPECT_EQ(*Parent(P("2026-05")), P("2026-Q2"));
  EXPECT_EQ(*Parent(P("2026-Q4")), P("2026"));
  EXPECT_FALSE(Parent(P("2026")).has_value());
  EXPECT_EQ(PeriodOf(PeriodKind::kQuarter, absl::CivilDay(2026, 5, 20)), P("2026-Q2"));
  EXPECT_EQ(FirstDay(P("2026-Q3")), absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(LastDay(P("2026-Q1")), absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(LastDay(P("2028-02")), absl::CivilDay(2028, 2, 29));
  for (absl::string_view bad : {"", "26", "2026-Q5", "2026-13", "2026-1", "2026Q1", "x026"}) {
    auto parsed = ParsePeriod(bad, "period");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("field period")) << bad;
  }
}

// company → east (east-ent, east-smb), south; a year of revenue decomposed to quarters.
class TargetGapsTest : public ::testing::Test {
 protected:
  static std::vector<std::string> Children(const std::string& node) {
    if (node == kCompanyNode) return {"east", "south"};
    if (node == "east") return {"east-ent", "east-smb"};
    return {};
  }
  void Set(const std::string& node, absl::string_view period, int64_t value) {
    targets_[{node, P(period), v1::METRIC_REVENUE, ""}] = value;
  }
  std::vector<TargetGap> Gaps() { return ListTargetGaps(targets_, &TargetGapsTest::Children); }

  TargetTable targets_;
};

TEST_F(TargetGapsTest, ADecompositionThatAddsUpHasNoGap) {
  Set(kCompanyNode, "2026", 1'000);
  Set("east", "2026", 600);
  Set("south", "2026", 400);
  Set("east-ent", "2026", 350);
  Set("east-smb", "2026", 250);
  for (const char* quarter : {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}) {
    Set(kCompanyNode, quarter, 250);
  }
  // What is decomposed adds up: the only gaps left are targets not decomposed at all (the
  // regions' and teams' years into quarters, the company's quarters into regions and months).
  for (const TargetGap& gap : Gaps()) {
    EXPECT_EQ(gap.children_with_target, 0) << PeriodName(gap.parent.period) << gap.parent.node;
    EXPECT_FALSE(gap.parent.node == kCompanyNode && gap.parent.period == P("2026"));
  }
}

TEST_F(TargetGapsTest, GapsEitherWayAreReportedWithTheirFigures) {
  Set(kCompanyNode, "2026", 1'000);
  Set("east", "2026", 700);
  Set("south", "2026", 400);     // 1,100 allocated: over by 100
  Set("east-ent", "2026", 500);  // east-smb has none: 200 not allocated
  std::vector<TargetGap> organisation;
  for (const TargetGap& gap : Gaps()) {
    if (gap.kind == GapKind::kOrganisation) organisation.push_back(gap);
  }
  ASSERT_EQ(organisation.size(), 2u);
  EXPECT_EQ(organisation[0].parent.node, kCompanyNode);
  EXPECT_EQ(organisation[0].gap, -100);
  EXPECT_EQ(organisation[0].children_sum, 1'100);
  EXPECT_EQ(organisation[1].parent.node, "east");
  EXPECT_EQ(organisation[1].gap, 200);
  EXPECT_EQ(organisation[1].children, 2);
  EXPECT_EQ(organisation[1].children_with_target, 1);
}

TEST_F(TargetGapsTest, AQuarterShortOfItsYearIsATimeGap) {
  Set("east-ent", "2026", 400);
  Set("east-ent", "2026-Q1", 100);
  Set("east-ent", "2026-Q2", 100);
  Set("east-ent", "2026-Q3", 100);  // Q4 missing: 100 not allocated
  for (const char* month : {"2026-01", "2026-02", "2026-03"}) Set("east-ent", month, 34);
  std::vector<std::pair<std::string, int64_t>> gaps;
  for (const TargetGap& gap : Gaps()) gaps.emplace_back(PeriodName(gap.parent.period), gap.gap);
  // 2026: 100 short; Q1: 102 allocated of 100; Q2 and Q3 not decomposed into months.
  EXPECT_THAT(gaps, ElementsAre(std::pair<std::string, int64_t>("2026", 100),
                                std::pair<std::string, int64_t>("2026-Q1", -2),
                                std::pair<std::string, int64_t>("2026-Q2", 100),
                                std::pair<std::string, int64_t>("2026-Q3", 100)));
}

}  // namespace
}  // namespace sales::incentives
