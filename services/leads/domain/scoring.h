// Lead scoring (质量与转化可能性评估): a score 0–100 and a grade A/B/C.
//
//   score = round_half_up((w_s·reliability(source) + w_n·need_match + w_i·purchase_intent)
//                         / (w_s + w_n + w_i))      (0 when all weights are 0)
//   grade = A if score ≥ grade_a_min_score, else B if score ≥ grade_b_min_score, else C.
// Inputs outside 0–100 are clamped (validation refuses them before; clamping keeps the function
// total for events folded from any history).
//
//   ScoreResult r = Score({v1::LEAD_SOURCE_REFERRAL, 80, 70}, settings);
//
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_SCORING_H_
#define SALES_SERVICES_LEADS_DOMAIN_SCORING_H_

#include <cstdint>

#include "sales/leads/v1/model.pb.h"

namespace sales::leads {

struct ScoreInputs {
  v1::LeadSource source = v1::LEAD_SOURCE_UNSPECIFIED;
  int32_t need_match = 0;
  int32_t purchase_intent = 0;
};

struct ScoreResult {
  int32_t score = 0;
  v1::Grade grade = v1::GRADE_UNSPECIFIED;
  int32_t source_reliability = 0;  // the reliability used for the source
};

ScoreResult Score(const ScoreInputs& inputs, const v1::PipelineSettings& settings);
v1::Grade GradeFor(int32_t score, const v1::PipelineSettings& settings);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_SCORING_H_
