// The performance read model end to end below the transport: a fixed scenario of orders,
// targets and ledger credits applied through PerformanceProjection to a real ProjectionStore
// (streams interleaved, small batches), every figure read back with PerformanceQuery and
// compared with numbers computed by hand (the arithmetic is in the comments). Times are
// Asia/Shanghai; amounts CNY minor units.
//
//   O1 C1 R-01/T-1/north/ch-web, lines P1 60000 + P2 40000: confirmed 11-02 (C1's first),
//      invoiced 11-05 100000, paid 60000 11-10.
//   O2 C1 R-01/T-1/north/ch-web, line P1 50000: confirmed 11-06, line 1 returned 10000 11-12
//      (not invoiced: booked only).
//   O3 C2 R-02/T-2/south/ch-partner, line P2 80000: confirmed 11-08 (C2's first), cancelled 11-09.
//   O4 C3 R-02/T-2/south/ch-web, line P1 30000: confirmed 10-15 (C3's first), invoiced 10-20,
//      paid 30000 11-03, line 1 returned 5000 11-04 (invoiced: a credit note).
//   O5 C4 R-01, line P1 20000: placed 11-11, never confirmed (counts nowhere).
//   Targets (revenue): rep:R-01 2026-11 200000, amended to 120000; team:T-1 2026-10 50000;
//      company P1 2026-11 100000.
//   Ledger of R-01 (T-1, north): 10-15 credit 40000 commission 400; 11-02 credit 100000 (P1)
//      commission 1000; 11-06 credit 50000 commission 500.
#include "services/projections/performance/query/performance_query.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/projection/projection_store.h"
#include "common/testing/temp_dir.h"
#include "common/time/business_time.h"
#include "gtest/gtest.h"
#include "services/projections/performance/model/performance_projection.h"
#include "services/projections/performance/query/alerts.h"
#include "services/projections/performance/testing/performance_script.h"

namespace sales::performance {
namespace {

namespace v1 = ::sales::projections::v1;
namespace incentives_v1 = ::sales::incentives::v1;
namespace orders_v1 = ::sales::orders::v1;
using ::sales::performance::testing::PerformanceScript;
using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionStore;
using ::sales::projection::StoreBatch;

absl::Time At(int month, int day, int hour = 10) {
  return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0), BusinessTimeZone());
}

PerformanceScript Scenario() {
  PerformanceScript s;
  s.Order("O1",
          {.customer = "C1",
           .rep = "R-01",
           .team = "T-1",
           .region = "north",
           .channel = "ch-web",
           .lines = {{"P1", 60000}, {"P2", 40000}}},
          At(11, 2, 9));
  s.Confirm("O1", At(11, 2), true);
  s.Invoice("O1", 100000, At(11, 5));
  s.Pay("O1", 60000, At(11, 10));
  s.Order("O2",
          {.customer = "C1",
           .rep = "R-01",
           .team = "T-1",
           .region = "north",
           .channel = "ch-web",
           .lines = {{"P1", 50000}}},
          At(11, 6, 9));
  s.Confirm("O2", At(11, 6), false);
  s.Return("O2", 1, 10000, At(11, 12));
  s.Order("O3",
          {.customer = "C2",
           .rep = "R-02",
           .team = "T-2",
           .region = "south",
           .channel = "ch-partner",
           .lines = {{"P2", 80000}}},
          At(11, 8, 9));
  s.Confirm("O3", At(11, 8), true);
  s.Cancel("O3", At(11, 9));
  s.Order("O4",
          {.customer = "C3",
           .rep = "R-02",
           .team = "T-2",
           .region = "south",
           .channel = "ch-web",
           .lines = {{"P1", 30000}}},
          At(10, 15, 9));
  s.Confirm("O4", At(10, 15), true);
  s.Invoice("O4", 30000, At(10, 20));
  s.Pay("O4", 30000, At(11, 3));
  s.Return("O4", 1, 5000, At(11, 4));
  s.Order("O5",
          {.customer = "C4",
           .rep = "R-01",
           .team = "T-1",
           .region = "north",
           .channel = "ch-web",
           .lines = {{"P1", 20000}}},
          At(11, 11));
  s.Target("rep:R-01", "2026-11", incentives_v1::METRIC_REVENUE, 200000, 0, At(10, 1));
  s.Target("rep:R-01", "2026-11", incentives_v1::METRIC_REVENUE, 120000, 200000, At(10, 2));
  s.Target("team:T-1", "2026-10", incentives_v1::METRIC_REVENUE, 50000, 0, At(10, 2));
  s.Target("company", "2026-11", incentives_v1::METRIC_REVENUE, 100000, 0, At(10, 2), "P1");
  s.Credit("R-01", "T-1", "north", 40000, 400, At(10, 15));
  s.Credit("R-01", "T-1", "north", 100000, 1000, At(11, 2), "P1");
  s.Credit("R-01", "T-1", "north", 50000, 500, At(11, 6));
  return s;
}

void ApplyAll(const std::vector<const EventEnvelope*>& events, int batch, ProjectionStore& store) {
  const absl::Status applied = testing::ApplyInBatches(events, batch, store);
  ASSERT_TRUE(applied.ok()) << applied;
}

class PerformanceQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ProjectionStore::Open(dir_.path() + "/performance");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ApplyAll(testing::Interleaved(Scenario().events(), false), 3, *store_);
    query_ = std::make_unique<PerformanceQuery>(store_.get());
  }

  v1::PerformanceReport Get(const v1::GetPerformanceRequest& request) {
    absl::StatusOr<v1::PerformanceReport> report = query_->GetPerformance(request);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(v1::PerformanceReport());
  }

  static v1::GetPerformanceRequest Calendar(v1::PeriodGranularity granularity, absl::Time at) {
    v1::GetPerformanceRequest request;
    request.set_granularity(granularity);
    request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(at));
    return request;
  }

  v1::PerformanceRow November(
      v1::PerformanceDimension dimension = v1::PERFORMANCE_DIMENSION_UNSPECIFIED,
      const std::string& value = "") {
    v1::GetPerformanceRequest request = Calendar(v1::PERIOD_GRANULARITY_MONTH, At(11, 20));
    if (dimension != v1::PERFORMANCE_DIMENSION_UNSPECIFIED) {
      request.mutable_filter()->set_dimension(dimension);
      request.mutable_filter()->set_value(value);
    }
    const v1::PerformanceReport report = Get(request);
    EXPECT_EQ(report.rows_size(), 1);
    return report.rows_size() == 1 ? report.rows(0) : v1::PerformanceRow();
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<ProjectionStore> store_;
  std::unique_ptr<PerformanceQuery> query_;
};

int64_t Amount(const google::protobuf::RepeatedPtrField<v1::MoneyFigure>& figures,
               bool previous = false) {
  EXPECT_EQ(figures.size(), 1);
  if (figures.empty()) return -1;
  EXPECT_EQ(figures[0].currency(), "CNY");
  return previous ? figures[0].amount().previous() : figures[0].amount().value();
}

TEST_F(PerformanceQueryTest, TheWholeOrganisationInNovemberAgainstOctober) {
  const v1::PerformanceReport report = Get(Calendar(v1::PERIOD_GRANULARITY_MONTH, At(11, 20)));
  EXPECT_EQ(report.period().key(), "2026-11");
  EXPECT_EQ(report.previous_period().key(), "2026-10");
  EXPECT_EQ(report.attribution(), "at event time");
  ASSERT_EQ(report.rows_size(), 1);
  const v1::PerformanceRow& row = report.rows(0);
  // Booked: O1 100000 + O2 50000 − O2's return 10000 + O3 80000 − O3 cancelled 80000 − O4's
  // return 5000 = 135000; October: O4 30000. 环比 (135000 − 30000) ÷ 30000 = +350 %.
  EXPECT_EQ(Amount(row.booked_revenue()), 135000);
  EXPECT_EQ(Amount(row.booked_revenue(), true), 30000);
  EXPECT_DOUBLE_EQ(row.booked_revenue(0).amount().change_percent(), 350);
  // Invoiced: O1 100000 − O4's credit note 5000; October: O4 30000.
  EXPECT_EQ(Amount(row.invoiced_revenue()), 95000);
  EXPECT_EQ(Amount(row.invoiced_revenue(), true), 30000);
  // Collected: O1 60000 + O4 30000; nothing in October, so no change figure.
  EXPECT_EQ(Amount(row.collected_revenue()), 90000);
  EXPECT_FALSE(row.collected_revenue(0).amount().has_change_percent());
  // Orders: O1, O2, O3 − O3 = 2 (October 1): +100 %; AOV 135000 ÷ 2 = 67500 (October 30000).
  EXPECT_EQ(row.orders().value(), 2);
  EXPECT_EQ(row.orders().previous(), 1);
  EXPECT_DOUBLE_EQ(row.orders().change_percent(), 100);
  ASSERT_EQ(row.average_order_value_size(), 1);
  EXPECT_DOUBLE_EQ(row.average_order_value(0).amount().value(), 67500);
  EXPECT_DOUBLE_EQ(row.average_order_value(0).amount().previous(), 30000);
  EXPECT_DOUBLE_EQ(row.average_order_value(0).amount().change_percent(), 125);
  // New customers: C1 (O1) and C2 (O3) − O3 cancelled; buyers: C1 (C2's only order was
  // cancelled); repeat: C1 (O1, O2) → 100 %.
  EXPECT_EQ(row.new_customers().value(), 1);
  EXPECT_EQ(row.new_customers().previous(), 1);
  EXPECT_EQ(row.buying_customers().value(), 1);
  EXPECT_EQ(row.repeat_customers().value(), 1);
  EXPECT_DOUBLE_EQ(row.repeat_purchase_rate().value(), 100);
  EXPECT_DOUBLE_EQ(row.repeat_purchase_rate().previous(), 0);
  EXPECT_FALSE(row.repeat_purchase_rate().has_change_percent()) << "previous 0: undefined";
  // The company has no whole-organisation target: actual only (150000 credited), attainment
  // undefined.
  ASSERT_EQ(row.attainment_size(), 1);
  EXPECT_EQ(row.attainment(0).metric(), incentives_v1::METRIC_REVENUE);
  EXPECT_EQ(row.attainment(0).target().value(), 0);
  EXPECT_EQ(row.attainment(0).actual().value(), 150000);
  EXPECT_FALSE(row.attainment(0).attainment_percent().has_value());
  // Commission: 1000 + 500; October 400.
  EXPECT_EQ(Amount(row.commission_earned()), 1500);
  EXPECT_EQ(Amount(row.commission_earned(), true), 400);
}

TEST_F(PerformanceQueryTest, ARepsAttainmentAgainstItsAmendedTarget) {
  const v1::PerformanceRow row = November(v1::PERFORMANCE_DIMENSION_REP, "R-01");
  EXPECT_EQ(row.dimension(), v1::PERFORMANCE_DIMENSION_REP);
  // O1 100000 + O2 50000 − 10000 returned.
  EXPECT_EQ(Amount(row.booked_revenue()), 140000);
  EXPECT_EQ(row.orders().value(), 2);
  EXPECT_DOUBLE_EQ(row.average_order_value(0).amount().value(), 70000);
  EXPECT_EQ(Amount(row.invoiced_revenue()), 100000);
  EXPECT_EQ(Amount(row.collected_revenue()), 60000);
  EXPECT_EQ(row.buying_customers().value(), 1);
  EXPECT_DOUBLE_EQ(row.repeat_purchase_rate().value(), 100);
  // Target 200000 amended to 120000; credited 100000 + 50000 → 125 %. October: 40000 credited,
  // no target → undefined.
  ASSERT_EQ(row.attainment_size(), 1);
  const v1::MetricAttainment& revenue = row.attainment(0);
  EXPECT_EQ(revenue.target().value(), 120000);
  EXPECT_EQ(revenue.actual().value(), 150000);
  EXPECT_EQ(revenue.actual().previous(), 40000);
  EXPECT_DOUBLE_EQ(revenue.attainment_percent().value(), 125);
  EXPECT_FALSE(revenue.attainment_percent().has_previous());
  // Commission 1500 against 400: +275 %.
  EXPECT_DOUBLE_EQ(row.commission_earned(0).amount().change_percent(), 275);
}

TEST_F(PerformanceQueryTest, ProductLinesCountTheirLines) {
  // P1: O1's line 60000 + O2 50000 − O2's return 10000 − O4's return 5000 = 95000, 2 orders;
  // invoiced: O1's P1 line 60000 − O4's credit note 5000. Target 100000, credited 100000.
  const v1::PerformanceRow p1 = November(v1::PERFORMANCE_DIMENSION_PRODUCT_LINE, "P1");
  EXPECT_EQ(Amount(p1.booked_revenue()), 95000);
  EXPECT_EQ(p1.orders().value(), 2);
  EXPECT_EQ(Amount(p1.invoiced_revenue()), 55000);
  EXPECT_TRUE(p1.collected_revenue().empty()) << "payments are not split by product line";
  ASSERT_EQ(p1.attainment_size(), 1);
  EXPECT_DOUBLE_EQ(p1.attainment(0).attainment_percent().value(), 100);
  // P2: O1's line 40000 + O3 80000 − 80000 cancelled; orders O1 + O3 − O3.
  const v1::PerformanceRow p2 = November(v1::PERFORMANCE_DIMENSION_PRODUCT_LINE, "P2");
  EXPECT_EQ(Amount(p2.booked_revenue()), 40000);
  EXPECT_EQ(p2.orders().value(), 1);
  EXPECT_EQ(Amount(p2.invoiced_revenue()), 40000);
}

TEST_F(PerformanceQueryTest, GroupedByTeamWithEveryValueOfEitherPeriod) {
  v1::GetPerformanceRequest request = Calendar(v1::PERIOD_GRANULARITY_MONTH, At(11, 20));
  request.set_group_by(v1::PERFORMANCE_DIMENSION_TEAM);
  const v1::PerformanceReport report = Get(request);
  ASSERT_EQ(report.rows_size(), 2);
  EXPECT_EQ(report.rows(0).value(), "T-1");
  EXPECT_EQ(report.rows(1).value(), "T-2");
  // T-1: as R-01; its October target 50000 against 40000 credited → 80 % before.
  ASSERT_EQ(report.rows(0).attainment_size(), 1);
  EXPECT_DOUBLE_EQ(report.rows(0).attainment(0).attainment_percent().previous(), 80);
  EXPECT_FALSE(report.rows(0).attainment(0).attainment_percent().has_value())
      << "no November target for T-1";
  // T-2: O3 80000 − 80000, O4's return −5000; no orders left, so no average order value.
  const v1::PerformanceRow& t2 = report.rows(1);
  EXPECT_EQ(Amount(t2.booked_revenue()), -5000);
  EXPECT_EQ(Amount(t2.booked_revenue(), true), 30000);
  EXPECT_EQ(t2.orders().value(), 0);
  EXPECT_FALSE(t2.average_order_value(0).amount().has_value());
  EXPECT_DOUBLE_EQ(t2.average_order_value(0).amount().previous(), 30000);
}

TEST_F(PerformanceQueryTest, WeeksQuartersAndRelativePeriods) {
  // W46 (11-09 … 11-15): O3 cancelled −80000, O2's return −10000; W45 (11-02 … 11-08): O1
  // 100000, O4's return −5000, O2 50000, O3 80000 = 225000: (−90000 − 225000) ÷ 225000 = −140 %.
  const v1::PerformanceReport week = Get(Calendar(v1::PERIOD_GRANULARITY_WEEK, At(11, 10)));
  EXPECT_EQ(week.period().key(), "2026-W46");
  EXPECT_EQ(week.previous_period().key(), "2026-W45");
  EXPECT_EQ(Amount(week.rows(0).booked_revenue()), -90000);
  EXPECT_EQ(Amount(week.rows(0).booked_revenue(), true), 225000);
  EXPECT_DOUBLE_EQ(week.rows(0).booked_revenue(0).amount().change_percent(), -140);
  // Q4: October 30000 + November 135000; buyers C1 and C3 (C2's order was cancelled), repeat C1.
  const v1::PerformanceReport quarter = Get(Calendar(v1::PERIOD_GRANULARITY_QUARTER, At(11, 10)));
  EXPECT_EQ(Amount(quarter.rows(0).booked_revenue()), 165000);
  EXPECT_EQ(quarter.rows(0).buying_customers().value(), 2);
  EXPECT_EQ(quarter.rows(0).repeat_customers().value(), 1);
  // November to date on 11-10: everything but O2's return (11-12) = 145000; October 1–10: none.
  // Distinct buyers and targets do not add up across days: unset.
  v1::GetPerformanceRequest to_date = Calendar(v1::PERIOD_GRANULARITY_MONTH, At(11, 10));
  to_date.set_to_date(true);
  const v1::PerformanceReport mtd = Get(to_date);
  EXPECT_EQ(mtd.period().relative(), "month to date");
  EXPECT_EQ(mtd.previous_period().key(), "2026-10-01..2026-10-10");
  EXPECT_EQ(Amount(mtd.rows(0).booked_revenue()), 145000);
  EXPECT_EQ(Amount(mtd.rows(0).booked_revenue(), true), 0);
  EXPECT_EQ(mtd.rows(0).buying_customers().value(), 0);
  EXPECT_FALSE(mtd.rows(0).repeat_purchase_rate().has_value());
  EXPECT_EQ(mtd.rows(0).attainment(0).target().value(), 0);
  // The last 40 days to 11-30 (10-22 … 11-30): November's 135000 (O4's October events are
  // before); the 40 days before (09-12 … 10-21): O4 30000.
  v1::GetPerformanceRequest last_40;
  last_40.mutable_period_at()->set_seconds(absl::ToUnixSeconds(At(11, 30)));
  last_40.set_last_days(40);
  const v1::PerformanceReport last = Get(last_40);
  EXPECT_EQ(Amount(last.rows(0).booked_revenue()), 135000);
  EXPECT_EQ(Amount(last.rows(0).booked_revenue(), true), 30000);
}

TEST_F(PerformanceQueryTest, BadRequestsNameTheField) {
  v1::GetPerformanceRequest request = Calendar(v1::PERIOD_GRANULARITY_MONTH, At(11, 20));
  request.mutable_filter()->set_dimension(v1::PERFORMANCE_DIMENSION_REP);
  EXPECT_EQ(query_->GetPerformance(request).status().message(), "field filter.value: required");
  request.mutable_filter()->set_value("R-01");
  request.set_group_by(v1::PERFORMANCE_DIMENSION_TEAM);
  EXPECT_EQ(query_->GetPerformance(request).status().message(),
            "field group_by: not allowed with filter");
  request.clear_filter();
  request.set_group_by(static_cast<v1::PerformanceDimension>(42));
  EXPECT_TRUE(absl::IsInvalidArgument(query_->GetPerformance(request).status()));
  request.set_group_by(v1::PERFORMANCE_DIMENSION_UNSPECIFIED);
  request.clear_period_at();
  EXPECT_EQ(query_->GetPerformance(request).status().message(), "field period_at: required");
}

// Payloads decoded ahead (DecodePayload, then ApplyDecoded, as a Kafka-mode runner does) give
// the read model Apply gives.
TEST(PerformanceProjectionTest, InterleavingsBatchSizesAndDecodingGiveOneChecksum) {
  const absl::StatusOr<std::vector<std::string>> checksums =
      testing::ChecksumsOfEveryWay(Scenario().events(), {1, 4, 1000});
  ASSERT_TRUE(checksums.ok()) << checksums.status();
  ASSERT_EQ(checksums->size(), 12);
  for (const std::string& checksum : *checksums) EXPECT_EQ(checksum, checksums->front());
}

TEST(PerformanceProjectionTest, ACancelledOrderLeavesThePeriodsItWasConfirmedIn) {
  // C5's first order, confirmed 10-25, cancelled 11-03; C6 orders twice in October.
  PerformanceScript script;
  script.Order("O6", {.customer = "C5", .rep = "R-02", .lines = {{"P1", 7000}}}, At(10, 25, 9));
  script.Confirm("O6", At(10, 25), true);
  script.Order("O7", {.customer = "C6", .rep = "R-02", .lines = {{"P1", 1000}}}, At(10, 5, 9));
  script.Confirm("O7", At(10, 5), true);
  script.Order("O8", {.customer = "C6", .rep = "R-02", .lines = {{"P1", 2000}}}, At(10, 6, 9));
  script.Confirm("O8", At(10, 6), false);
  sales::testing::TempDir dir;
  auto store = ProjectionStore::Open(dir.path() + "/performance");
  ASSERT_TRUE(store.ok());
  ApplyAll(testing::Interleaved(script.events(), false), 2, **store);
  PerformanceQuery query(store->get());
  v1::GetPerformanceRequest october;
  october.set_granularity(v1::PERIOD_GRANULARITY_MONTH);
  october.mutable_period_at()->set_seconds(absl::ToUnixSeconds(At(10, 20)));
  auto before = query.GetPerformance(october);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->rows(0).buying_customers().value(), 2);  // C5, C6
  EXPECT_EQ(before->rows(0).repeat_customers().value(), 1);  // C6

  PerformanceScript cancel = script;
  cancel.Cancel("O6", At(11, 3));
  StoreBatch batch = (*store)->NewBatch();
  PerformanceProjection projection;
  ASSERT_TRUE(projection.Apply(cancel.events().back(), batch.txn()).ok());
  ASSERT_TRUE((*store)->Commit(batch).ok());
  auto after = query.GetPerformance(october);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->rows(0).buying_customers().value(), 1) << "C6 only";
  EXPECT_EQ(after->rows(0).repeat_customers().value(), 1);
  EXPECT_EQ(Amount(after->rows(0).booked_revenue()), 10000) << "October keeps what it booked";
  EXPECT_EQ(after->rows(0).new_customers().value(), 2);
  v1::GetPerformanceRequest november = october;
  november.mutable_period_at()->set_seconds(absl::ToUnixSeconds(At(11, 20)));
  auto taken_back = query.GetPerformance(november);
  ASSERT_TRUE(taken_back.ok());
  EXPECT_EQ(Amount(taken_back->rows(0).booked_revenue()), -7000) << "in the period of the cancel";
  EXPECT_EQ(taken_back->rows(0).orders().value(), -1);
  EXPECT_EQ(taken_back->rows(0).new_customers().value(), -1);
}

TEST(PerformanceProjectionTest, EachPeriodCountsTheCustomersOrdersOnItsOwnDays) {
  // C7 orders on Wednesday 09-30, Thursday 10-01 and Friday 10-02: one ISO week (09-28..10-04),
  // two months, two quarters. Then the 10-01 order (neither the first nor the last day) is
  // cancelled.
  PerformanceScript script;
  for (const auto& [order, day] :
       {std::pair{"O9", At(9, 30)}, {"O10", At(10, 1)}, {"O11", At(10, 2)}}) {
    script.Order(order, {.customer = "C7", .rep = "R-03", .lines = {{"P1", 100}}}, day);
    script.Confirm(order, day, std::string(order) == "O9");
  }
  sales::testing::TempDir dir;
  auto store = ProjectionStore::Open(dir.path() + "/performance");
  ASSERT_TRUE(store.ok());
  ApplyAll(testing::Interleaved(script.events(), false), 1000, **store);
  PerformanceQuery query(store->get());
  const auto customers = [&](v1::PeriodGranularity granularity, absl::Time at) {
    v1::GetPerformanceRequest request;
    request.set_granularity(granularity);
    request.mutable_period_at()->set_seconds(absl::ToUnixSeconds(at));
    auto report = query.GetPerformance(request);
    EXPECT_TRUE(report.ok()) << report.status();
    if (!report.ok() || report->rows_size() == 0) return std::pair<int64_t, int64_t>{-9, -9};
    return std::pair{report->rows(0).buying_customers().value(),
                     report->rows(0).repeat_customers().value()};
  };
  using Counts = std::pair<int64_t, int64_t>;  // buying, repeat
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_WEEK, At(10, 1)), Counts(1, 1));
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_MONTH, At(9, 15)), Counts(1, 0));
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_MONTH, At(10, 15)), Counts(1, 1));
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_QUARTER, At(9, 15)), Counts(1, 0));
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_YEAR, At(10, 15)), Counts(1, 1));
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_DAY, At(10, 1)), Counts(1, 0));

  PerformanceScript cancel = script;
  cancel.Cancel("O10", At(10, 20));
  StoreBatch batch = (*store)->NewBatch();
  PerformanceProjection projection;
  ASSERT_TRUE(projection.Apply(cancel.events().back(), batch.txn()).ok());
  ASSERT_TRUE((*store)->Commit(batch).ok());
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_WEEK, At(10, 1)), Counts(1, 1)) << "09-30, 10-02";
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_MONTH, At(10, 15)), Counts(1, 0)) << "10-02 only";
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_DAY, At(10, 1)), Counts(0, 0));
  EXPECT_EQ(customers(v1::PERIOD_GRANULARITY_YEAR, At(10, 15)), Counts(1, 1));
}

TEST(PerformanceProjectionTest, PoisonEventsAreRefusedBeforeAnyWrite) {
  PerformanceScript script;
  script.Order("O1", {.customer = "C1", .lines = {{"P1", 100}}}, At(11, 2));
  script.Target("rep:R-01", "2026-13", incentives_v1::METRIC_REVENUE, 1, 0, At(11, 2));
  sales::testing::TempDir dir;
  auto store = ProjectionStore::Open(dir.path() + "/performance");
  ASSERT_TRUE(store.ok());
  StoreBatch batch = (*store)->NewBatch();
  PerformanceProjection projection;
  const absl::Status target = projection.Apply(script.events()[1], batch.txn());
  EXPECT_EQ(target.message(), "field target.period: not YYYY, YYYY-Qn or YYYY-MM");
  EventEnvelope negative = script.events()[0];
  orders_v1::OrderEvent placed;
  ASSERT_TRUE(eventsourcing::UnpackEvent(negative.payload(), placed).ok());
  placed.mutable_order_placed()->mutable_total()->set_units(-1);
  negative.mutable_payload()->PackFrom(placed.order_placed());
  EXPECT_EQ(projection.Apply(negative, batch.txn()).message(), "field total.units: negative");

  // Decoded ahead, the same refusals; a payload that does not decode is left to Apply.
  google::protobuf::Arena arena;
  const google::protobuf::Message* decoded = projection.DecodePayload(negative, arena);
  ASSERT_NE(decoded, nullptr);
  EXPECT_EQ(projection.ApplyDecoded(negative, *decoded, batch.txn()).message(),
            "field total.units: negative");
  decoded = projection.DecodePayload(script.events()[1], arena);
  ASSERT_NE(decoded, nullptr);
  EXPECT_EQ(projection.ApplyDecoded(script.events()[1], *decoded, batch.txn()).message(),
            "field target.period: not YYYY, YYYY-Qn or YYYY-MM");
  EventEnvelope garbled = script.events()[0];
  garbled.mutable_payload()->set_value("\xff\xff not an order");
  EXPECT_EQ(projection.DecodePayload(garbled, arena), nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(projection.Apply(garbled, batch.txn())));
  EventEnvelope unknown = script.events()[0];
  unknown.mutable_payload()->set_type_url("type.googleapis.com/sales.orders.v1.NoSuchEvent");
  EXPECT_EQ(projection.DecodePayload(unknown, arena), nullptr);
  EXPECT_TRUE(absl::IsUnimplemented(projection.Apply(unknown, batch.txn())));
  EventEnvelope settings = script.events()[0];
  settings.set_stream_id("settings");  // not an order stream: nothing to decode
  EXPECT_EQ(projection.DecodePayload(settings, arena), nullptr);
  EXPECT_TRUE(projection.Apply(settings, batch.txn()).ok());
}

// Alerts. R-01's revenue target is 100000 a month from July; it is credited 50000, 60000, 70000
// (missed three months), 120000 in October (met), 90000 in November. R-02 has targets for August
// and September and no credit at all. The organisation books 100000 in August, 80000 in
// September (−20 %), 78000 in October (−2.5 %).
class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PerformanceScript script;
    for (int month = 7; month <= 11; ++month) {
      script.Target("rep:R-01", absl::StrFormat("2026-%02d", month), incentives_v1::METRIC_REVENUE,
                    100000, 0, At(6, 1));
    }
    script.Target("rep:R-02", "2026-08", incentives_v1::METRIC_REVENUE, 100000, 0, At(6, 1));
    script.Target("rep:R-02", "2026-09", incentives_v1::METRIC_REVENUE, 100000, 0, At(6, 1));
    const int64_t credits[] = {50000, 60000, 70000, 120000, 90000};
    for (int month = 7; month <= 11; ++month) {
      script.Credit("R-01", "T-1", "north", credits[month - 7], 0, At(month, 10));
    }
    const int64_t booked[] = {100000, 80000, 78000};
    for (int month = 8; month <= 10; ++month) {
      const std::string id = absl::StrCat("O-", month);
      script.Order(id, {.customer = "C1", .rep = "R-09", .lines = {{"P1", booked[month - 8]}}},
                   At(month, 3, 9));
      script.Confirm(id, At(month, 3), month == 8);
    }
    auto store = ProjectionStore::Open(dir_.path() + "/performance");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ApplyAll(testing::Interleaved(script.events(), true), 5, *store_);
  }

  v1::AlertList Alerts(absl::Time as_of, v1::PerformanceDimension dimension, int missed_periods = 0,
                       int decline_percent = 0) {
    v1::ListAlertsRequest request;
    request.set_dimension(dimension);
    request.mutable_as_of()->set_seconds(absl::ToUnixSeconds(as_of));
    request.set_missed_periods(missed_periods);
    request.set_decline_percent(decline_percent);
    absl::StatusOr<v1::AlertList> alerts = ListAlerts(*store_, request, absl::InfinitePast());
    EXPECT_TRUE(alerts.ok()) << alerts.status();
    return alerts.value_or(v1::AlertList());
  }

  // Pointers into `list`, which must outlive them.
  static std::vector<const v1::Alert*> OfKind(const v1::AlertList& list, v1::AlertKind kind) {
    std::vector<const v1::Alert*> out;
    for (const v1::Alert& alert : list.alerts()) {
      if (alert.kind() == kind) out.push_back(&alert);
    }
    return out;
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<ProjectionStore> store_;
};

TEST_F(AlertsTest, AttainmentMissedIsRaisedOnceAndClearedWhenATargetIsMet) {
  // Mid-October: July, August, September missed → raised at the end of August (the second
  // month), still the same alert; R-02 missed August and September with no credit at all.
  const v1::AlertList october = Alerts(At(10, 15), v1::PERFORMANCE_DIMENSION_REP);
  const auto missed = OfKind(october, v1::ALERT_KIND_ATTAINMENT_MISSED);
  ASSERT_EQ(missed.size(), 2u);
  const v1::Alert& r01 = *missed[0];
  EXPECT_EQ(r01.alert_id(), "attainment-missed/rep/R-01/2026-08");
  EXPECT_EQ(r01.state(), v1::ALERT_STATE_ACTIVE);
  EXPECT_EQ(r01.raised_at().seconds(), absl::ToUnixSeconds(At(9, 1, 0)));
  ASSERT_EQ(r01.figures_size(), 3);
  EXPECT_EQ(r01.figures(0).period(), "2026-07");
  EXPECT_DOUBLE_EQ(r01.figures(0).percent(), 50);
  EXPECT_DOUBLE_EQ(r01.figures(2).percent(), 70);
  EXPECT_EQ(r01.summary(),
            "rep R-01 missed its revenue target 3 months in a row (2026-07 … 2026-09)");
  EXPECT_EQ(missed[1]->alert_id(), "attainment-missed/rep/R-02/2026-09");
  EXPECT_DOUBLE_EQ(missed[1]->figures(1).percent(), 0);

  // With 3 months required, R-01's is raised at the end of September, R-02 has none.
  const v1::AlertList three_months = Alerts(At(10, 15), v1::PERFORMANCE_DIMENSION_REP, 3);
  const auto three = OfKind(three_months, v1::ALERT_KIND_ATTAINMENT_MISSED);
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0]->alert_id(), "attainment-missed/rep/R-01/2026-09");

  // Mid-November: October met its target → the same alert, cleared at the end of October.
  const v1::AlertList november_list = Alerts(At(11, 15), v1::PERFORMANCE_DIMENSION_REP);
  const auto november = OfKind(november_list, v1::ALERT_KIND_ATTAINMENT_MISSED);
  ASSERT_EQ(november.size(), 1u);
  EXPECT_EQ(november[0]->alert_id(), "attainment-missed/rep/R-01/2026-08");
  EXPECT_EQ(november[0]->state(), v1::ALERT_STATE_CLEARED);
  EXPECT_EQ(november[0]->cleared_at().seconds(), absl::ToUnixSeconds(At(11, 1, 0)));
  EXPECT_EQ(november[0]->figures_size(), 4);

  // December: November missed once only — nothing.
  EXPECT_TRUE(
      OfKind(Alerts(At(12, 5), v1::PERFORMANCE_DIMENSION_REP), v1::ALERT_KIND_ATTAINMENT_MISSED)
          .empty());
}

TEST_F(AlertsTest, ADeclineBeyondTheThresholdIsRaisedThenCleared) {
  // September against August: (80000 − 100000) ÷ 100000 = −20 % < −15 %.
  const v1::AlertList october = Alerts(At(10, 15), v1::PERFORMANCE_DIMENSION_UNSPECIFIED);
  const auto declines = OfKind(october, v1::ALERT_KIND_REVENUE_DECLINE);
  ASSERT_EQ(declines.size(), 1u);
  EXPECT_EQ(declines[0]->alert_id(), "revenue-decline/organisation//2026-09/CNY");
  EXPECT_EQ(declines[0]->state(), v1::ALERT_STATE_ACTIVE);
  ASSERT_EQ(declines[0]->figures_size(), 2);
  EXPECT_EQ(declines[0]->figures(1).actual(), 80000);
  EXPECT_DOUBLE_EQ(declines[0]->figures(1).percent(), -20);
  EXPECT_FALSE(declines[0]->figures(0).has_percent()) << "July booked nothing";
  EXPECT_EQ(declines[0]->summary(),
            "booked revenue of the organisation fell 20.0% in 2026-09 against 2026-08 (CNY)");
  // A threshold of 25 % does not see it.
  EXPECT_TRUE(OfKind(Alerts(At(10, 15), v1::PERFORMANCE_DIMENSION_UNSPECIFIED, 0, 25),
                     v1::ALERT_KIND_REVENUE_DECLINE)
                  .empty());
  // October −2.5 %: the same alert, cleared at the end of October.
  const v1::AlertList november_list = Alerts(At(11, 15), v1::PERFORMANCE_DIMENSION_UNSPECIFIED);
  const auto november = OfKind(november_list, v1::ALERT_KIND_REVENUE_DECLINE);
  ASSERT_EQ(november.size(), 1u);
  EXPECT_EQ(november[0]->alert_id(), "revenue-decline/organisation//2026-09/CNY");
  EXPECT_EQ(november[0]->state(), v1::ALERT_STATE_CLEARED);
  EXPECT_DOUBLE_EQ(november[0]->figures(2).percent(), -2.5);
}

TEST(OverdueAlertsTest, AnOverdueInvoiceIsAlertedUntilPaid) {
  // O-1 invoiced 100000, overdue owing 100000, then paid 60000 and returned 10000:
  // 30000 still owed. O-2 overdue owing 5000, then paid in full.
  PerformanceScript script;
  script.Order("O-1", {.customer = "C1", .rep = "R-01", .lines = {{"P1", 100000}}}, At(9, 1));
  script.Confirm("O-1", At(9, 1, 11), true);
  script.Invoice("O-1", 100000, At(9, 2));
  script.Overdue("O-1", 100000, At(10, 3));
  script.Pay("O-1", 60000, At(10, 10));
  script.Return("O-1", 1, 10000, At(10, 12));
  script.Order("O-2", {.customer = "C2", .rep = "R-02", .lines = {{"P1", 5000}}}, At(9, 1));
  script.Confirm("O-2", At(9, 1, 11), true);
  script.Invoice("O-2", 5000, At(9, 2));
  script.Overdue("O-2", 5000, At(10, 3));
  script.Pay("O-2", 5000, At(10, 20));
  sales::testing::TempDir dir;
  auto store = ProjectionStore::Open(dir.path() + "/performance");
  ASSERT_TRUE(store.ok());
  ApplyAll(testing::Interleaved(script.events(), false), 3, **store);
  v1::ListAlertsRequest request;
  request.set_dimension(v1::PERFORMANCE_DIMENSION_REP);
  absl::StatusOr<v1::AlertList> alerts = ListAlerts(**store, request, At(10, 25));
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  std::vector<const v1::Alert*> overdue;
  for (const v1::Alert& alert : alerts->alerts()) {
    if (alert.kind() == v1::ALERT_KIND_RECEIVABLES_OVERDUE) overdue.push_back(&alert);
  }
  ASSERT_EQ(overdue.size(), 1u) << "R-02 paid in full";
  EXPECT_EQ(overdue[0]->alert_id(), "receivables-overdue/rep/R-01/CNY");
  EXPECT_EQ(overdue[0]->figures(0).actual(), 30000);
  EXPECT_EQ(overdue[0]->figures(0).count(), 1);
  EXPECT_EQ(overdue[0]->summary(), "rep R-01: 1 overdue invoice(s) still owe 300.00 CNY");
}

TEST_F(AlertsTest, BadRequestsNameTheField) {
  v1::ListAlertsRequest request;
  request.set_missed_periods(1);
  EXPECT_EQ(ListAlerts(*store_, request, absl::Now()).status().message(),
            "field missed_periods: must be 2–12 (0: 2)");
  request.set_missed_periods(0);
  request.set_decline_percent(101);
  EXPECT_EQ(ListAlerts(*store_, request, absl::Now()).status().message(),
            "field decline_percent: must be 1–100 (0: 15)");
  request.set_decline_percent(0);
  request.set_dimension(static_cast<v1::PerformanceDimension>(9));
  EXPECT_TRUE(absl::IsInvalidArgument(ListAlerts(*store_, request, absl::Now()).status()));
}

}  // namespace
}  // namespace sales::performance
