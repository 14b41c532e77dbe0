#include "common/metrics/metrics_registry.h"

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::metrics {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsRegistryTest, RendersExactExpositionText) {
  MetricsRegistry registry;
  registry
      .GetCounter("sales_relay_published_total", "Events published to Kafka.",
                  {{"topic", "sales.leads.v1"}})
      ->Increment(12);
  registry
      .GetCounter("sales_relay_published_total", "ignored: first help wins",
                  {{"topic", "a\"b\\c\nd"}})
      ->Increment();
  registry.GetGauge("sales_connections", "Open \\ connections\nnow, \"roughly\".")->Set(-3);
  Histogram* latency = registry.GetHistogram("sales_append_seconds", "Append latency.", {0.1, 1},
                                             {{"service", "leads"}, {"op", "append"}});
  latency->Observe(0.0625);
  latency->Observe(0.5);
  latency->Observe(4);

  EXPECT_EQ(registry.RenderPrometheus(),
            R"(# HELP sales_append_seconds Append latency.
# TYPE sales_append_seconds histogram
sales_append_seconds_bucket{op="append",service="leads",le="0.1"} 1
sales_append_seconds_bucket{op="append",service="leads",le="1"} 2
sales_append_seconds_bucket{op="append",service="leads",le="+Inf"} 3
sales_append_seconds_sum{op="append",service="leads"} 4.5625
sales_append_seconds_count{op="append",service="leads"} 3
# HELP sales_connections Open \\ connections\nnow, "roughly".
# TYPE sales_connections gauge
sales_connections -3
# HELP sales_relay_published_total Events published to Kafka.
# TYPE sales_relay_published_total counter
sales_relay_published_total{topic="a\"b\\c\nd"} 1
sales_relay_published_total{topic="sales.leads.v1"} 12
)");
}

TEST(MetricsRegistryTest, FormatsSpecialAndLargeValues) {
  MetricsRegistry registry;
  registry.GetGauge("g", "", {{"v", "nan"}})->Set(std::numeric_limits<double>::quiet_NaN());
  registry.GetGauge("g", "", {{"v", "ninf"}})->Set(-std::numeric_limits<double>::infinity());
  registry.GetGauge("g", "", {{"v", "big"}})->Set(1e20);
  registry.GetGauge("g", "", {{"v", "small"}})->Add(0.1);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP g \n# TYPE g gauge\n"
            "g{v=\"big\"} 1e+20\ng{v=\"nan\"} NaN\ng{v=\"ninf\"} -Inf\ng{v=\"small\"} 0.1\n");
}

TEST(MetricsRegistryTest, SameNameAndLabelsGiveSamePointerInAnyLabelOrder) {
  MetricsRegistry registry;
  Counter* a = registry.GetCounter("c_total", "h", {{"x", "1"}, {"y", "2"}});
  EXPECT_EQ(registry.GetCounter("c_total", "h", {{"y", "2"}, {"x", "1"}}), a);
  EXPECT_NE(registry.GetCounter("c_total", "h", {{"x", "1"}, {"y", "3"}}), a);
  Gauge* g = registry.GetGauge("g", "h");
  EXPECT_EQ(registry.GetGauge("g", "h"), g);
  Histogram* h = registry.GetHistogram("h", "h", {1, 2, INFINITY});
  EXPECT_EQ(registry.GetHistogram("h", "h", {1, 2}), h);  // a trailing +Inf is implicit
}

TEST(MetricsRegistryTest, CounterIgnoresNegativeAndNanIncrements) {
  MetricsRegistry registry;
  Counter* counter = registry.GetCounter("c_total", "h");
  counter->Increment(2.5);
  counter->Increment(-1);
  counter->Increment(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(counter->Value(), 2.5);
}

TEST(MetricsRegistryTest, HistogramBucketsAreUpperInclusiveAndNanCountsInInf) {
  MetricsRegistry registry;
  Histogram* histogram = registry.GetHistogram("h", "h", {1, 2});
  histogram->Observe(1);  // le="1"
  histogram->Observe(1.5);
  histogram->Observe(2);
  histogram->Observe(3);
  histogram->Observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_THAT(histogram->Collect().cumulative_counts, ElementsAre(1, 3, 5));
}

TEST(MetricsRegistryTest, ExponentialBuckets) {
  EXPECT_THAT(ExponentialBuckets(0.5, 2, 4), ElementsAre(0.5, 1, 2, 4));
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreExact) {
  constexpr int kThreads = 8;
  constexpr int kIncrements = 100000;
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry] {
      // Every thread looks the metrics up itself, racing on registration too.
      Counter* counter = registry.GetCounter("c_total", "h", {{"k", "v"}});
      Gauge* gauge = registry.GetGauge("g", "h");
      Histogram* histogram = registry.GetHistogram("h", "h", {0.5});
      for (int i = 0; i < kIncrements; ++i) {
        counter->Increment();
        gauge->Add(2);
        histogram->Observe(i % 2);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(registry.GetCounter("c_total", "h", {{"k", "v"}})->Value(), kThreads * kIncrements);
  EXPECT_EQ(registry.GetGauge("g", "h")->Value(), 2.0 * kThreads * kIncrements);
  Histogram::Snapshot snapshot = registry.GetHistogram("h", "h", {0.5})->Collect();
  EXPECT_THAT(snapshot.cumulative_counts,
              ElementsAre(kThreads * kIncrements / 2, kThreads * kIncrements));
  EXPECT_EQ(snapshot.sum, kThreads * kIncrements / 2);
}

TEST(MetricsRegistryTest, CallbackGaugeIsComputedAtScrapeAndRemovedWithItsRegistration) {
  MetricsRegistry registry;
  int rows = 3;
  {
    CallbackGaugeRegistration registration = registry.AddCallbackGauge(
        "sales_outbox_rows_waiting", "Rows.", {{"service", "leads"}}, [&rows] { return rows; });
    EXPECT_THAT(registry.RenderPrometheus(),
                HasSubstr("sales_outbox_rows_waiting{service=\"leads\"} 3\n"));
    rows = 7;
    CallbackGaugeRegistration moved = std::move(registration);
    EXPECT_THAT(registry.RenderPrometheus(),
                HasSubstr("sales_outbox_rows_waiting{service=\"leads\"} 7\n"));
  }
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP sales_outbox_rows_waiting Rows.\n# TYPE sales_outbox_rows_waiting gauge\n");
}

TEST(MetricsRegistryTest, NewestCallbackRegistrationWins) {
  MetricsRegistry registry;
  std::optional<CallbackGaugeRegistration> first =
      registry.AddCallbackGauge("w", "h", {}, [] { return 1; });
  CallbackGaugeRegistration second = registry.AddCallbackGauge("w", "h", {}, [] { return 2; });
  EXPECT_THAT(registry.RenderPrometheus(), HasSubstr("\nw 2\n"));
  first.reset();  // must not remove the series the second registration owns
  EXPECT_THAT(registry.RenderPrometheus(), HasSubstr("\nw 2\n"));
}

// Misuses assert in debug builds. In release builds they are logged and answered with a working
// metric that is not exported.
class MetricsMisuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.GetCounter("ok_total", "h", {{"a", "1"}});
    registry_.GetHistogram("ok_seconds", "h", {1, 2});
    baseline_ = registry_.RenderPrometheus();
    log::SetSinkForTesting([this](absl::string_view line) { log_lines_.emplace_back(line); });
  }
  void TearDown() override { log::SetSinkForTesting(nullptr); }

  void ExpectMisuse(const std::function<void()>& misuse) {
    EXPECT_DEBUG_DEATH(misuse(), "metrics misuse");
#ifdef NDEBUG
    EXPECT_THAT(log_lines_, ElementsAre(HasSubstr("\"msg\":\"metrics.misuse\"")));
    log_lines_.clear();
#endif
    EXPECT_EQ(registry_.RenderPrometheus(), baseline_);
  }

  MetricsRegistry registry_;
  std::string baseline_;
  std::vector<std::string> log_lines_;
};

TEST_F(MetricsMisuseTest, InvalidNamesAreRefused) {
  ExpectMisuse([this] { registry_.GetCounter("1starts_with_digit", "h")->Increment(); });
  ExpectMisuse([this] { registry_.GetCounter("has-dash", "h")->Increment(); });
  ExpectMisuse([this] { registry_.GetCounter("", "h")->Increment(); });
  ExpectMisuse([this] { registry_.GetGauge("g", "h", {{"bad-label", "v"}})->Set(1); });
  ExpectMisuse([this] { registry_.GetGauge("g", "h", {{"__reserved", "v"}})->Set(1); });
  ExpectMisuse([this] { registry_.GetGauge("g", "h", {{"x", "1"}, {"x", "2"}})->Set(1); });
  ExpectMisuse([this] { registry_.GetHistogram("hh", "h", {1}, {{"le", "v"}})->Observe(1); });
}

TEST_F(MetricsMisuseTest, ConflictingRegistrationsAreRefused) {
  ExpectMisuse([this] { registry_.GetGauge("ok_total", "h", {{"a", "1"}})->Set(1); });
  ExpectMisuse([this] { registry_.GetCounter("ok_total", "h", {{"b", "1"}})->Increment(); });
  ExpectMisuse([this] { registry_.GetCounter("ok_total", "h")->Increment(); });
  ExpectMisuse([this] { registry_.GetHistogram("ok_seconds", "h", {1, 3})->Observe(1); });
  ExpectMisuse([this] { registry_.GetHistogram("unsorted", "h", {2, 1})->Observe(1); });
  ExpectMisuse([this] { registry_.GetHistogram("nan", "h", {NAN})->Observe(1); });
  ExpectMisuse(
      [this] { auto r = registry_.AddCallbackGauge("ok_total", "h", {}, [] { return 1; }); });
}

TEST_F(MetricsMisuseTest, AnyLabelValueIsAccepted) {
  registry_.GetCounter("ok_total", "h", {{"a", std::string("\0\xff\n\"\\", 5)}})->Increment();
  static constexpr char kExpected[] = "ok_total{a=\"\0\xff\\n\\\"\\\\\"} 1\n";
  EXPECT_THAT(registry_.RenderPrometheus(),
              HasSubstr(std::string(kExpected, sizeof(kExpected) - 1)));
  EXPECT_THAT(log_lines_, Not(Contains(HasSubstr("misuse"))));
}

}  // namespace
}  // namespace sales::metrics
