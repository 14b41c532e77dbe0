#include "services/projections/performance/model/keys.h"

#include <algorithm>

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

std::string DatedFlowKey(v1::PeriodGranularity close_granularity, int64_t close_period,
                         int dimension, absl::string_view value) {
  std::string key = "F";
  periods::AppendPeriodKey(key, close_granularity, close_period);
  key.push_back(static_cast<char>(dimension));
  key.append(value.data(), value.size());
  return key;
}

namespace {
constexpr uint32_t kFirstPipelineKind = static_cast<uint32_t>(SlotKind::kPipelineConservative);
constexpr int kCurrencyBits = 15;
constexpr int kFigureBits = 2;
}  // namespace

uint32_t DatedFlowSlot(int64_t days_after_first, uint32_t pipeline_slot) {
  // Clamped both ways: a day beyond the 15 bits would wrap into another day.
  constexpr int64_t kLastOffset = (int64_t{1} << (32 - kFigureBits - kCurrencyBits)) - 1;
  const auto offset = static_cast<uint32_t>(
      std::clamp<int64_t>(days_after_first + kDatedFlowHorizonDays, 0, kLastOffset));
  const uint32_t figure = static_cast<uint32_t>(KindOf(pipeline_slot)) - kFirstPipelineKind;
  return (offset << (kFigureBits + kCurrencyBits)) | (figure << kCurrencyBits) |
         SubOf(pipeline_slot);
}

DatedFlow DatedFlowOf(uint32_t dated_flow_slot) {
  const uint32_t offset = dated_flow_slot >> (kFigureBits + kCurrencyBits);
  const uint32_t figure = (dated_flow_slot >> kCurrencyBits) & ((1u << kFigureBits) - 1);
  const uint32_t currency = dated_flow_slot & ((1u << kCurrencyBits) - 1);
  return {.days_after_first = static_cast<int64_t>(offset) - kDatedFlowHorizonDays,
          .pipeline_slot = Slot(static_cast<SlotKind>(kFirstPipelineKind + figure), currency)};
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
