#include "services/projections/funnel/model/keys.h"

#include <cmath>

#include "absl/numeric/bits.h"

namespace sales::funnel {

bool IsConversionPair(int from_node, int to_node) {
  const bool from_stage = from_node < kWonNode;  // captured … opportunity
  const bool to_stage = to_node <= kWonNode;     // nurturing … won
  if (from_stage) return to_stage && to_node > from_node;
  if (from_node < kFirstStepNode || from_node >= kNodeCount) return false;
  return to_node == kWonNode || (to_node > from_node && to_node < kNodeCount);
}

int HistogramBin(int64_t seconds) {
  if (seconds < 8) return seconds < 0 ? 0 : static_cast<int>(seconds);
  const int exponent = 63 - absl::countl_zero(static_cast<uint64_t>(seconds));  // ≥ 3
  const int sub = static_cast<int>((seconds >> (exponent - 3)) & 7);
  return 8 + (exponent - 3) * 8 + sub;
}

double HistogramBinMiddle(int bin) {
  if (bin < 8) return bin;
  const int exponent = (bin - 8) / 8 + 3;
  // In double: the top bins' bounds (up to 15 × 2^59 s) do not fit an int64 (UBSan found it).
  const double width = std::ldexp(1.0, exponent - 3);
  const double lower = (8 + (bin - 8) % 8) * width;
  return lower + (width - 1) / 2;  // integer seconds
}

std::string LeadKey(absl::string_view stream_id) {
  std::string key = "L";
  key.append(stream_id.data(), stream_id.size());
  return key;
}

void BuildCellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                  absl::string_view value, std::string& out) {
  out.clear();
  out.push_back('C');
  periods::AppendPeriodKey(out, granularity, period);
  out.push_back(static_cast<char>(dimension));
  out.append(value.data(), value.size());
}

std::string CellPrefix(v1::PeriodGranularity granularity, int64_t period, int dimension) {
  std::string key;
  BuildCellKey(granularity, period, dimension, "", key);
  return key;
}

std::string CellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                    absl::string_view value) {
  std::string key;
  BuildCellKey(granularity, period, dimension, value, key);
  return key;
}

std::string StockPrefix(int dimension) {
  std::string key = "O";
  key.push_back(static_cast<char>(dimension));
  return key;
}

std::string StockKey(int dimension, absl::string_view value) {
  std::string key = StockPrefix(dimension);
  key.append(value.data(), value.size());
  return key;
}

}  // namespace sales::funnel
