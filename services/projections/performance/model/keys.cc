#include "services/projections/performance/model/keys.h"

namespace sales::performance {

std::string OrderKey(absl::string_view stream_id) {
  std::string key = "O";
  key.append(stream_id.data(), stream_id.size());
  return key;
}

std::string LeadKey(absl::string_view stream_id) {
  std::string key = "L";
  key.append(stream_id.data(), stream_id.size());
  return key;
}

std::string CellPrefix(v1::PeriodGranularity granularity, int64_t period, int dimension) {
  std::string key = "C";
  periods::AppendPeriodKey(key, granularity, period);
  key.push_back(static_cast<char>(dimension));
  return key;
}

std::string GranularityPrefix(v1::PeriodGranularity granularity) {
  std::string key = "C";
  key.push_back(static_cast<char>(granularity));
  return key;
}

std::string CellKey(v1::PeriodGranularity granularity, int64_t period, int dimension,
                    absl::string_view value) {
  std::string key = CellPrefix(granularity, period, dimension);
  key.append(value.data(), value.size());
  return key;
}

std::string DatedFlowPrefix(v1::PeriodGranularity close_granularity, int64_t close_period) {
  std::string key = "F";
  periods::AppendPeriodKey(key, close_granularity, close_period);
  return key;
}

std::string CustomerKey(absl::string_view customer_id) {
  std::string key = "U";
  key.append(customer_id.data(), customer_id.size());
  return key;
}

std::string StockPrefix(int dimension) {
  std::string key = "S";
  key.push_back(static_cast<char>(dimension));
  return key;
}

std::string StockKey(int dimension, absl::string_view value) {
  std::string key = StockPrefix(dimension);
  key.append(value.data(), value.size());
  return key;
}

}  // namespace sales::performance
