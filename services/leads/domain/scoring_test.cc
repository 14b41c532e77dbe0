#include "services/leads/domain/scoring.h"

#include "gtest/gtest.h"
#include "services/leads/domain/settings.h"

namespace sales::leads {
namespace {

TEST(ScoreTest, DefaultWeightsTable) {
  // Defaults: weights 30/40/30, A >= 80, B >= 50; referral 90, cold outreach 30, web 50.
  struct Case {
    v1::LeadSource source;
    int need, intent;
    int score;
    v1::Grade grade;
  } cases[] = {
      {v1::LEAD_SOURCE_REFERRAL, 100, 100, 97, v1::GRADE_A},  // (2700+4000+3000)/100 = 97
      {v1::LEAD_SOURCE_REFERRAL, 80, 70, 80, v1::GRADE_A},    // 27+32+21 = 80 exactly A
      {v1::LEAD_SOURCE_REFERRAL, 80, 66, 79, v1::GRADE_B},    // 78.8 -> 79
      {v1::LEAD_SOURCE_WEB, 50, 50, 50, v1::GRADE_B},         // exactly B
      {v1::LEAD_SOURCE_WEB, 50, 48, 49, v1::GRADE_C},         // 49.4 -> 49
      {v1::LEAD_SOURCE_COLD_OUTREACH, 0, 0, 9, v1::GRADE_C},  // 9
      {v1::LEAD_SOURCE_TRADE_SHOW, 45, 0, 39, v1::GRADE_C},   // 21+18 = 39
      {v1::LEAD_SOURCE_ADS, 1, 0, 12, v1::GRADE_C},           // 12.4 -> 12
      {v1::LEAD_SOURCE_CAMPAIGN, 0, 5, 20, v1::GRADE_C},      // 18+1.5 = 19.5 -> 20 (half up)
  };
  for (const auto& c : cases) {
    ScoreResult r = Score({c.source, c.need, c.intent}, DefaultPipelineSettings());
    EXPECT_EQ(r.score, c.score) << v1::LeadSource_Name(c.source) << " " << c.need << " "
                                << c.intent;
    EXPECT_EQ(r.grade, c.grade) << r.score;
  }
}

TEST(ScoreTest, ConfiguredWeightsThresholdsAndReliability) {
  v1::PipelineSettings s = DefaultPipelineSettings();
  s.mutable_weights()->set_source_reliability(0);
  s.mutable_weights()->set_need_match(0);
  s.mutable_weights()->set_purchase_intent(100);
  s.set_grade_a_min_score(90);
  s.set_grade_b_min_score(20);
  EXPECT_EQ(Score({v1::LEAD_SOURCE_ADS, 100, 85}, s).score, 85);
  EXPECT_EQ(Score({v1::LEAD_SOURCE_ADS, 100, 85}, s).grade, v1::GRADE_B);
  EXPECT_EQ(Score({v1::LEAD_SOURCE_ADS, 0, 90}, s).grade, v1::GRADE_A);
  EXPECT_EQ(Score({v1::LEAD_SOURCE_ADS, 0, 19}, s).grade, v1::GRADE_C);

  s.mutable_weights()->set_source_reliability(100);
  s.mutable_weights()->set_purchase_intent(0);
  s.clear_source_reliability();
  v1::SourceReliability* ads = s.add_source_reliability();
  ads->set_source(v1::LEAD_SOURCE_ADS);
  ads->set_score(33);
  EXPECT_EQ(Score({v1::LEAD_SOURCE_ADS, 0, 0}, s).score, 33);
  // A source missing from the list falls back to the default reliability.
  EXPECT_EQ(Score({v1::LEAD_SOURCE_REFERRAL, 0, 0}, s).score, 90);
}

TEST(ScoreTest, TotalForOutOfRangeInputsAndZeroWeights) {
  v1::PipelineSettings s = DefaultPipelineSettings();
  EXPECT_EQ(Score({v1::LEAD_SOURCE_REFERRAL, 500, -7}, s).score, 67);  // clamped to 100 and 0
  s.mutable_weights()->Clear();
  EXPECT_EQ(Score({v1::LEAD_SOURCE_REFERRAL, 100, 100}, s).score, 0);
}

TEST(SettingsTest, Defaults) {
  const v1::PipelineSettings& s = DefaultPipelineSettings();
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_VISIT), 10);
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_NEEDS_ANALYSIS), 20);
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_SOLUTION_DESIGN), 40);
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_QUOTE), 60);
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_NEGOTIATION), 80);
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_SIGNING), 90);
  for (v1::Grade g : {v1::GRADE_A, v1::GRADE_B, v1::GRADE_C, v1::GRADE_UNSPECIFIED}) {
    EXPECT_EQ(OverdueDaysFor(s, g), 3);
  }
  EXPECT_EQ(CadenceDaysFor(s, v1::GRADE_A), 7);
  EXPECT_EQ(CadenceDaysFor(s, v1::GRADE_B), 14);
  EXPECT_EQ(CadenceDaysFor(s, v1::GRADE_C), 30);
  EXPECT_TRUE(ValidatePipelineSettings(s).ok());
  EXPECT_EQ(&EffectiveSettings(v1::PipelineSettingsState()), &s);
}

TEST(SettingsTest, ConfiguredOverridesFallBackPerEntry) {
  v1::PipelineSettings s = DefaultPipelineSettings();
  s.set_overdue_after_days(5);
  v1::GradeDays* a = s.add_overdue_after_days_by_grade();
  a->set_grade(v1::GRADE_A);
  a->set_days(1);
  s.clear_step_probabilities();
  v1::StepProbability* quote = s.add_step_probabilities();
  quote->set_step(v1::SALES_STEP_QUOTE);
  quote->set_percent(55);
  EXPECT_EQ(OverdueDaysFor(s, v1::GRADE_A), 1);
  EXPECT_EQ(OverdueDaysFor(s, v1::GRADE_B), 5);
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_QUOTE), 55);
  EXPECT_EQ(StepProbabilityOf(s, v1::SALES_STEP_SIGNING), 90);
}

TEST(SettingsTest, ValidationTable) {
  struct Case {
    const char* name;
    void (*mutate)(v1::PipelineSettings&);
    const char* field;
  } cases[] = {
      {"weights sum", [](v1::PipelineSettings& s) { s.mutable_weights()->set_need_match(41); },
       "settings.weights"},
      {"negative weight", [](v1::PipelineSettings& s) { s.mutable_weights()->set_need_match(-1); },
       "settings.weights.need_match"},
      {"b >= a", [](v1::PipelineSettings& s) { s.set_grade_b_min_score(80); },
       "settings.grade_b_min_score"},
      {"a > 100", [](v1::PipelineSettings& s) { s.set_grade_a_min_score(101); },
       "settings.grade_a_min_score"},
      {"unknown source",
       [](v1::PipelineSettings& s) {
         s.mutable_source_reliability(0)->set_source(static_cast<v1::LeadSource>(99));
       },
       "settings.source_reliability[0].source"},
      {"repeated source",
       [](v1::PipelineSettings& s) { *s.add_source_reliability() = s.source_reliability(0); },
       "settings.source_reliability[7].source"},
      {"reliability 101",
       [](v1::PipelineSettings& s) { s.mutable_source_reliability(1)->set_score(101); },
       "settings.source_reliability[1].score"},
      {"unspecified step",
       [](v1::PipelineSettings& s) {
         s.mutable_step_probabilities(2)->set_step(v1::SALES_STEP_UNSPECIFIED);
       },
       "settings.step_probabilities[2].step"},
      {"percent -1",
       [](v1::PipelineSettings& s) { s.mutable_step_probabilities(0)->set_percent(-1); },
       "settings.step_probabilities[0].percent"},
      {"overdue 0", [](v1::PipelineSettings& s) { s.set_overdue_after_days(0); },
       "settings.overdue_after_days"},
      {"cadence 400",
       [](v1::PipelineSettings& s) { s.mutable_cadence_days_by_grade(0)->set_days(400); },
       "settings.cadence_days_by_grade[0].days"},
  };
  for (const auto& c : cases) {
    v1::PipelineSettings s = DefaultPipelineSettings();
    c.mutate(s);
    absl::Status status = ValidatePipelineSettings(s);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(status.message().find(std::string("field ") + c.field + ":"), absl::string_view::npos)
        << c.name << ": " << status;
  }
}

}  // namespace
}  // namespace sales::leads
