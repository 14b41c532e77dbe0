// Hot-path cost of metric updates, uncontended (1 thread) and contended (2 threads on the same
// series, the worst case: every update bounces one cache line between cores).
//
//   ninja -C build metrics_benchmark && build/common/metrics/metrics_benchmark
#include "benchmark/benchmark.h"
#include "common/metrics/metrics.h"
#include "common/metrics/metrics_registry.h"

namespace sales::metrics {
namespace {

MetricsRegistry& BenchmarkRegistry() {
  static MetricsRegistry* registry = new MetricsRegistry;
  return *registry;
}

void BM_CounterIncrement(benchmark::State& state) {
  Counter* counter =
      BenchmarkRegistry().GetCounter("bench_total", "Benchmark counter.", {{"topic", "t"}});
  for (auto _ : state) counter->Increment();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CounterIncrement)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
  Histogram* histogram = BenchmarkRegistry().GetHistogram("bench_seconds", "Benchmark histogram.",
                                                          ExponentialBuckets(0.0005, 2, 12));
  double value = 0;
  for (auto _ : state) {
    histogram->Observe(value);
    value = value < 2 ? value + 0.001 : 0;  // sweep the buckets
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

void BM_RenderPrometheus(benchmark::State& state) {
  MetricsRegistry registry;
  for (int i = 0; i < 100; ++i) {
    registry.GetCounter("render_total", "h", {{"series", std::to_string(i)}})->Increment(i);
    registry
        .GetHistogram("render_seconds", "h", ExponentialBuckets(0.0005, 2, 12),
                      {{"series", std::to_string(i)}})
        ->Observe(i);
  }
  for (auto _ : state) benchmark::DoNotOptimize(registry.RenderPrometheus());
}
BENCHMARK(BM_RenderPrometheus);

}  // namespace
}  // namespace sales::metrics

BENCHMARK_MAIN();
