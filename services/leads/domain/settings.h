// Pipeline settings of the leads context (stream "pipeline-settings"): scoring weights and grade
// thresholds, source reliability, default win probability per sales step, and follow-up
// thresholds and cadence.
//
//   const v1::PipelineSettings& settings = EffectiveSettings(state);
//   int32_t p = StepProbabilityOf(settings, v1::SALES_STEP_QUOTE);  // 60 by default
//
// Defaults (used when no settings were ever set, and for entries missing from a list):
//   weights: source reliability 30, need match 40, purchase intent 30; grade A ≥ 80, B ≥ 50.
//   source reliability: referral 90, partner channel 80, trade show 70, campaign 60, web 50,
//     ads 40, cold outreach 30.
//   step probability %: visit 10, needs analysis 20, solution design 40, quote 60,
//     negotiation 80, signing 90.
//   overdue after 3 days for every grade; cadence A 7, B 14, C 30 days.
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_LEADS_DOMAIN_SETTINGS_H_
#define SALES_SERVICES_LEADS_DOMAIN_SETTINGS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/leads/v1/leads.pb.h"
#include "sales/leads/v1/model.pb.h"

namespace sales::leads {

inline constexpr char kSettingsStreamId[] = "pipeline-settings";

const v1::PipelineSettings& DefaultPipelineSettings();

// The settings set last, or the defaults when none were ever set.
const v1::PipelineSettings& EffectiveSettings(const v1::PipelineSettingsState& state);

// SetPipelineSettings replaces the settings as a whole (ValidatePipelineSettings first).
absl::StatusOr<std::vector<v1::SettingsEvent>> Decide(const v1::PipelineSettingsState& state,
                                                      const v1::SetPipelineSettingsRequest& c);
v1::PipelineSettingsState Evolve(v1::PipelineSettingsState state, const v1::SettingsEvent& event);

// INVALID_ARGUMENT under "settings.…": weights 0–100 summing to 100; 0 ≤ B < A ≤ 100;
// list entries with known, non-repeated keys and values 0–100 (days 1–365).
absl::Status ValidatePipelineSettings(const v1::PipelineSettings& settings);

int32_t SourceReliabilityOf(const v1::PipelineSettings& settings, v1::LeadSource source);
int32_t StepProbabilityOf(const v1::PipelineSettings& settings, v1::SalesStep step);
// Days without activity after which a lead of `grade` is overdue (GRADE_UNSPECIFIED: the
// general threshold).
int32_t OverdueDaysFor(const v1::PipelineSettings& settings, v1::Grade grade);
// The planned contact rhythm for `grade` (A weekly, B bi-weekly, C monthly).
int32_t CadenceDaysFor(const v1::PipelineSettings& settings, v1::Grade grade);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_SETTINGS_H_
