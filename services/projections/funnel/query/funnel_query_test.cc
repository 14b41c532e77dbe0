// The funnel end to end below the transport: a fixed scenario of seven leads applied through
// FunnelProjection to a real ProjectionStore (streams interleaved, small batches), then every
// figure read back with FunnelQuery and compared with numbers computed by hand (the arithmetic
// is in the comments). Times are Asia/Shanghai; "11-05 10h" is 2026-11-05 10:00 there.
//
//   L1 web/north/P1, graded A: captured 11-02 10h, assigned R-01 (T-1), nurturing 11-03 10h,
//      qualified 11-05 10h, opportunity 11-06 10h (100000 CNY, VISIT), NEEDS_ANALYSIS 11-08 10h,
//      QUOTE 11-10 10h (skips SOLUTION_DESIGN), won 11-12 10h.
//   L2 referral/south/P1, graded B: captured 11-02 12h, assigned R-01, qualified 11-04 12h
//      (skips nurturing), opportunity 11-05 12h (200000), SOLUTION_DESIGN 11-06 12h, override
//      50% 11-07, reassigned to R-02 (T-2) 11-09 12h, amount 300000 11-10. Still open.
//   L3 web/north/P2, graded C: captured 11-03 9h, assigned R-02, nurturing 11-04 9h, qualified
//      11-05 9h, BACK to nurturing 11-06 9h, qualified 11-08 9h, disqualified 11-09 9h.
//   L4 ads/south/P2: captured 11-04 10h, assigned R-01, overdue 11-07 10h, activity 11-07 15h
//      (clears it), qualified 11-08 10h, opportunity 11-09 10h (50000), lost 11-11 10h.
//   L5 web/north/P1: captured 11-05 8h, never assigned, overdue 11-09 8h (stays), a duplicate
//      capture merged 11-09 9h (not counted).
//   L6 web/north/P1: captured 10-30 10h (October), assigned R-01, nurturing 11-02 10h.
//   L7 web/north: captured 2026-11-30 17:00 UTC = 12-01 01:00 Shanghai (December).
#include "services/projections/funnel/query/funnel_query.h"

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/eventsourcing/event_codec.h"
#include "common/projection/projection_store.h"
#include "common/status/status_macros.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/projections/funnel/model/funnel_projection.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/funnel/testing/lead_script.h"
#include "services/projections/funnel/testing/random_history.h"

namespace sales::funnel {
namespace {

using ::sales::funnel::testing::LeadScript;
using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionStore;
using ::sales::projection::StoreBatch;

constexpr int64_t kDay = 86400;

absl::Time At(int month, int day, int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0), BusinessTimeZone());
}

std::vector<LeadScript> Scenario() {
  std::vector<LeadScript> leads;
  leads.emplace_back("L1")
      .Capture(At(11, 2, 10), {.region = "north",
                               .product_line = "P1",
                               .source = leads_v1::LEAD_SOURCE_WEB,
                               .channel = "ch-web"})
      .Score(At(11, 2, 10), leads_v1::GRADE_A)
      .Assign(At(11, 2, 10), "R-01", "T-1")
      .Move(At(11, 3, 10), leads_v1::LEAD_STAGE_NURTURING)
      .Move(At(11, 5, 10), leads_v1::LEAD_STAGE_QUALIFIED)
      .Convert(At(11, 6, 10), 100000, "CNY")
      .Step(At(11, 8, 10), leads_v1::SALES_STEP_NEEDS_ANALYSIS)
      .Step(At(11, 10, 10), leads_v1::SALES_STEP_QUOTE)
      .Win(At(11, 12, 10));
  leads.emplace_back("L2")
      .Capture(At(11, 2, 12), {.region = "south",
                               .product_line = "P1",
                               .source = leads_v1::LEAD_SOURCE_REFERRAL,
                               .channel = "ch-ref"})
      .Score(At(11, 2, 12), leads_v1::GRADE_B)
      .Assign(At(11, 2, 12), "R-01", "T-1")
      .Move(At(11, 4, 12), leads_v1::LEAD_STAGE_QUALIFIED)
      .Convert(At(11, 5, 12), 200000, "CNY")
      .Step(At(11, 6, 12), leads_v1::SALES_STEP_SOLUTION_DESIGN)
      .Override(At(11, 7, 12), 50)
      .Assign(At(11, 9, 12), "R-02", "T-2")
      .Amount(At(11, 10, 12), 300000, "CNY");
  leads.emplace_back("L3")
      .Capture(At(11, 3, 9), {.region = "north", .product_line = "P2"})
      .Score(At(11, 3, 9), leads_v1::GRADE_C)
      .Assign(At(11, 3, 9), "R-02", "T-2")
      .Move(At(11, 4, 9), leads_v1::LEAD_STAGE_NURTURING)
      .Move(At(11, 5, 9), leads_v1::LEAD_STAGE_QUALIFIED)
      .Move(At(11, 6, 9), leads_v1::LEAD_STAGE_NURTURING, /*backward=*/true)
      .Move(At(11, 8, 9), leads_v1::LEAD_STAGE_QUALIFIED)
      .Disqualify(At(11, 9, 9));
  leads.emplace_back("L4")
      .Capture(At(11, 4, 10),
               {.region = "south", .product_line = "P2", .source = leads_v1::LEAD_SOURCE_ADS})
      .Assign(At(11, 4, 10), "R-01", "T-1")
      .Overdue(At(11, 7, 10))
      .Activity(At(11, 7, 15))
      .Move(At(11, 8, 10), leads_v1::LEAD_STAGE_QUALIFIED)
      .Convert(At(11, 9, 10), 50000, "CNY")
      .Lose(At(11, 11, 10));
  leads.emplace_back("L5")
      .Capture(At(11, 5, 8), {.region = "north", .product_line = "P1"})
      .Overdue(At(11, 9, 8))
      .MergeDuplicate(At(11, 9, 9));
  leads.emplace_back("L6")
      .Capture(At(10, 30, 10), {.region = "north", .product_line = "P1"})
      .Assign(At(10, 30, 10), "R-01", "T-1")
      .Move(At(11, 2, 10), leads_v1::LEAD_STAGE_NURTURING);
  leads.emplace_back("L7").Capture(
      absl::FromCivil(absl::CivilSecond(2026, 11, 30, 17, 0, 0), absl::UTCTimeZone()),
      {.region = "north"});
  return leads;
}

// Applies the leads' events round-robin over the streams (each stream in its own order) through a
// FunnelProjection, a commit every `batch` events.
absl::Status ApplyRoundRobin(const std::vector<LeadScript>& leads, int batch,
                             ProjectionStore& store) {
  FunnelProjection projection;
  StoreBatch txn = store.NewBatch();
  int applied = 0;
  for (size_t i = 0;; ++i) {
    bool any = false;
    for (const LeadScript& lead : leads) {
      if (i >= lead.events().size()) continue;
      any = true;
      RETURN_IF_ERROR(projection.Apply(lead.events()[i], txn.txn()));
      if (++applied % batch == 0) {
        RETURN_IF_ERROR(store.Commit(txn));
      }
    }
    if (!any) break;
  }
  return store.Commit(txn);
}

class FunnelQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ProjectionStore::Open(dir_.path() + "/funnel");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    const absl::Status applied = ApplyRoundRobin(Scenario(), /*batch=*/3, *store_);
    ASSERT_TRUE(applied.ok()) << applied;
    query_ = std::make_unique<FunnelQuery>(store_.get());
  }

  // The hand-computed figures below are at event time unless a test asks for CURRENT.
  v1::FunnelReport Get(v1::PeriodGranularity granularity, absl::Time at,
                       v1::FunnelDimension dimension = v1::FUNNEL_DIMENSION_UNSPECIFIED,
                       absl::string_view value = "",
                       v1::FunnelAttribution attribution = v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME) {
    v1::GetFunnelRequest request;
    request.set_granularity(granularity);
    request.set_attribution(attribution);
    request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(at));
    if (dimension != v1::FUNNEL_DIMENSION_UNSPECIFIED) {
      request.mutable_filter()->set_dimension(dimension);
      request.mutable_filter()->set_value(std::string(value));
    }
    absl::StatusOr<v1::FunnelReport> report = query_->GetFunnel(request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(v1::FunnelReport());
  }

  v1::FunnelRow November(v1::FunnelDimension dimension = v1::FUNNEL_DIMENSION_UNSPECIFIED,
                         absl::string_view value = "",
                         v1::FunnelAttribution attribution = v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME) {
    v1::FunnelReport report =
        Get(v1::PERIOD_GRANULARITY_MONTH, At(11, 20, 0), dimension, value, attribution);
    EXPECT_EQ(report.rows_size(), 1);
    return report.rows_size() == 1 ? report.rows(0) : v1::FunnelRow();
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<ProjectionStore> store_;
  std::unique_ptr<FunnelQuery> query_;
};

const v1::StageFigures& Stage(const v1::FunnelRow& row, leads_v1::LeadStage stage) {
  return row.stages(stage - 1);
}
const v1::StepFigures& Step(const v1::FunnelRow& row, leads_v1::SalesStep step) {
  return row.steps(step - 1);
}
const v1::Conversion* FindConversion(const v1::FunnelRow& row, const v1::FunnelNode& from,
                                     const v1::FunnelNode& to) {
  for (const v1::Conversion& c : row.conversions()) {
    if (c.from().SerializeAsString() == from.SerializeAsString() &&
        c.to().SerializeAsString() == to.SerializeAsString()) {
      return &c;
    }
  }
  return nullptr;
}
v1::FunnelNode N(leads_v1::LeadStage stage) {
  v1::FunnelNode node;
  node.set_stage(stage);
  return node;
}
v1::FunnelNode N(leads_v1::SalesStep step) {
  v1::FunnelNode node;
  node.set_step(step);
  return node;
}
// "reached/entered" of a conversion, "-" when absent, with "=rate" when defined.
std::string Ratio(const v1::FunnelRow& row, const v1::FunnelNode& from, const v1::FunnelNode& to) {
  const v1::Conversion* c = FindConversion(row, from, to);
  if (c == nullptr) return "-";
  std::string out = absl::StrCat(c->reached(), "/", c->entered());
  if (c->has_rate()) absl::StrAppend(&out, "=", c->rate());
  return out;
}
int64_t Seconds(const google::protobuf::Duration& d) { return d.seconds(); }
int64_t BinMiddle(int64_t seconds) {
  return static_cast<int64_t>(HistogramBinMiddle(HistogramBin(seconds)));
}

TEST_F(FunnelQueryTest, NovemberEntriesCohortsAndOccupancy) {
  const v1::FunnelRow row = November();
  EXPECT_EQ(row.dimension(), v1::FUNNEL_DIMENSION_UNSPECIFIED);
  // Entries (visits begun in November): captured L1–L5 (L6 is October's, L7 December's);
  // nurturing L1, L3 twice (after its backward move), L6; qualified L1, L2, L3 twice, L4;
  // opportunity L1, L2, L4.
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_CAPTURED).entries(), 5);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_NURTURING).entries(), 4);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_QUALIFIED).entries(), 5);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_OPPORTUNITY).entries(), 3);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_WON).entries(), 1);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_DISQUALIFIED).entries(), 1);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_LOST).entries(), 1);
  // Cohorts count each lead once: nurturing L1, L3, L6; qualified L1–L4.
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_NURTURING).cohort(), 3);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_QUALIFIED).cohort(), 4);
  // Steps: VISIT L1, L2, L4; NEEDS_ANALYSIS L1; SOLUTION_DESIGN L2; QUOTE L1.
  EXPECT_EQ(Step(row, leads_v1::SALES_STEP_VISIT).entries(), 3);
  EXPECT_EQ(Step(row, leads_v1::SALES_STEP_NEEDS_ANALYSIS).entries(), 1);
  EXPECT_EQ(Step(row, leads_v1::SALES_STEP_SOLUTION_DESIGN).entries(), 1);
  EXPECT_EQ(Step(row, leads_v1::SALES_STEP_QUOTE).entries(), 1);
  EXPECT_EQ(Step(row, leads_v1::SALES_STEP_NEGOTIATION).entries(), 0);
  // Occupancy now: captured L5, L7; nurturing L6; opportunity L2 (at SOLUTION_DESIGN); one
  // each won (L1), disqualified (L3), lost (L4).
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_CAPTURED).occupancy(), 2);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_NURTURING).occupancy(), 1);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_QUALIFIED).occupancy(), 0);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_OPPORTUNITY).occupancy(), 1);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_WON).occupancy(), 1);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_DISQUALIFIED).occupancy(), 1);
  EXPECT_EQ(Stage(row, leads_v1::LEAD_STAGE_LOST).occupancy(), 1);
  EXPECT_EQ(Step(row, leads_v1::SALES_STEP_SOLUTION_DESIGN).occupancy(), 1);
  EXPECT_EQ(Step(row, leads_v1::SALES_STEP_VISIT).occupancy(), 0);
}

TEST_F(FunnelQueryTest, NovemberConversionsCountEverReached) {
  const v1::FunnelRow row = November();
  using leads_v1::LEAD_STAGE_CAPTURED, leads_v1::LEAD_STAGE_NURTURING,
      leads_v1::LEAD_STAGE_QUALIFIED, leads_v1::LEAD_STAGE_OPPORTUNITY, leads_v1::LEAD_STAGE_WON;
  // Captured cohort L1–L5: nurturing reached by L1, L3 (L2 and L4 skipped it); qualified by
  // L1–L4; opportunity by L1, L2, L4; won by L1 (the overall conversion).
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_CAPTURED), N(LEAD_STAGE_NURTURING)), "2/5=0.4");
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_CAPTURED), N(LEAD_STAGE_QUALIFIED)), "4/5=0.8");
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_CAPTURED), N(LEAD_STAGE_OPPORTUNITY)), "3/5=0.6");
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_CAPTURED), N(LEAD_STAGE_WON)), "1/5=0.2");
  // Nurturing cohort L1, L3, L6: qualified L1, L3 (L3 twice, counted once); won L1.
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_NURTURING), N(LEAD_STAGE_QUALIFIED)), "2/3=0.666667");
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_NURTURING), N(LEAD_STAGE_WON)), "1/3=0.333333");
  // Qualified cohort L1–L4: opportunity L1, L2, L4; opportunity cohort L1, L2, L4: won L1.
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_QUALIFIED), N(LEAD_STAGE_OPPORTUNITY)), "3/4=0.75");
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_OPPORTUNITY), N(LEAD_STAGE_WON)), "1/3=0.333333");
  // Steps: VISIT cohort L1, L2, L4; L1 skipped SOLUTION_DESIGN, so NEEDS→SOLUTION is 0/1.
  EXPECT_EQ(Ratio(row, N(leads_v1::SALES_STEP_VISIT), N(leads_v1::SALES_STEP_QUOTE)),
            "1/3=0.333333");
  EXPECT_EQ(Ratio(row, N(leads_v1::SALES_STEP_VISIT), N(LEAD_STAGE_WON)), "1/3=0.333333");
  EXPECT_EQ(
      Ratio(row, N(leads_v1::SALES_STEP_NEEDS_ANALYSIS), N(leads_v1::SALES_STEP_SOLUTION_DESIGN)),
      "0/1=0");
  EXPECT_EQ(Ratio(row, N(leads_v1::SALES_STEP_QUOTE), N(LEAD_STAGE_WON)), "1/1=1");
  // Nobody entered NEGOTIATION: undefined, not 0.
  EXPECT_EQ(Ratio(row, N(leads_v1::SALES_STEP_NEGOTIATION), N(leads_v1::SALES_STEP_SIGNING)),
            "0/0");
  // Backward pairs are not reported.
  EXPECT_EQ(Ratio(row, N(LEAD_STAGE_QUALIFIED), N(LEAD_STAGE_NURTURING)), "-");
  // October: L6's captured cohort of one reached nurturing (in November, counted in October).
  const v1::FunnelRow october = Get(v1::PERIOD_GRANULARITY_MONTH, At(10, 15, 0)).rows(0);
  EXPECT_EQ(Ratio(october, N(LEAD_STAGE_CAPTURED), N(LEAD_STAGE_NURTURING)), "1/1=1");
  EXPECT_EQ(Stage(october, leads_v1::LEAD_STAGE_CAPTURED).entries(), 1);
}

TEST_F(FunnelQueryTest, NovemberTimeInStage) {
  const v1::FunnelRow row = November();
  // Captured, one visit each, left in November: L1 1d, L2 2d, L3 1d, L4 4d, L6 3d (10-30 →
  // 11-02); L5 is still there. Mean 11d / 5 = 2.2d = 190080 s; p90 = 5th of 5 = 4d's bin.
  const v1::StageFigures& captured = Stage(row, leads_v1::LEAD_STAGE_CAPTURED);
  EXPECT_EQ(captured.latest_visit().samples(), 5);
  EXPECT_EQ(Seconds(captured.latest_visit().average()), 190080);
  EXPECT_EQ(Seconds(captured.latest_visit().p90()), BinMiddle(4 * kDay));
  EXPECT_NEAR(Seconds(captured.latest_visit().p90()), 4 * kDay, 0.07 * 4 * kDay);
  // Nurturing: L1 2d; L3 visits 1d then 2d → latest 2d, cumulative 3d; L6 still there.
  // Latest mean (2d + 2d)/2 = 172800 s; cumulative mean (2d + 3d)/2 = 216000 s, p90 = 3d's bin.
  const v1::StageFigures& nurturing = Stage(row, leads_v1::LEAD_STAGE_NURTURING);
  EXPECT_EQ(nurturing.latest_visit().samples(), 2);
  EXPECT_EQ(Seconds(nurturing.latest_visit().average()), 172800);
  EXPECT_EQ(Seconds(nurturing.cumulative().average()), 216000);
  EXPECT_EQ(Seconds(nurturing.cumulative().p90()), BinMiddle(3 * kDay));
  // Qualified: L1, L2, L4 1d each; L3 1d twice → latest 1d, cumulative 2d (its first exit's
  // sample was moved, not added). Latest mean 1d; cumulative (1+1+2+1)d/4 = 108000 s.
  const v1::StageFigures& qualified = Stage(row, leads_v1::LEAD_STAGE_QUALIFIED);
  EXPECT_EQ(qualified.latest_visit().samples(), 4);
  EXPECT_EQ(Seconds(qualified.latest_visit().average()), kDay);
  EXPECT_EQ(qualified.cumulative().samples(), 4);
  EXPECT_EQ(Seconds(qualified.cumulative().average()), 108000);
  EXPECT_EQ(Seconds(qualified.cumulative().p90()), BinMiddle(2 * kDay));
  // Opportunity: L1 6d (11-06 → 11-12), L4 2d (11-09 → 11-11): mean 4d.
  EXPECT_EQ(Seconds(Stage(row, leads_v1::LEAD_STAGE_OPPORTUNITY).latest_visit().average()),
            4 * kDay);
  // VISIT: L1 2d, L2 1d, L4 2d (closing ends the step): mean 5d/3 = 144000 s.
  EXPECT_EQ(Seconds(Step(row, leads_v1::SALES_STEP_VISIT).latest_visit().average()), 144000);
  EXPECT_EQ(Seconds(Step(row, leads_v1::SALES_STEP_QUOTE).latest_visit().average()), 2 * kDay);
  // SOLUTION_DESIGN (L2, still there) and WON (terminal) have no sample: undefined.
  EXPECT_FALSE(Step(row, leads_v1::SALES_STEP_SOLUTION_DESIGN).latest_visit().has_average());
  EXPECT_FALSE(Stage(row, leads_v1::LEAD_STAGE_WON).latest_visit().has_p90());
}

TEST_F(FunnelQueryTest, NovemberOutcomesPipelineAndOverdue) {
  const v1::FunnelRow row = November();
  // Closed in November: won L1, lost L4 → 1 / (1 + 1).
  EXPECT_EQ(row.won(), 1);
  EXPECT_EQ(row.lost(), 1);
  ASSERT_TRUE(row.has_win_rate());
  EXPECT_DOUBLE_EQ(row.win_rate(), 0.5);
  // Sales cycle: L1 captured 11-02 10h, won 11-12 10h → 10d.
  EXPECT_EQ(Seconds(row.average_sales_cycle()), 10 * kDay);
  // Pipeline: only L2 is open: 300000 CNY at its 50% override (not SOLUTION_DESIGN's 40%).
  ASSERT_EQ(row.pipeline_value_size(), 1);
  EXPECT_EQ(row.pipeline_value(0).units(), 300000);
  EXPECT_EQ(row.pipeline_value(0).currency(), "CNY");
  EXPECT_EQ(row.weighted_pipeline(0).units(), 150000);
  // Overdue now: L5 (L4's episode was ended by an activity, and L4 is closed); events: L4, L5.
  EXPECT_EQ(row.overdue_now(), 1);
  EXPECT_EQ(row.overdue_events(), 2);
}

TEST_F(FunnelQueryTest, OtherGranularities) {
  const v1::FunnelReport day = Get(v1::PERIOD_GRANULARITY_DAY, At(11, 2, 23));
  EXPECT_EQ(day.period().key(), "2026-11-02");
  // 11-02: captures L1, L2; L6 entered nurturing and left captured after 3d.
  EXPECT_EQ(Stage(day.rows(0), leads_v1::LEAD_STAGE_CAPTURED).entries(), 2);
  EXPECT_EQ(Stage(day.rows(0), leads_v1::LEAD_STAGE_NURTURING).entries(), 1);
  EXPECT_EQ(Seconds(Stage(day.rows(0), leads_v1::LEAD_STAGE_CAPTURED).latest_visit().average()),
            3 * kDay);
  const v1::FunnelReport week = Get(v1::PERIOD_GRANULARITY_WEEK, At(11, 4, 0));
  EXPECT_EQ(week.period().key(), "2026-W45");  // 11-02 … 11-08: all five November captures
  EXPECT_EQ(Stage(week.rows(0), leads_v1::LEAD_STAGE_CAPTURED).entries(), 5);
  // The week's p90 merges four days' histogram rows: captured left 11-02 (L6 3d), 11-03 (L1
  // 1d), 11-04 (L2 2d, L3 1d), 11-08 (L4 4d); the 5th of 5 is 4d. Nurturing's cumulative: L1 2d
  // (11-05), L3 3d (11-08): the 2nd of 2 is 3d.
  EXPECT_EQ(Stage(week.rows(0), leads_v1::LEAD_STAGE_CAPTURED).latest_visit().samples(), 5);
  EXPECT_EQ(Seconds(Stage(week.rows(0), leads_v1::LEAD_STAGE_CAPTURED).latest_visit().p90()),
            BinMiddle(4 * kDay));
  EXPECT_EQ(Seconds(Stage(week.rows(0), leads_v1::LEAD_STAGE_NURTURING).cumulative().p90()),
            BinMiddle(3 * kDay));
  // L7 was captured 11-30 17:00 UTC, which is December in Shanghai.
  const v1::FunnelReport december = Get(v1::PERIOD_GRANULARITY_MONTH, At(12, 1, 12));
  EXPECT_EQ(december.period().key(), "2026-12");
  EXPECT_EQ(Stage(december.rows(0), leads_v1::LEAD_STAGE_CAPTURED).entries(), 1);
  EXPECT_FALSE(december.rows(0).has_win_rate());  // nothing closed: undefined
  const v1::FunnelReport quarter = Get(v1::PERIOD_GRANULARITY_QUARTER, At(11, 1, 0));
  EXPECT_EQ(quarter.period().key(), "2026-Q4");
  EXPECT_EQ(Stage(quarter.rows(0), leads_v1::LEAD_STAGE_CAPTURED).entries(), 7);
  EXPECT_EQ(
      Stage(Get(v1::PERIOD_GRANULARITY_YEAR, At(11, 1, 0)).rows(0), leads_v1::LEAD_STAGE_CAPTURED)
          .entries(),
      7);
}

// Relative periods: the last N days through period_at's day, a period to date. Captures: L6
// 10-30, L1 and L2 11-02, L3 11-03, L4 11-04, L5 11-05, L7 12-01 (Shanghai).
TEST_F(FunnelQueryTest, RelativePeriodsAddUpTheirDays) {
  auto relative = [&](absl::Time at, int32_t last_days, v1::PeriodGranularity to_date) {
    v1::GetFunnelRequest request;
    request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(at));
    request.set_last_days(last_days);
    request.set_granularity(to_date);
    request.set_to_date(to_date != v1::PERIOD_GRANULARITY_UNSPECIFIED);
    absl::StatusOr<v1::FunnelReport> report = query_->GetFunnel(request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(v1::FunnelReport());
  };
  auto captured = [](const v1::FunnelReport& report) {
    return report.rows_size() == 1 ? Stage(report.rows(0), leads_v1::LEAD_STAGE_CAPTURED).entries()
                                   : -1;
  };
  // 11-02 … 12-01: no whole month, 30 days.
  const v1::FunnelReport last30 = relative(At(12, 1, 12), 30, v1::PERIOD_GRANULARITY_UNSPECIFIED);
  EXPECT_EQ(last30.period().key(), "2026-11-02..2026-12-01");
  EXPECT_EQ(last30.period().relative(), "last 30 days");
  EXPECT_EQ(last30.period().granularity(), v1::PERIOD_GRANULARITY_DAY);
  EXPECT_EQ(last30.period().start().seconds(), absl::ToUnixSeconds(At(11, 2, 0)));
  EXPECT_EQ(last30.period().end().seconds(), absl::ToUnixSeconds(At(12, 2, 0)));
  EXPECT_EQ(captured(last30), 6);
  // 10-23 … 12-01: nine October days, November as a month, one December day.
  EXPECT_EQ(captured(relative(At(12, 1, 12), 40, v1::PERIOD_GRANULARITY_UNSPECIFIED)), 7);
  EXPECT_EQ(captured(relative(At(11, 3, 23), 1, v1::PERIOD_GRANULARITY_UNSPECIFIED)), 1);
  // Month to date on 11-04: 11-01 … 11-04; quarter to date: 10-01 … 11-04.
  const v1::FunnelReport mtd = relative(At(11, 4, 12), 0, v1::PERIOD_GRANULARITY_MONTH);
  EXPECT_EQ(mtd.period().key(), "2026-11-01..2026-11-04");
  EXPECT_EQ(mtd.period().relative(), "month to date");
  EXPECT_EQ(captured(mtd), 4);
  EXPECT_EQ(captured(relative(At(11, 4, 12), 0, v1::PERIOD_GRANULARITY_QUARTER)), 5);
  // A whole month to its last day is the calendar month, figure for figure.
  v1::FunnelReport november_to_date = relative(At(11, 30, 12), 0, v1::PERIOD_GRANULARITY_MONTH);
  v1::FunnelReport november = Get(v1::PERIOD_GRANULARITY_MONTH, At(11, 30, 12));
  EXPECT_EQ(november_to_date.rows(0).SerializeAsString(), november.rows(0).SerializeAsString());
}

TEST_F(FunnelQueryTest, RepFiguresFollowAssignmentAndReassignment) {
  // Flows count under the rep at the time: captures precede assignment (rep ""); R-01 had L1,
  // L2 (until 11-09), L4, L6: nurturing L1, L6; qualified L1, L2, L4; opportunity L1, L2, L4.
  const v1::FunnelRow r01 = November(v1::FUNNEL_DIMENSION_REP, "R-01");
  EXPECT_EQ(r01.value(), "R-01");
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_CAPTURED).entries(), 0);
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_NURTURING).entries(), 2);
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_QUALIFIED).entries(), 3);
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_OPPORTUNITY).entries(), 3);
  EXPECT_DOUBLE_EQ(r01.win_rate(), 0.5);
  // Stock follows the current rep: L2's open deal moved to R-02 with its pipeline.
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_OPPORTUNITY).occupancy(), 0);
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_NURTURING).occupancy(), 1);  // L6
  EXPECT_EQ(r01.pipeline_value_size(), 0);
  const v1::FunnelRow r02 = November(v1::FUNNEL_DIMENSION_REP, "R-02");
  EXPECT_EQ(Stage(r02, leads_v1::LEAD_STAGE_OPPORTUNITY).occupancy(), 1);
  EXPECT_EQ(Step(r02, leads_v1::SALES_STEP_SOLUTION_DESIGN).occupancy(), 1);
  ASSERT_EQ(r02.pipeline_value_size(), 1);
  EXPECT_EQ(r02.pipeline_value(0).units(), 300000);
  EXPECT_EQ(r02.weighted_pipeline(0).units(), 150000);
  // R-02's flows: L3 nurturing twice, qualified twice, disqualified.
  EXPECT_EQ(Stage(r02, leads_v1::LEAD_STAGE_NURTURING).entries(), 2);
  EXPECT_EQ(Stage(r02, leads_v1::LEAD_STAGE_DISQUALIFIED).entries(), 1);
  // A rep with nothing: zeros and undefined ratios.
  const v1::FunnelRow nobody = November(v1::FUNNEL_DIMENSION_REP, "R-03");
  EXPECT_EQ(Stage(nobody, leads_v1::LEAD_STAGE_CAPTURED).entries(), 0);
  EXPECT_FALSE(nobody.has_win_rate());
  EXPECT_FALSE(nobody.conversions(0).has_rate());
}

TEST_F(FunnelQueryTest, GroupByRepGivesOneRowPerValue) {
  v1::GetFunnelRequest request;
  request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(At(11, 20, 0)));
  request.set_group_by(v1::FUNNEL_DIMENSION_REP);
  request.set_attribution(v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME);
  absl::StatusOr<v1::FunnelReport> report = query_->GetFunnel(request);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->attribution(), v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME);
  ASSERT_EQ(report->rows_size(), 3);
  EXPECT_EQ(report->rows(0).value(), "");  // unassigned: the five captures, L5 and L7 now
  EXPECT_EQ(Stage(report->rows(0), leads_v1::LEAD_STAGE_CAPTURED).entries(), 5);
  EXPECT_EQ(Stage(report->rows(0), leads_v1::LEAD_STAGE_CAPTURED).occupancy(), 2);
  EXPECT_EQ(report->rows(0).overdue_now(), 1);
  EXPECT_EQ(report->rows(1).value(), "R-01");
  EXPECT_EQ(Stage(report->rows(1), leads_v1::LEAD_STAGE_QUALIFIED).entries(), 3);
  EXPECT_EQ(report->rows(2).value(), "R-02");
  EXPECT_EQ(report->rows(2).pipeline_value(0).units(), 300000);
  EXPECT_EQ(report->rows(2).dimension(), v1::FUNNEL_DIMENSION_REP);
}

// Current attribution (the default): every flow of a lead counts under its owner, team and grade
// now. R-01 owns L1 (won), L4 (lost) and L6 (captured in October); L2 moved to R-02 on 11-09 and
// L3 is R-02's; L5 is unassigned (L7 is December's).
TEST_F(FunnelQueryTest, CurrentAttributionCountsEveryFlowUnderTheOwnerNow) {
  const v1::FunnelRow r01 =
      November(v1::FUNNEL_DIMENSION_REP, "R-01", v1::FUNNEL_ATTRIBUTION_CURRENT);
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_CAPTURED).entries(), 2);   // L1, L4
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_NURTURING).entries(), 2);  // L1, L6
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_QUALIFIED).entries(), 2);  // L1, L4 (not L2)
  EXPECT_EQ(Stage(r01, leads_v1::LEAD_STAGE_OPPORTUNITY).entries(), 2);
  EXPECT_DOUBLE_EQ(r01.win_rate(), 0.5);
  // The cohort captured in November, L1 and L4, of which L1 was won: the team's own captured →
  // won conversion, which at event time is 0/0 (the captures were unassigned).
  EXPECT_EQ(Ratio(r01, N(leads_v1::LEAD_STAGE_CAPTURED), N(leads_v1::LEAD_STAGE_WON)), "1/2=0.5");
  EXPECT_EQ(Ratio(November(v1::FUNNEL_DIMENSION_REP, "R-01"), N(leads_v1::LEAD_STAGE_CAPTURED),
                  N(leads_v1::LEAD_STAGE_WON)),
            "0/0");
  // R-02 now: L2 (captured 11-02, qualified, opportunity) and L3 (nurturing and qualified twice,
  // disqualified).
  const v1::FunnelRow r02 =
      November(v1::FUNNEL_DIMENSION_REP, "R-02", v1::FUNNEL_ATTRIBUTION_CURRENT);
  EXPECT_EQ(Stage(r02, leads_v1::LEAD_STAGE_CAPTURED).entries(), 2);
  EXPECT_EQ(Stage(r02, leads_v1::LEAD_STAGE_QUALIFIED).entries(), 3);
  EXPECT_EQ(Stage(r02, leads_v1::LEAD_STAGE_OPPORTUNITY).entries(), 1);
  EXPECT_EQ(Stage(r02, leads_v1::LEAD_STAGE_DISQUALIFIED).entries(), 1);
  // Team T-1 is R-01's; grade B is L2's, captured a moment before it was scored.
  EXPECT_EQ(Stage(November(v1::FUNNEL_DIMENSION_TEAM, "T-1", v1::FUNNEL_ATTRIBUTION_CURRENT),
                  leads_v1::LEAD_STAGE_CAPTURED)
                .entries(),
            2);
  EXPECT_EQ(Stage(November(v1::FUNNEL_DIMENSION_GRADE, "GRADE_B", v1::FUNNEL_ATTRIBUTION_CURRENT),
                  leads_v1::LEAD_STAGE_CAPTURED)
                .entries(),
            1);
  // Grouped, the reps' captures add up to the organisation's five, which are the same under both
  // attributions.
  v1::GetFunnelRequest request;
  request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(At(11, 20, 0)));
  request.set_group_by(v1::FUNNEL_DIMENSION_REP);
  absl::StatusOr<v1::FunnelReport> by_rep = query_->GetFunnel(request);
  ASSERT_TRUE(by_rep.ok()) << by_rep.status();
  EXPECT_EQ(by_rep->attribution(), v1::FUNNEL_ATTRIBUTION_CURRENT);  // the default
  ASSERT_EQ(by_rep->rows_size(), 3);
  EXPECT_EQ(Stage(by_rep->rows(0), leads_v1::LEAD_STAGE_CAPTURED).entries(), 1);  // "": L5
  EXPECT_EQ(Stage(by_rep->rows(1), leads_v1::LEAD_STAGE_CAPTURED).entries(), 2);
  EXPECT_EQ(Stage(by_rep->rows(2), leads_v1::LEAD_STAGE_CAPTURED).entries(), 2);
  EXPECT_EQ(November().SerializeAsString(),
            November(v1::FUNNEL_DIMENSION_UNSPECIFIED, "", v1::FUNNEL_ATTRIBUTION_CURRENT)
                .SerializeAsString());
}

// Current attribution over random histories (captures, scoring, assignments and reassignments in
// any order, moves back and forth, conversions, closes): every lead's capture counts under the
// rep, team and grade it has at the end — whatever the interleaving and batch sizes — and the
// values add up to the organisation under both attributions.
TEST(FunnelAttributionTest, EveryCaptureCountsUnderTheLeadsFinalRepTeamAndGrade) {
  std::mt19937_64 rng(18);
  const absl::Time start = At(3, 1, 9);
  std::vector<LeadScript> leads;
  std::map<std::string, int64_t> by_rep, by_team, by_grade;  // expected captures
  for (int i = 0; i < 400; ++i) {
    leads.push_back(testing::RandomLead(rng, absl::StrCat("L", i), start + absl::Hours(i), 9));
    std::string rep, team, grade;
    for (const EventEnvelope& envelope : leads.back().events()) {
      leads_v1::LeadEvent event;
      ASSERT_TRUE(eventsourcing::UnpackEvent(envelope.payload(), event).ok());
      if (event.has_lead_assigned()) {
        rep = event.lead_assigned().rep_id();
        team = event.lead_assigned().team_id();
      }
      if (event.has_lead_scored()) grade = leads_v1::Grade_Name(event.lead_scored().grade());
    }
    ++by_rep[rep];
    ++by_team[team];
    ++by_grade[grade];
  }
  sales::testing::TempDir dir;
  auto store = ProjectionStore::Open(dir.path() + "/funnel");
  ASSERT_TRUE(store.ok()) << store.status();
  const absl::Status applied = ApplyRoundRobin(leads, /*batch=*/13, **store);
  ASSERT_TRUE(applied.ok()) << applied;
  FunnelQuery query(store->get());
  const auto captures = [&](v1::FunnelDimension by, v1::FunnelAttribution attribution) {
    v1::GetFunnelRequest request;
    request.set_granularity(v1::PERIOD_GRANULARITY_YEAR);
    request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(start));
    request.set_group_by(by);
    request.set_attribution(attribution);
    absl::StatusOr<v1::FunnelReport> report = query.GetFunnel(request);
    EXPECT_TRUE(report.ok()) << report.status();
    std::map<std::string, int64_t> out;
    for (const v1::FunnelRow& row : report->rows()) {
      const int64_t entries = row.stages(0).cohort();  // first entries: one per lead
      if (entries != 0) out[row.value()] = entries;
    }
    return out;
  };
  EXPECT_EQ(captures(v1::FUNNEL_DIMENSION_REP, v1::FUNNEL_ATTRIBUTION_CURRENT), by_rep);
  EXPECT_EQ(captures(v1::FUNNEL_DIMENSION_TEAM, v1::FUNNEL_ATTRIBUTION_CURRENT), by_team);
  EXPECT_EQ(captures(v1::FUNNEL_DIMENSION_GRADE, v1::FUNNEL_ATTRIBUTION_CURRENT), by_grade);
  for (const v1::FunnelAttribution attribution :
       {v1::FUNNEL_ATTRIBUTION_CURRENT, v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME}) {
    int64_t sum = 0;
    for (const auto& [rep, entries] : captures(v1::FUNNEL_DIMENSION_REP, attribution)) {
      sum += entries;
    }
    EXPECT_EQ(sum, 400) << v1::FunnelAttribution_Name(attribution);
  }
  // At event time the captures happened before any assignment: all of them under rep "".
  EXPECT_EQ(captures(v1::FUNNEL_DIMENSION_REP, v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME),
            (std::map<std::string, int64_t>{{"", 400}}));
}

TEST_F(FunnelQueryTest, OtherDimensions) {
  // North: L1, L3, L5 captured in November; L5 and L7 captured now, L6 nurturing.
  const v1::FunnelRow north = November(v1::FUNNEL_DIMENSION_REGION, "north");
  EXPECT_EQ(Stage(north, leads_v1::LEAD_STAGE_CAPTURED).entries(), 3);
  EXPECT_EQ(Stage(north, leads_v1::LEAD_STAGE_CAPTURED).occupancy(), 2);
  EXPECT_EQ(Stage(north, leads_v1::LEAD_STAGE_NURTURING).occupancy(), 1);
  EXPECT_EQ(north.overdue_now(), 1);
  const v1::FunnelRow referral =
      November(v1::FUNNEL_DIMENSION_SOURCE, "LEAD_SOURCE_REFERRAL");  // L2 only
  EXPECT_EQ(referral.pipeline_value(0).units(), 300000);
  EXPECT_EQ(Stage(referral, leads_v1::LEAD_STAGE_CAPTURED).entries(), 1);
  const v1::FunnelRow grade_b = November(v1::FUNNEL_DIMENSION_GRADE, "GRADE_B");
  // L2 was graded after its capture: its qualified and opportunity entries count under B.
  EXPECT_EQ(Stage(grade_b, leads_v1::LEAD_STAGE_CAPTURED).entries(), 0);
  EXPECT_EQ(Stage(grade_b, leads_v1::LEAD_STAGE_OPPORTUNITY).entries(), 1);
  EXPECT_EQ(grade_b.weighted_pipeline(0).units(), 150000);
  const v1::FunnelRow p2 = November(v1::FUNNEL_DIMENSION_PRODUCT_LINE, "P2");  // L3, L4
  EXPECT_EQ(Stage(p2, leads_v1::LEAD_STAGE_CAPTURED).entries(), 2);
  EXPECT_EQ(Stage(p2, leads_v1::LEAD_STAGE_LOST).occupancy(), 1);
  const v1::FunnelRow team2 = November(v1::FUNNEL_DIMENSION_TEAM, "T-2");
  EXPECT_EQ(Stage(team2, leads_v1::LEAD_STAGE_OPPORTUNITY).occupancy(), 1);        // L2, reassigned
  const v1::FunnelRow channel = November(v1::FUNNEL_DIMENSION_CHANNEL, "ch-web");  // L1
  EXPECT_EQ(channel.won(), 1);
}

TEST_F(FunnelQueryTest, RejectsBadRequestsNamingTheField) {
  auto code_and_field = [&](const v1::GetFunnelRequest& request) {
    absl::StatusOr<v1::FunnelReport> report = query_->GetFunnel(request);
    return report.ok() ? std::string("OK")
                       : absl::StrCat(absl::StatusCodeToString(report.status().code()), " ",
                                      report.status().message());
  };
  v1::GetFunnelRequest valid;
  valid.set_granularity(v1::PERIOD_GRANULARITY_WEEK);
  valid.mutable_period_at()->set_seconds(absl::ToUnixSeconds(At(11, 2, 0)));
  EXPECT_EQ(code_and_field(valid), "OK");

  v1::GetFunnelRequest request = valid;
  request.set_attribution(static_cast<v1::FunnelAttribution>(9));
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field attribution"));
  request.clear_attribution();
  request.clear_granularity();
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field granularity"));
  request.set_last_days(30);
  EXPECT_EQ(code_and_field(request), "OK") << "the last N days need no granularity";
  request.set_last_days(367);
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field last_days"));
  request.set_last_days(-1);
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field last_days"));
  request.set_last_days(7);
  request.set_to_date(true);
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field to_date"));
  request = valid;
  request.clear_period_at();
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field period_at"));
  request = valid;
  request.mutable_period_at()->set_nanos(-1);
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field period_at"));
  request = valid;
  request.mutable_filter()->set_value("R-01");
  EXPECT_THAT(code_and_field(request),
              ::testing::StartsWith("INVALID_ARGUMENT field filter.dimension"));
  request.mutable_filter()->set_dimension(v1::FUNNEL_DIMENSION_SOURCE);
  request.mutable_filter()->set_value("WEB");
  EXPECT_THAT(code_and_field(request),
              ::testing::StartsWith("INVALID_ARGUMENT field filter.value"));
  request.mutable_filter()->set_dimension(v1::FUNNEL_DIMENSION_REP);
  request.mutable_filter()->set_value("R 01/../x");
  EXPECT_THAT(code_and_field(request),
              ::testing::StartsWith("INVALID_ARGUMENT field filter.value"));
  request.mutable_filter()->set_value("R-01");
  request.set_group_by(v1::FUNNEL_DIMENSION_TEAM);
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field group_by"));
  request = valid;
  request.set_group_by(v1::FUNNEL_DIMENSION_UNSPECIFIED);
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field group_by"));
  request.set_group_by(static_cast<v1::FunnelDimension>(99));
  EXPECT_THAT(code_and_field(request), ::testing::StartsWith("INVALID_ARGUMENT field group_by"));
}

}  // namespace
}  // namespace sales::funnel
