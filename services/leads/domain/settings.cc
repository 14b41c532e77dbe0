#include "services/leads/domain/settings.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "services/leads/domain/validation.h"

namespace sales::leads {
namespace {

constexpr int32_t kMaxDays = 365;

v1::PipelineSettings BuildDefaults() {
  v1::PipelineSettings s;
  s.mutable_weights()->set_source_reliability(30);
  s.mutable_weights()->set_need_match(40);
  s.mutable_weights()->set_purchase_intent(30);
  s.set_grade_a_min_score(80);
  s.set_grade_b_min_score(50);
  const std::pair<v1::LeadSource, int32_t> sources[] = {{v1::LEAD_SOURCE_CAMPAIGN, 60},
                                                        {v1::LEAD_SOURCE_REFERRAL, 90},
                                                        {v1::LEAD_SOURCE_WEB, 50},
                                                        {v1::LEAD_SOURCE_TRADE_SHOW, 70},
                                                        {v1::LEAD_SOURCE_ADS, 40},
                                                        {v1::LEAD_SOURCE_COLD_OUTREACH, 30},
                                                        {v1::LEAD_SOURCE_PARTNER_CHANNEL, 80}};
  for (const auto& [source, score] : sources) {
    v1::SourceReliability* entry = s.add_source_reliability();
    entry->set_source(source);
    entry->set_score(score);
  }
  const std::pair<v1::SalesStep, int32_t> steps[] = {
      {v1::SALES_STEP_VISIT, 10},           {v1::SALES_STEP_NEEDS_ANALYSIS, 20},
      {v1::SALES_STEP_SOLUTION_DESIGN, 40}, {v1::SALES_STEP_QUOTE, 60},
      {v1::SALES_STEP_NEGOTIATION, 80},     {v1::SALES_STEP_SIGNING, 90}};
  for (const auto& [step, percent] : steps) {
    v1::StepProbability* entry = s.add_step_probabilities();
    entry->set_step(step);
    entry->set_percent(percent);
  }
  s.set_overdue_after_days(3);
  const std::pair<v1::Grade, int32_t> cadence[] = {
      {v1::GRADE_A, 7}, {v1::GRADE_B, 14}, {v1::GRADE_C, 30}};
  for (const auto& [grade, days] : cadence) {
    v1::GradeDays* entry = s.add_cadence_days_by_grade();
    entry->set_grade(grade);
    entry->set_days(days);
  }
  return s;
}

absl::Status ValidateGradeDays(absl::string_view field,
                               const google::protobuf::RepeatedPtrField<v1::GradeDays>& list) {
  std::set<int> seen;
  for (int i = 0; i < list.size(); ++i) {
    const std::string path = absl::StrCat(field, "[", i, "]");
    RETURN_IF_ERROR(ValidateEnum(path + ".grade", list[i].grade(), v1::Grade_IsValid));
    if (!seen.insert(list[i].grade()).second) return InvalidField(path + ".grade", "repeated");
    if (list[i].days() < 1 || list[i].days() > kMaxDays) {
      return InvalidField(path + ".days", "must be between 1 and 365");
    }
  }
  return absl::OkStatus();
}

int32_t GradeDaysOr(const google::protobuf::RepeatedPtrField<v1::GradeDays>& list, v1::Grade grade,
                    int32_t fallback) {
  for (const v1::GradeDays& entry : list) {
    if (entry.grade() == grade) return entry.days();
  }
  return fallback;
}

}  // namespace

const v1::PipelineSettings& DefaultPipelineSettings() {
  static const v1::PipelineSettings* const kDefaults = new v1::PipelineSettings(BuildDefaults());
  return *kDefaults;
}

const v1::PipelineSettings& EffectiveSettings(const v1::PipelineSettingsState& state) {
  return state.has_settings() ? state.settings() : DefaultPipelineSettings();
}

absl::StatusOr<std::vector<v1::SettingsEvent>> Decide(const v1::PipelineSettingsState&,
                                                      const v1::SetPipelineSettingsRequest& c) {
  RETURN_IF_ERROR(ValidatePipelineSettings(c.settings()));
  std::vector<v1::SettingsEvent> events;
  *events.emplace_back().mutable_pipeline_settings_changed()->mutable_settings() = c.settings();
  return events;
}

v1::PipelineSettingsState Evolve(v1::PipelineSettingsState state, const v1::SettingsEvent& event) {
  if (event.has_pipeline_settings_changed()) {
    *state.mutable_settings() = event.pipeline_settings_changed().settings();
  }
  return state;
}

absl::Status ValidatePipelineSettings(const v1::PipelineSettings& s) {
  const v1::ScoringWeights& w = s.weights();
  RETURN_IF_ERROR(ValidatePercent("settings.weights.source_reliability", w.source_reliability()));
  RETURN_IF_ERROR(ValidatePercent("settings.weights.need_match", w.need_match()));
  RETURN_IF_ERROR(ValidatePercent("settings.weights.purchase_intent", w.purchase_intent()));
  if (w.source_reliability() + w.need_match() + w.purchase_intent() != 100) {
    return InvalidField("settings.weights", "must sum to 100");
  }
  RETURN_IF_ERROR(ValidatePercent("settings.grade_a_min_score", s.grade_a_min_score()));
  RETURN_IF_ERROR(ValidatePercent("settings.grade_b_min_score", s.grade_b_min_score()));
  if (s.grade_b_min_score() >= s.grade_a_min_score()) {
    return InvalidField("settings.grade_b_min_score", "must be below grade_a_min_score");
  }
  std::set<int> sources;
  for (int i = 0; i < s.source_reliability_size(); ++i) {
    const std::string path = absl::StrCat("settings.source_reliability[", i, "]");
    const v1::SourceReliability& entry = s.source_reliability(i);
    RETURN_IF_ERROR(ValidateEnum(path + ".source", entry.source(), v1::LeadSource_IsValid));
    if (!sources.insert(entry.source()).second) return InvalidField(path + ".source", "repeated");
    RETURN_IF_ERROR(ValidatePercent(path + ".score", entry.score()));
  }
  std::set<int> steps;
  for (int i = 0; i < s.step_probabilities_size(); ++i) {
    const std::string path = absl::StrCat("settings.step_probabilities[", i, "]");
    const v1::StepProbability& entry = s.step_probabilities(i);
    RETURN_IF_ERROR(ValidateEnum(path + ".step", entry.step(), v1::SalesStep_IsValid));
    if (!steps.insert(entry.step()).second) return InvalidField(path + ".step", "repeated");
    RETURN_IF_ERROR(ValidatePercent(path + ".percent", entry.percent()));
  }
  if (s.overdue_after_days() < 1 || s.overdue_after_days() > kMaxDays) {
    return InvalidField("settings.overdue_after_days", "must be between 1 and 365");
  }
  RETURN_IF_ERROR(
      ValidateGradeDays("settings.overdue_after_days_by_grade", s.overdue_after_days_by_grade()));
  return ValidateGradeDays("settings.cadence_days_by_grade", s.cadence_days_by_grade());
}

int32_t SourceReliabilityOf(const v1::PipelineSettings& settings, v1::LeadSource source) {
  for (const v1::SourceReliability& entry : settings.source_reliability()) {
    if (entry.source() == source) return entry.score();
  }
  for (const v1::SourceReliability& entry : DefaultPipelineSettings().source_reliability()) {
    if (entry.source() == source) return entry.score();
  }
  return 0;
}

int32_t StepProbabilityOf(const v1::PipelineSettings& settings, v1::SalesStep step) {
  for (const v1::StepProbability& entry : settings.step_probabilities()) {
    if (entry.step() == step) return entry.percent();
  }
  for (const v1::StepProbability& entry : DefaultPipelineSettings().step_probabilities()) {
    if (entry.step() == step) return entry.percent();
  }
  return 0;
}

int32_t OverdueDaysFor(const v1::PipelineSettings& settings, v1::Grade grade) {
  const int32_t general = settings.overdue_after_days() > 0
                              ? settings.overdue_after_days()
                              : DefaultPipelineSettings().overdue_after_days();
  return GradeDaysOr(settings.overdue_after_days_by_grade(), grade, general);
}

int32_t CadenceDaysFor(const v1::PipelineSettings& settings, v1::Grade grade) {
  return GradeDaysOr(settings.cadence_days_by_grade(), grade,
                     GradeDaysOr(DefaultPipelineSettings().cadence_days_by_grade(), grade,
                                 DefaultPipelineSettings().overdue_after_days()));
}

}  // namespace sales::leads
