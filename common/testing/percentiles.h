// Percentile: the nearest-rank quantile the benchmarks report (p50, p99, p999 of latencies).
//
//   std::vector<double> micros = …;  // one per call
//   printf("p99 %.1f µs", Percentile(micros, 0.99));
//
// Pure function; sorts its own copy.
#ifndef SALES_COMMON_TESTING_PERCENTILES_H_
#define SALES_COMMON_TESTING_PERCENTILES_H_

#include <algorithm>
#include <vector>

namespace sales::testing {

// The value at rank ⌊p·n⌋ (0 ≤ p ≤ 1) of the sorted values; 0 when there are none.
inline double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1,
                         static_cast<size_t>(p * static_cast<double>(values.size())))];
}

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_PERCENTILES_H_
