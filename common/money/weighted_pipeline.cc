#include "common/money/weighted_pipeline.h"

namespace sales::pipeline {

int32_t DealProbability(std::optional<int32_t> override_percent, int32_t stated_step_probability) {
  return override_percent.value_or(stated_step_probability);
}

int64_t WeightedHundredths(int64_t amount_units, int32_t probability) {
  return amount_units * probability;
}

}  // namespace sales::pipeline
