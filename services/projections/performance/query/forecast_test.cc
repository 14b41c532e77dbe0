// The forecast (销售预测) end to end below the transport: a fixed history of orders and deals
// applied through PerformanceProjection to a real ProjectionStore (streams interleaved, small
// batches), every snapshot and accuracy figure read back and compared with numbers computed by
// hand in the comments (performance.proto, "Forecast", has the definitions). Times are
// Asia/Shanghai at 10:00 unless said; amounts CNY minor units; months of 2026.
//
// Rep R-01 (team T-1, north):
//   run-rate orders (no deal): A1 100,000 confirmed 08-10; A2 50,000 09-20; A3 200,000 10-05;
//     A5 140,000 11-15; A4 80,000 12-03.
//   L1: deal 08-20 1,000,000 at VISIT 10 %; QUOTE 60 % 08-25; won 09-15; order D1 1,000,000 from
//     the deal confirmed 09-18.
//   L2: deal 09-10 400,000 at 10 %; SOLUTION_DESIGN 40 % 09-25; lost 10-20.
//   L3: captured 10-01; deal 10-02 300,000 at 10 %; NEGOTIATION 80 % 10-30; won 11-20; order D3
//     300,000 from the deal confirmed 11-22.
//   L4: captured 11-25; overdue 11-28, followed up 11-29; deal 12-02 500,000 at 10 %; QUOTE 60 %
//     12-04; probability overridden to 70 % 12-05 11:00.
// Rep R-02 (T-2, south): L5 deal 09-02 200,000 at 10 %, still open; follow-up overdue 12-01.
// L6: R-03 (T-3) deal 12-01 100,000 at 10 %, reassigned to R-04 (T-4) 12-03.
#include "services/projections/performance/query/forecast.h"

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/projection/projection_store.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "services/projections/performance/model/keys.h"
#include "services/projections/performance/model/performance_projection.h"
#include "services/projections/performance/query/alerts.h"
#include "services/projections/performance/testing/performance_script.h"

namespace sales::performance {
namespace {

namespace v1 = ::sales::projections::v1;
namespace leads_v1 = ::sales::leads::v1;
using ::sales::performance::testing::PerformanceScript;
using ::sales::performance::testing::ScriptOrder;
using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionStore;

absl::Time At(int month, int day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0), BusinessTimeZone());
}

void Booked(PerformanceScript& s, const std::string& id, int64_t amount, absl::Time at,
            const std::string& deal = "") {
  s.Order(id,
          ScriptOrder{.customer = "C-" + id,
                      .rep = "R-01",
                      .team = "T-1",
                      .region = "north",
                      .channel = "ch-direct",
                      .lines = {{"P1", amount}},
                      .deal = deal},
          at - absl::Hours(1));
  s.Confirm(id, at, false);
}

void Lead(PerformanceScript& s, const std::string& id, const std::string& rep,
          const std::string& team, absl::Time at) {
  s.Capture(id, {.region = rep == "R-01" ? "north" : "south", .product_line = "P1"}, at);
  s.Assign(id, rep, team, at);
}

PerformanceScript History() {
  PerformanceScript s;
  Booked(s, "A1", 100'000, At(8, 10));
  Booked(s, "A2", 50'000, At(9, 20));
  Booked(s, "A3", 200'000, At(10, 5));
  Booked(s, "A5", 140'000, At(11, 15));
  Booked(s, "A4", 80'000, At(12, 3));
  Lead(s, "L1", "R-01", "T-1", At(8, 1));
  s.Convert("L1", 1'000'000, 10, At(8, 20));
  s.Step("L1", leads_v1::SALES_STEP_QUOTE, 60, At(8, 25));
  s.Stage("L1", leads_v1::LEAD_STAGE_WON, At(9, 15));
  Booked(s, "D1", 1'000'000, At(9, 18), "D-L1");
  Lead(s, "L2", "R-01", "T-1", At(8, 2));
  s.Convert("L2", 400'000, 10, At(9, 10));
  s.Step("L2", leads_v1::SALES_STEP_SOLUTION_DESIGN, 40, At(9, 25));
  s.Stage("L2", leads_v1::LEAD_STAGE_LOST, At(10, 20));
  Lead(s, "L3", "R-01", "T-1", At(10, 1));
  s.Convert("L3", 300'000, 10, At(10, 2));
  s.Step("L3", leads_v1::SALES_STEP_NEGOTIATION, 80, At(10, 30));
  s.Stage("L3", leads_v1::LEAD_STAGE_WON, At(11, 20));
  Booked(s, "D3", 300'000, At(11, 22), "D-L3");
  Lead(s, "L4", "R-01", "T-1", At(11, 25));
  s.FollowUpOverdue("L4", At(11, 28));
  s.Activity("L4", At(11, 29));
  s.Convert("L4", 500'000, 10, At(12, 2));
  s.Step("L4", leads_v1::SALES_STEP_QUOTE, 60, At(12, 4));
  s.OverrideProbability("L4", 70, At(12, 5, 11));
  Lead(s, "L5", "R-02", "T-2", At(9, 1));
  s.Convert("L5", 200'000, 10, At(9, 2));
  s.FollowUpOverdue("L5", At(12, 1));
  Lead(s, "L6", "R-03", "T-3", At(12, 1));
  s.Convert("L6", 100'000, 10, At(12, 1));
  s.Assign("L6", "R-04", "T-4", At(12, 3));
  return s;
}

const absl::Time kAsOf = At(12, 5, 12);

class ForecastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ProjectionStore::Open(dir_.path() + "/performance");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    const absl::Status applied =
        testing::ApplyInBatches(testing::Interleaved(History().events(), true), 3, *store_);
    ASSERT_TRUE(applied.ok()) << applied;
  }

  v1::ForecastReport Forecast(int month, const std::string& rep = "",
                              v1::PerformanceDimension dimension = v1::PERFORMANCE_DIMENSION_REP) {
    v1::GetForecastRequest request;
    request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
    *request.mutable_period_at() = ToTimestamp(At(month, 15));
    *request.mutable_as_of() = ToTimestamp(kAsOf);
    if (!rep.empty()) {
      request.mutable_filter()->set_dimension(dimension);
      request.mutable_filter()->set_value(rep);
    }
    absl::StatusOr<v1::ForecastReport> report = GetForecast(*store_, request, absl::Now());
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(v1::ForecastReport());
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<ProjectionStore> store_;
};

// {booked, run-rate 28 days, remainder, pipelines conservative/base/optimistic, scenarios}.
struct Expected {
  int64_t booked, run_rate_28_days, remainder, pipeline_conservative, pipeline_base,
      pipeline_optimistic;
};

void ExpectAmounts(const v1::ForecastSnapshot& snapshot, const Expected& expected) {
  ASSERT_EQ(snapshot.amounts_size(), 1) << snapshot.DebugString();
  const v1::ForecastAmounts& amounts = snapshot.amounts(0);
  EXPECT_EQ(amounts.currency(), "CNY");
  EXPECT_EQ(amounts.booked(), expected.booked);
  EXPECT_EQ(amounts.run_rate_28_days(), expected.run_rate_28_days);
  EXPECT_EQ(amounts.run_rate_remainder(), expected.remainder);
  EXPECT_EQ(amounts.pipeline_conservative(), expected.pipeline_conservative);
  EXPECT_EQ(amounts.pipeline_base(), expected.pipeline_base);
  EXPECT_EQ(amounts.pipeline_optimistic(), expected.pipeline_optimistic);
  const int64_t known = expected.booked + expected.remainder;
  EXPECT_EQ(amounts.conservative(), known + expected.pipeline_conservative);
  EXPECT_EQ(amounts.base(), known + expected.pipeline_base);
  EXPECT_EQ(amounts.optimistic(), known + expected.pipeline_optimistic);
}

TEST_F(ForecastTest, DecemberSoFarSnapshotByMidnightAndCurrent) {
  const v1::ForecastReport report = Forecast(12, "R-01");
  EXPECT_EQ(report.period().key(), "2026-12");
  EXPECT_FALSE(report.closed());
  ASSERT_EQ(report.snapshots_size(), 5);  // midnights of 12-01 … 12-05
  EXPECT_EQ(FromTimestamp(report.snapshots(0).taken_at()), At(12, 1, 0));
  EXPECT_EQ(report.snapshots(0).remaining_days(), 31);
  // 12-01: run-rate window 11-03…11-30 holds A5 140,000 (D3 came from a deal); × 31/28 =
  // 155,000; no open deal (L3 won, L4 not converted yet).
  ExpectAmounts(report.snapshots(0), {0, 140'000, 155'000, 0, 0, 0});
  // 12-02: × 30/28 = 150,000.
  ExpectAmounts(report.snapshots(1), {0, 140'000, 150'000, 0, 0, 0});
  // 12-03: L4 500,000 at 10 %: base 50,000, conservative 0 (< 60 %), optimistic 50,000 (< 40 %:
  // weighted); × 29/28 = 145,000.
  ExpectAmounts(report.snapshots(2), {0, 140'000, 145'000, 0, 50'000, 50'000});
  // 12-04: A4 80,000 booked on 12-03 and in the window (220,000 × 28/28).
  ExpectAmounts(report.snapshots(3), {80'000, 220'000, 220'000, 0, 50'000, 50'000});
  // 12-05: L4 at QUOTE 60 %: 300,000 in conservative and base, 500,000 in full in optimistic;
  // 220,000 × 27/28 = 212,142.86 → 212,143.
  ExpectAmounts(report.snapshots(4), {80'000, 220'000, 212'143, 300'000, 300'000, 500'000});
  // Current (tonight's): the override to 70 % at 11:00 → 350,000; 220,000 × 26/28 = 204,285.71
  // → 204,286.
  EXPECT_EQ(FromTimestamp(report.current().taken_at()), At(12, 6, 0));
  EXPECT_EQ(report.current().remaining_days(), 26);
  ExpectAmounts(report.current(), {80'000, 220'000, 204'286, 350'000, 350'000, 500'000});
}

TEST_F(ForecastTest, ScopesCountTheDealsOfTheirOwnerAtTheSnapshot) {
  // The organisation on 12-05 adds L5 (R-02, 200,000 at 10 %: 20,000 in base and optimistic) and
  // L6 (100,000 at 10 %: 10,000) to R-01's figures.
  const v1::ForecastReport organisation = Forecast(12);
  ExpectAmounts(organisation.snapshots(4), {80'000, 220'000, 212'143, 300'000,
                                            300'000 + 20'000 + 10'000, 500'000 + 20'000 + 10'000});
  // L6 was R-03's on 12-02 and 12-03, R-04's from 12-03 10:00: the snapshot of 12-03 (before
  // the reassignment) still has it under R-03, the one of 12-04 under R-04.
  const v1::ForecastReport r03 = Forecast(12, "R-03");
  ASSERT_EQ(r03.snapshots_size(), 5);
  EXPECT_EQ(r03.snapshots(0).amounts_size(), 0);  // converted during 12-01
  EXPECT_EQ(r03.snapshots(2).amounts(0).pipeline_base(), 10'000);
  EXPECT_EQ(r03.snapshots(3).amounts_size(), 0);  // nothing left to forecast
  const v1::ForecastReport r04 = Forecast(12, "R-04");
  EXPECT_EQ(r04.snapshots(2).amounts_size(), 0);
  EXPECT_EQ(r04.snapshots(3).amounts(0).pipeline_base(), 10'000);
  EXPECT_EQ(Forecast(12, "T-2", v1::PERFORMANCE_DIMENSION_TEAM).current().amounts(0).base(),
            20'000);
}

TEST_F(ForecastTest, AClosedPeriodCarriesItsActualOnEverySnapshot) {
  const v1::ForecastReport october = Forecast(10, "R-01");
  EXPECT_TRUE(october.closed());
  EXPECT_FALSE(october.has_current());
  ASSERT_EQ(october.snapshots_size(), 31);
  for (const v1::ForecastSnapshot& snapshot : october.snapshots()) {
    ASSERT_EQ(snapshot.amounts_size(), 1);
    EXPECT_EQ(snapshot.amounts(0).actual(), 200'000);  // A3
  }
  // 10-31: A3 booked; window 10-03…10-30 holds A3 only; × 1/28 = 7,142.86 → 7,143; L3 at
  // NEGOTIATION 80 % since 10-30: 240,000 in all three.
  ExpectAmounts(october.snapshots(30), {200'000, 200'000, 7'143, 240'000, 240'000, 300'000});
}

// Snapshots at the start of September, October and November (snapshot_day 0):
//   09-01: window 08-04…08-31 A1 100,000 × 30/28 = 107,142.86 → 107,143; L1 at QUOTE 60 %:
//          600,000 conservative and base, 1,000,000 optimistic. Actual: A2 + D1 = 1,050,000.
//   10-01: window 09-03…09-30 A2 50,000 × 31/28 = 55,357.14 → 55,357; L2 at 40 %: conservative
//          0, base 160,000, optimistic 400,000 (L5 is R-02's). Actual: A3 200,000.
//   11-01: window 10-04…10-31 A3 200,000 × 30/28 = 214,285.71 → 214,286; L3 at 80 %: 240,000,
//          240,000, 300,000. Actual: A5 + D3 = 440,000.
TEST_F(ForecastTest, AccuracyOverThreeClosedMonthsAsMapeAndRmse) {
  v1::GetForecastAccuracyRequest request;
  request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  request.mutable_filter()->set_dimension(v1::PERFORMANCE_DIMENSION_REP);
  request.mutable_filter()->set_value("R-01");
  *request.mutable_as_of() = ToTimestamp(kAsOf);
  absl::StatusOr<v1::ForecastAccuracyReport> report =
      GetForecastAccuracy(*store_, request, absl::Now());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->periods_size(), 3);
  EXPECT_EQ(report->periods(0).key(), "2026-09");
  EXPECT_EQ(report->periods(2).key(), "2026-11");
  ASSERT_EQ(report->currencies_size(), 1);
  const v1::CurrencyAccuracy& cny = report->currencies(0);
  ASSERT_EQ(cny.scenarios_size(), 3);
  struct Scenario {
    v1::ForecastScenario scenario;
    int64_t forecasts[3];
  };
  const int64_t actuals[3] = {1'050'000, 200'000, 440'000};
  const Scenario expected[] = {{v1::FORECAST_SCENARIO_CONSERVATIVE, {707'143, 55'357, 454'286}},
                               {v1::FORECAST_SCENARIO_BASE, {707'143, 215'357, 454'286}},
                               {v1::FORECAST_SCENARIO_OPTIMISTIC, {1'107'143, 455'357, 514'286}}};
  for (int s = 0; s < 3; ++s) {
    const v1::ScenarioAccuracy& scored = cny.scenarios(s);
    EXPECT_EQ(scored.scenario(), expected[s].scenario);
    double absolute_percent = 0;
    double squared = 0;
    for (int p = 0; p < 3; ++p) {
      const int64_t error = actuals[p] - expected[s].forecasts[p];
      EXPECT_EQ(scored.periods(p).actual(), actuals[p]);
      EXPECT_EQ(scored.periods(p).forecast(), expected[s].forecasts[p]) << s << " " << p;
      EXPECT_EQ(scored.periods(p).error(), error);
      const double percent = 100.0 * static_cast<double>(error) / static_cast<double>(actuals[p]);
      EXPECT_NEAR(scored.periods(p).percent_error(), percent, 1e-9);
      absolute_percent += std::abs(percent);
      squared += static_cast<double>(error) * static_cast<double>(error);
    }
    EXPECT_NEAR(scored.mape_percent(), absolute_percent / 3, 1e-9);
    EXPECT_NEAR(scored.rmse(), std::sqrt(squared / 3), 1e-6);
    EXPECT_EQ(scored.excluded_periods(), 0);
  }
  // Base, by hand: errors 342,857, −15,357, −14,286 → MAPE (32.6530 + 7.6785 + 3.2468) / 3 =
  // 14.5261 %; RMSE √((342,857² + 15,357² + 14,286²) / 3) = √39,330,283,231.3 = 198,318.6.
  EXPECT_NEAR(cny.scenarios(1).mape_percent(), 14.526, 1e-3);
  EXPECT_NEAR(cny.scenarios(1).rmse(), 198'318.6, 0.1);
}

TEST_F(ForecastTest, AMonthWithNothingBookedIsExcludedFromMape) {
  // July: nothing booked and nothing forecast; August: forecast 0 at 08-01 (no run rate, no
  // deal), actual A1 100,000 → 100 % error.
  v1::GetForecastAccuracyRequest request;
  request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  request.set_periods(5);
  *request.mutable_as_of() = ToTimestamp(kAsOf);
  request.mutable_filter()->set_dimension(v1::PERFORMANCE_DIMENSION_REP);
  request.mutable_filter()->set_value("R-01");
  absl::StatusOr<v1::ForecastAccuracyReport> report =
      GetForecastAccuracy(*store_, request, absl::Now());
  ASSERT_TRUE(report.ok()) << report.status();
  const v1::ScenarioAccuracy& base = report->currencies(0).scenarios(1);
  ASSERT_EQ(base.periods_size(), 5);
  EXPECT_EQ(base.periods(0).period(), "2026-07");
  EXPECT_TRUE(base.periods(0).excluded());
  EXPECT_FALSE(base.periods(0).has_percent_error());
  EXPECT_EQ(base.excluded_periods(), 1);
  EXPECT_NEAR(base.periods(1).percent_error(), 100.0, 1e-9);
  const double mape =
      (100.0 + 100.0 * 342'857 / 1'050'000 + 100.0 * 15'357 / 200'000 + 100.0 * 14'286 / 440'000) /
      4;
  EXPECT_NEAR(base.mape_percent(), mape, 1e-9);
  const double rmse =
      std::sqrt((0.0 + 1e10 + 342'857.0 * 342'857 + 15'357.0 * 15'357 + 14'286.0 * 14'286) / 5);
  EXPECT_NEAR(base.rmse(), rmse, 1e-6);
}

TEST_F(ForecastTest, BadRequestsNameTheField) {
  v1::GetForecastRequest request;
  EXPECT_EQ(GetForecast(*store_, request, kAsOf).status().message(),
            "field granularity: required: WEEK, MONTH, QUARTER or YEAR");
  request.set_granularity(v1::PERIOD_GRANULARITY_DAY);
  EXPECT_EQ(GetForecast(*store_, request, kAsOf).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  request.mutable_filter()->set_value("R-01");
  EXPECT_EQ(GetForecast(*store_, request, kAsOf).status().message(),
            "field filter.dimension: required: REP, TEAM, REGION, PRODUCT_LINE or CHANNEL");
  v1::GetForecastAccuracyRequest accuracy;
  accuracy.set_granularity(v1::PERIOD_GRANULARITY_WEEK);
  accuracy.set_snapshot_day(7);
  EXPECT_EQ(GetForecastAccuracy(*store_, accuracy, kAsOf).status().message(),
            "field snapshot_day: must be 0–6 for PERIOD_GRANULARITY_WEEK");
  accuracy.set_snapshot_day(0);
  accuracy.set_periods(25);
  EXPECT_EQ(GetForecastAccuracy(*store_, accuracy, kAsOf).status().message(),
            "field periods: must be 1–24 (0: 3)");
}

// Overdue follow-ups: L4's episode ended with an activity; L5 (R-02, south) is overdue now.
TEST_F(ForecastTest, OverdueFollowUpsAreAlertedPerScope) {
  v1::ListAlertsRequest request;
  request.set_dimension(v1::PERFORMANCE_DIMENSION_REP);
  *request.mutable_as_of() = ToTimestamp(kAsOf);
  absl::StatusOr<v1::AlertList> alerts = ListAlerts(*store_, request, kAsOf);
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  std::vector<const v1::Alert*> follow_ups;
  for (const v1::Alert& alert : alerts->alerts()) {
    if (alert.kind() == v1::ALERT_KIND_FOLLOW_UP_OVERDUE) follow_ups.push_back(&alert);
  }
  ASSERT_EQ(follow_ups.size(), 1u);
  EXPECT_EQ(follow_ups[0]->alert_id(), "follow-up-overdue/rep/R-02");
  EXPECT_EQ(follow_ups[0]->state(), v1::ALERT_STATE_ACTIVE);
  EXPECT_EQ(follow_ups[0]->figures(0).count(), 1);
  EXPECT_EQ(follow_ups[0]->summary(), "rep R-02: 1 lead(s) overdue for follow-up");
}

// Deals with expected close dates (rep R-09 alone, nothing booked: the forecast is the pipeline):
//   L7:  deal 11-03 1,000,000 at 10 % expected 2026-12-20; QUOTE 60 % 11-10.
//   L8:  deal 11-05 500,000 at 10 % expected 2027-01-15; moved to 2026-12-28 on 12-02.
//   L9:  deal 11-06 200,000 at 10 %, no date (counts in every period).
//   L10: deal 10-01 300,000 at 10 % expected 2026-11-20; still open (slipped).
//   L11: deal 11-07 100,000 at 10 % expected 2027-02-10; date cleared on 12-04.
class DatedForecastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PerformanceScript s;
    for (const char* id : {"L7", "L8", "L9", "L11"}) Lead(s, id, "R-09", "T-9", At(10, 20));
    Lead(s, "L10", "R-09", "T-9", At(9, 20));
    s.Convert("L7", 1'000'000, 10, At(11, 3), absl::CivilDay(2026, 12, 20));
    s.Step("L7", leads_v1::SALES_STEP_QUOTE, 60, At(11, 10));
    s.Convert("L8", 500'000, 10, At(11, 5), absl::CivilDay(2027, 1, 15));
    s.CloseDate("L8", absl::CivilDay(2026, 12, 28), At(12, 2));
    s.Convert("L9", 200'000, 10, At(11, 6));
    s.Convert("L10", 300'000, 10, At(10, 1), absl::CivilDay(2026, 11, 20));
    s.Convert("L11", 100'000, 10, At(11, 7), absl::CivilDay(2027, 2, 10));
    s.CloseDate("L11", std::nullopt, At(12, 4));
    auto store = ProjectionStore::Open(dir_.path() + "/performance");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    const absl::Status applied =
        testing::ApplyInBatches(testing::Interleaved(s.events(), false), 2, *store_);
    ASSERT_TRUE(applied.ok()) << applied;
  }

  v1::ForecastReport Forecast(v1::PeriodGranularity granularity, absl::Time period_at) {
    v1::GetForecastRequest request;
    request.set_granularity(granularity);
    *request.mutable_period_at() = ToTimestamp(period_at);
    *request.mutable_as_of() = ToTimestamp(kAsOf);
    request.mutable_filter()->set_dimension(v1::PERFORMANCE_DIMENSION_REP);
    request.mutable_filter()->set_value("R-09");
    absl::StatusOr<v1::ForecastReport> report = GetForecast(*store_, request, absl::Now());
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(v1::ForecastReport());
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<ProjectionStore> store_;
};

TEST_F(DatedForecastTest, AMonthCountsTheDealsDatedWithinItAndTheUndated) {
  const v1::ForecastReport december = Forecast(v1::PERIOD_GRANULARITY_MONTH, At(12, 15));
  ASSERT_EQ(december.snapshots_size(), 5);
  // 12-01: L7 (December, 60 %) 600,000 / 600,000 / 1,000,000; L9 (no date) 0 / 20,000 / 20,000;
  // L8 (January), L10 (November, slipped) and L11 (February) count elsewhere.
  ExpectAmounts(december.snapshots(0), {0, 0, 0, 600'000, 620'000, 1'020'000});
  ExpectAmounts(december.snapshots(1), {0, 0, 0, 600'000, 620'000, 1'020'000});
  // 12-03: L8 moved into December on 12-02: + 50,000 base and optimistic.
  ExpectAmounts(december.snapshots(2), {0, 0, 0, 600'000, 670'000, 1'070'000});
  ExpectAmounts(december.snapshots(3), {0, 0, 0, 600'000, 670'000, 1'070'000});
  // 12-05: L11's date cleared on 12-04: undated, + 10,000.
  ExpectAmounts(december.snapshots(4), {0, 0, 0, 600'000, 680'000, 1'080'000});
  ExpectAmounts(december.current(), {0, 0, 0, 600'000, 680'000, 1'080'000});

  // November (closed): on 11-01 only L10 (dated 11-20) was open: 30,000; on 11-30 L9 (undated)
  // too: 50,000 — L7 and L8 are dated after November.
  const v1::ForecastReport november = Forecast(v1::PERIOD_GRANULARITY_MONTH, At(11, 15));
  ASSERT_EQ(november.snapshots_size(), 30);
  ExpectAmounts(november.snapshots(0), {0, 0, 0, 0, 30'000, 30'000});
  ExpectAmounts(november.snapshots(29), {0, 0, 0, 0, 50'000, 50'000});

  // January 2027, tonight: L8 left it on 12-02 and L11 on 12-04; only L9 and L11 (undated).
  const v1::ForecastReport january =
      Forecast(v1::PERIOD_GRANULARITY_MONTH,
               absl::FromCivil(absl::CivilSecond(2027, 1, 15, 10, 0, 0), BusinessTimeZone()));
  EXPECT_EQ(january.snapshots_size(), 0);
  ExpectAmounts(january.current(), {0, 0, 0, 0, 30'000, 30'000});
}

TEST_F(DatedForecastTest, AWeekCountsItsOwnDaysAndAQuarterItsMonths) {
  // The week of Monday 12-14 holds L7's 12-20: 600,000 / 600,000 / 1,000,000, plus L9 and L11
  // (undated by tonight): 30,000 base and optimistic.
  ExpectAmounts(Forecast(v1::PERIOD_GRANULARITY_WEEK, At(12, 16)).current(),
                {0, 0, 0, 600'000, 630'000, 1'030'000});
  // The week of Monday 12-28 holds L8's 12-28 (50,000) and the undated 30,000.
  const v1::ForecastReport week = Forecast(v1::PERIOD_GRANULARITY_WEEK, At(12, 28));
  EXPECT_EQ(week.period().key(), "2026-W53");
  EXPECT_EQ(week.current().remaining_days(), 7);
  ExpectAmounts(week.current(), {0, 0, 0, 0, 80'000, 80'000});
  // The week of Monday 12-07: nothing dated in it; the undated only.
  ExpectAmounts(Forecast(v1::PERIOD_GRANULARITY_WEEK, At(12, 7)).current(),
                {0, 0, 0, 0, 30'000, 30'000});

  // Q4: its months hold L7 (December) and L10 (November, slipped but within the quarter).
  const v1::ForecastReport quarter = Forecast(v1::PERIOD_GRANULARITY_QUARTER, At(11, 15));
  ASSERT_EQ(quarter.snapshots_size(), 66);            // 10-01 … 12-05
  EXPECT_EQ(quarter.snapshots(0).amounts_size(), 0);  // L10 converted during 10-01
  // 12-01: L7 600,000 / 600,000 / 1,000,000 + L10 30,000 + L9 20,000.
  ExpectAmounts(quarter.snapshots(61), {0, 0, 0, 600'000, 650'000, 1'050'000});
  // 12-03: + L8 (12-28) 50,000; 12-05: + L11 (undated) 10,000.
  ExpectAmounts(quarter.snapshots(63), {0, 0, 0, 600'000, 700'000, 1'100'000});
  ExpectAmounts(quarter.snapshots(65), {0, 0, 0, 600'000, 710'000, 1'110'000});
}

TEST(DatedFlowSlotTest, RoundTripsInTheOrderOfTheDaysAndClampsBeyondItsBits) {
  const uint32_t base = Slot(SlotKind::kPipelineBase, periods::CurrencyCode("CNY"));
  const uint32_t optimistic = Slot(SlotKind::kPipelineOptimistic, periods::CurrencyCode("ZZZ"));
  for (const int64_t day : {-31999, -1, 0, 1, 365}) {
    for (const uint32_t slot : {base, optimistic}) {
      const DatedFlow flow = DatedFlowOf(DatedFlowSlot(day, slot));
      EXPECT_EQ(flow.days_after_first, day);
      EXPECT_EQ(flow.pipeline_slot, slot);
    }
  }
  EXPECT_LT(DatedFlowSlot(-1, optimistic), DatedFlowSlot(0, base)) << "the day comes first";
  EXPECT_EQ(DatedFlowOf(DatedFlowSlot(-40000, base)).days_after_first, -kDatedFlowHorizonDays);
  EXPECT_EQ(DatedFlowOf(DatedFlowSlot(100000, base)).days_after_first, 767) << "not wrapped";
}

TEST(ForecastProjectionTest,
     LeadsAndOrdersInTwoInterleavingsThreeBatchSizesAndBothDecodingsGiveOneChecksum) {
  PerformanceScript script;
  std::mt19937_64 rng(18);
  const absl::Time start = At(1, 1);
  for (int n = 0; n < 300; ++n) {
    testing::AddRandomOrder(rng, n, start + absl::Hours(static_cast<int64_t>(rng() % 5000)),
                            script);
    testing::AddRandomLead(rng, n, start + absl::Hours(static_cast<int64_t>(rng() % 5000)), script);
  }
  const absl::StatusOr<std::vector<std::string>> checksums =
      testing::ChecksumsOfEveryWay(script.events(), {1, 7, 1000});
  ASSERT_TRUE(checksums.ok()) << checksums.status();
  ASSERT_EQ(checksums->size(), 12);
  for (const std::string& checksum : *checksums) EXPECT_EQ(checksum, checksums->front());
}

TEST(ForecastProjectionTest, APoisonLeadEventIsRefusedBeforeAnyWrite) {
  PerformanceScript script;
  script.Capture("L1", {.region = "north"}, At(11, 1));
  script.Step("L1", leads_v1::SALES_STEP_QUOTE, 120, At(11, 2));
  sales::testing::TempDir dir;
  auto store = ProjectionStore::Open(dir.path() + "/performance");
  ASSERT_TRUE(store.ok());
  projection::StoreBatch batch = (*store)->NewBatch();
  PerformanceProjection projection;
  EXPECT_EQ(projection.Apply(script.events()[1], batch.txn()).message(),
            "field default_probability: must be between 0 and 100");
  ASSERT_TRUE((*store)->Commit(batch).ok());
  absl::StatusOr<std::string> checksum = (*store)->Checksum();
  sales::testing::TempDir empty_dir;
  auto empty = ProjectionStore::Open(empty_dir.path() + "/performance");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*checksum, *(*empty)->Checksum());
}

}  // namespace
}  // namespace sales::performance
