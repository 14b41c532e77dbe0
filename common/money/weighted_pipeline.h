// The weighted pipeline (加权管道), one definition for every context and read model: the leads
// service (GetLead, the pipeline board), the funnel and the forecast.
//
//   weighted pipeline = Σ over open deals of amount × probability / 100, summed exactly in
//                       hundredths of the minor unit and rounded half-even once at the end
//
// A deal's probability is its override when one is set (OverrideDealProbability), else the
// default win probability of its sales step *as stated by the event that moved the deal into the
// step* (ConvertedToOpportunity.probability, SalesStepChanged.default_probability). A later change
// of the pipeline settings applies to the deals that enter a step after it and does not re-weight
// the deals already there — the rule of the CRMs whose stage probability is copied onto the
// opportunity — so one deal has one probability everywhere, and a report of the past never
// changes when today's settings do.
//
//   const int32_t p = pipeline::DealProbability(override, stated_step_probability);
//   hundredths += pipeline::WeightedHundredths(amount_units, p);
//   const int64_t weighted = money::DivideHalfEven(hundredths, 100);
//
// Pure functions; thread-safe.
#ifndef SALES_COMMON_MONEY_WEIGHTED_PIPELINE_H_
#define SALES_COMMON_MONEY_WEIGHTED_PIPELINE_H_

#include <cstdint>
#include <optional>

namespace sales::pipeline {

// The probability (percent, 0–100) an open deal is weighted with.
int32_t DealProbability(std::optional<int32_t> override_percent, int32_t stated_step_probability);

// amount × probability: the deal's weighted amount in hundredths of the minor unit.
int64_t WeightedHundredths(int64_t amount_units, int32_t probability);

}  // namespace sales::pipeline

#endif  // SALES_COMMON_MONEY_WEIGHTED_PIPELINE_H_
