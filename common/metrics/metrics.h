// The three metric kinds of the Prometheus data model that the platform uses: Counter, Gauge and
// Histogram. Instances are created and owned by a MetricsRegistry (metrics_registry.h), which
// hands out stable pointers; callers keep the pointer and update it on the hot path.
//
//   Counter* published = registry.GetCounter("sales_relay_published_total",
//                                            "Events published to Kafka.", {{"topic", topic}});
//   published->Increment();
//   Histogram* latency = registry.GetHistogram("sales_append_seconds", "Append latency.",
//                                              ExponentialBuckets(0.0005, 2, 12));
//   latency->Observe(absl::ToDoubleSeconds(elapsed));
//
// Thread-safety: every method may be called concurrently. Updates are relaxed atomic operations
// (no locks); a reader sees each value whole but not necessarily a consistent cut across values.
#ifndef SALES_COMMON_METRICS_METRICS_H_
#define SALES_COMMON_METRICS_METRICS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace sales::metrics {

class MetricsRegistry;

// A monotonically increasing value, e.g. events published.
class Counter {
 public:
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // `amount` must be >= 0; a negative or NaN amount is ignored (a counter never goes down).
  void Increment(double amount = 1) {
    if (!(amount >= 0)) return;
    value_.fetch_add(amount, std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  friend class MetricsRegistry;
  Counter() = default;

  std::atomic<double> value_{0};
};

// A value that goes up and down, e.g. connections open.
class Gauge {
 public:
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  friend class MetricsRegistry;
  Gauge() = default;

  std::atomic<double> value_{0};
};

// Counts observations into buckets fixed at creation: bucket i counts values <= upper_bounds[i],
// and an implicit last bucket (+Inf) counts everything, NaN included.
class Histogram {
 public:
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);

  struct Snapshot {
    // cumulative_counts[i] = observations <= upper_bounds()[i]; the last entry is the +Inf
    // bucket, i.e. the total count, so the two always agree.
    std::vector<uint64_t> cumulative_counts;
    double sum = 0;
  };
  Snapshot Collect() const;

  // Finite and strictly increasing; +Inf is implicit.
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  friend class MetricsRegistry;
  explicit Histogram(std::vector<double> upper_bounds);

  const std::vector<double> upper_bounds_;
  // One per upper bound plus +Inf; not cumulative (Observe touches one bucket).
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// `count` bounds start, start*factor, start*factor², … (start > 0, factor > 1, count >= 1).
std::vector<double> ExponentialBuckets(double start, double factor, int count);

}  // namespace sales::metrics

#endif  // SALES_COMMON_METRICS_METRICS_H_
