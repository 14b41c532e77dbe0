#include "services/leads/domain/scoring.h"

#include <algorithm>

#include "services/leads/domain/settings.h"

namespace sales::leads {
namespace {

int64_t ClampPercent(int64_t value) { return std::clamp<int64_t>(value, 0, 100); }

}  // namespace

v1::Grade GradeFor(int32_t score, const v1::PipelineSettings& settings) {
  if (score >= settings.grade_a_min_score()) return v1::GRADE_A;
  if (score >= settings.grade_b_min_score()) return v1::GRADE_B;
  return v1::GRADE_C;
}

ScoreResult Score(const ScoreInputs& inputs, const v1::PipelineSettings& settings) {
  const v1::ScoringWeights& w = settings.weights();
  const int64_t ws = ClampPercent(w.source_reliability());
  const int64_t wn = ClampPercent(w.need_match());
  const int64_t wi = ClampPercent(w.purchase_intent());
  ScoreResult result;
  result.source_reliability =
      static_cast<int32_t>(ClampPercent(SourceReliabilityOf(settings, inputs.source)));
  const int64_t total_weight = ws + wn + wi;
  if (total_weight > 0) {
    const int64_t weighted = ws * result.source_reliability + wn * ClampPercent(inputs.need_match) +
                             wi * ClampPercent(inputs.purchase_intent);
    result.score = static_cast<int32_t>((2 * weighted + total_weight) / (2 * total_weight));
  }
  result.grade = GradeFor(result.score, settings);
  return result;
}

}  // namespace sales::leads
