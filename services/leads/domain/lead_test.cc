#include "services/leads/domain/lead.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/leads/domain/settings.h"
#include "services/leads/domain/test_fixtures.h"

namespace sales::leads {
namespace {

using ::testing::HasSubstr;
using testing::LeadHarness;
using testing::ValidCapture;

constexpr absl::StatusCode kFailedPrecondition = absl::StatusCode::kFailedPrecondition;

v1::MoveLeadStageRequest Move(v1::LeadStage to, const std::string& reason = "") {
  v1::MoveLeadStageRequest c;
  c.set_lead_id("lead-1");
  c.set_to_stage(to);
  c.set_reason(reason);
  return c;
}

v1::ConvertToOpportunityRequest Convert(const std::string& deal_id = "deal-1") {
  v1::ConvertToOpportunityRequest c;
  c.set_lead_id("lead-1");
  c.set_deal_id(deal_id);
  return c;
}

v1::ChangeSalesStepRequest Step(v1::SalesStep to, const std::string& reason = "") {
  v1::ChangeSalesStepRequest c;
  c.set_lead_id("lead-1");
  c.set_to_step(to);
  c.set_reason(reason);
  return c;
}

v1::WinDealRequest Win() {
  v1::WinDealRequest c;
  c.set_lead_id("lead-1");
  c.set_reason("best fit");
  return c;
}

v1::LoseDealRequest Lose() {
  v1::LoseDealRequest c;
  c.set_lead_id("lead-1");
  c.set_reason("price");
  c.set_competitor("Globex");
  return c;
}

v1::DisqualifyLeadRequest Disqualify() {
  v1::DisqualifyLeadRequest c;
  c.set_lead_id("lead-1");
  c.set_reason("no budget");
  return c;
}

v1::AssignLeadRequest Assign(const std::string& rep, const std::string& reason = "") {
  v1::AssignLeadRequest c;
  c.set_lead_id("lead-1");
  c.set_rep_id(rep);
  c.set_reason(reason);
  return c;
}

v1::UpdateQualificationRequest Qualify(int need, int intent) {
  v1::UpdateQualificationRequest c;
  c.set_lead_id("lead-1");
  c.set_need_match(need);
  c.set_purchase_intent(intent);
  return c;
}

std::string RuleOf(const absl::Status& status) {
  std::string message(status.message());
  if (!absl::StartsWith(message, "rule ")) return "";
  return message.substr(5, message.find(':') - 5);
}

class LeadTest : public ::testing::Test {
 protected:
  void SetUp() override { h_.Apply(ValidCapture()); }
  LeadHarness h_;
};

TEST(LeadCaptureTest, CapturedThenScored) {
  LeadHarness h;
  LeadEvents events = h.Apply(ValidCapture());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].has_lead_captured());
  ASSERT_TRUE(events[1].has_lead_scored());
  // referral 90·30 + 70·40 + 60·30 = 7300 -> 73, grade B
  EXPECT_EQ(events[1].lead_scored().score(), 73);
  EXPECT_EQ(events[1].lead_scored().grade(), v1::GRADE_B);
  const v1::Lead& lead = h.lead();
  EXPECT_EQ(lead.lead_id(), "lead-1");
  EXPECT_EQ(lead.stage(), v1::LEAD_STAGE_CAPTURED);
  EXPECT_EQ(lead.source(), v1::LEAD_SOURCE_REFERRAL);
  EXPECT_EQ(lead.channel_id(), "cust-42");
  EXPECT_EQ(lead.score(), 73);
  EXPECT_EQ(lead.grade(), v1::GRADE_B);
  EXPECT_EQ(FromTimestamp(lead.captured_at()), testing::kT0);
  ASSERT_EQ(lead.stage_history_size(), 1);
  EXPECT_FALSE(lead.stage_history(0).has_exited_at());
  EXPECT_EQ(LeadStreamId("lead-1"), "lead-lead-1");
}

TEST_F(LeadTest, CaptureTwiceIsAlreadyExists) {
  EXPECT_EQ(h_.Decide(ValidCapture()).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(LeadCaptureTest, UnknownOrgReferencesAreNotFound) {
  LeadHarness h;
  v1::CaptureLeadRequest c = ValidCapture();
  c.mutable_details()->mutable_company()->set_region_id("mars");
  EXPECT_EQ(h.Decide(c).status().code(), absl::StatusCode::kNotFound);
  c = ValidCapture();
  c.mutable_details()->set_segment_id("gov");
  EXPECT_EQ(h.Decide(c).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LeadTest, CommandsOnMissingLeadAreNotFound) {
  LeadHarness empty;
  EXPECT_EQ(empty.Decide(Move(v1::LEAD_STAGE_NURTURING)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(empty.Decide(Win()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LeadTest, ScoreRecomputedOnlyWhenScoreOrGradeChanges) {
  LeadEvents events = h_.Apply(Qualify(100, 100));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].lead_scored().score(), 97);
  EXPECT_EQ(events[1].lead_scored().grade(), v1::GRADE_A);
  EXPECT_EQ(events[1].lead_scored().previous_score(), 73);
  EXPECT_EQ(events[1].lead_scored().previous_grade(), v1::GRADE_B);
  EXPECT_EQ(h_.lead().grade(), v1::GRADE_A);

  // Same inputs: nothing to record.
  EXPECT_TRUE(h_.Apply(Qualify(100, 100)).empty());
  // An input changes but the rounded score does not: no LeadScored.
  events = h_.Apply(Qualify(100, 99));  // 96.7 -> 97
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].has_lead_qualification_updated());

  v1::ChangeLeadSourceRequest source;
  source.set_lead_id("lead-1");
  source.set_source(v1::LEAD_SOURCE_COLD_OUTREACH);
  source.set_channel_id("list-7");
  events = h_.Apply(source);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].lead_source_changed().previous_source(), v1::LEAD_SOURCE_REFERRAL);
  EXPECT_EQ(events[1].lead_scored().score(), 79);  // 900+4000+2970 = 7870 -> 79
  EXPECT_EQ(h_.lead().source(), v1::LEAD_SOURCE_COLD_OUTREACH);
  EXPECT_EQ(h_.lead().channel_id(), "list-7");
  EXPECT_EQ(h_.lead().grade(), v1::GRADE_B);
}

TEST_F(LeadTest, UpdateDetails) {
  v1::UpdateLeadDetailsRequest c;
  c.set_lead_id("lead-1");
  *c.mutable_details() = ValidCapture().details();
  EXPECT_TRUE(h_.Apply(c).empty());  // unchanged
  c.mutable_details()->mutable_company()->set_region_id("west");
  ASSERT_EQ(h_.Apply(c).size(), 1u);
  EXPECT_EQ(h_.lead().details().company().region_id(), "west");
}

TEST_F(LeadTest, FunnelMovesTable) {
  struct Case {
    v1::LeadStage from;
    v1::LeadStage to;
    std::string reason;
    std::string rule;  // empty = allowed
    bool backward;
  } cases[] = {
      {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_NURTURING, "", "", false},
      {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_QUALIFIED, "", "", false},  // skip forward
      {v1::LEAD_STAGE_NURTURING, v1::LEAD_STAGE_QUALIFIED, "", "", false},
      {v1::LEAD_STAGE_QUALIFIED, v1::LEAD_STAGE_NURTURING, "needs more time", "", true},
      {v1::LEAD_STAGE_QUALIFIED, v1::LEAD_STAGE_CAPTURED, "re-check", "", true},
      {v1::LEAD_STAGE_QUALIFIED, v1::LEAD_STAGE_NURTURING, "", "backward_move_requires_reason",
       true},
      {v1::LEAD_STAGE_NURTURING, v1::LEAD_STAGE_CAPTURED, "  ", "backward_move_requires_reason",
       true},
      {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_CAPTURED, "", "illegal_stage_move", false},
      {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_OPPORTUNITY, "", "illegal_stage_move", false},
      {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_WON, "", "illegal_stage_move", false},
      {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_LOST, "x", "illegal_stage_move", false},
      {v1::LEAD_STAGE_QUALIFIED, v1::LEAD_STAGE_DISQUALIFIED, "x", "illegal_stage_move", false},
      {v1::LEAD_STAGE_OPPORTUNITY, v1::LEAD_STAGE_QUALIFIED, "x", "illegal_stage_move", true},
      {v1::LEAD_STAGE_WON, v1::LEAD_STAGE_QUALIFIED, "x", "lead_closed", true},
      {v1::LEAD_STAGE_LOST, v1::LEAD_STAGE_NURTURING, "x", "lead_closed", true},
      {v1::LEAD_STAGE_DISQUALIFIED, v1::LEAD_STAGE_CAPTURED, "x", "lead_closed", true},
  };
  for (const auto& c : cases) {
    v1::Lead lead = h_.lead();
    lead.set_stage(c.from);
    absl::StatusOr<LeadEvents> events = Decide(lead, Move(c.to, c.reason), h_.Context());
    const std::string label =
        v1::LeadStage_Name(c.from) + " -> " + v1::LeadStage_Name(c.to) + " '" + c.reason + "'";
    if (!c.rule.empty()) {
      EXPECT_EQ(events.status().code(), kFailedPrecondition) << label;
      EXPECT_EQ(RuleOf(events.status()), c.rule) << label << ": " << events.status();
      continue;
    }
    ASSERT_TRUE(events.ok()) << label << ": " << events.status();
    ASSERT_EQ(events->size(), 1u);
    const v1::LeadStageChanged& changed = (*events)[0].lead_stage_changed();
    EXPECT_EQ(changed.from(), c.from) << label;
    EXPECT_EQ(changed.to(), c.to) << label;
    EXPECT_EQ(changed.backward(), c.backward) << label;
    EXPECT_EQ(changed.reason(), c.reason) << label;
    EXPECT_EQ(Evolve(lead, (*events)[0]).stage(), c.to) << label;
  }
}

TEST_F(LeadTest, StageHistoryRecordsEveryVisit) {
  h_.Advance(absl::Hours(1));
  h_.Apply(Move(v1::LEAD_STAGE_QUALIFIED));
  h_.Advance(absl::Hours(2));
  h_.Apply(Move(v1::LEAD_STAGE_NURTURING, "budget next quarter"));
  h_.Advance(absl::Hours(3));
  h_.Apply(Move(v1::LEAD_STAGE_QUALIFIED));
  const v1::Lead& lead = h_.lead();
  ASSERT_EQ(lead.stage_history_size(), 4);
  const v1::LeadStage expected[] = {v1::LEAD_STAGE_CAPTURED, v1::LEAD_STAGE_QUALIFIED,
                                    v1::LEAD_STAGE_NURTURING, v1::LEAD_STAGE_QUALIFIED};
  const absl::Time entered[] = {testing::kT0, testing::kT0 + absl::Hours(1),
                                testing::kT0 + absl::Hours(3), testing::kT0 + absl::Hours(6)};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(lead.stage_history(i).stage(), expected[i]);
    EXPECT_EQ(FromTimestamp(lead.stage_history(i).entered_at()), entered[i]);
    if (i < 3) {
      EXPECT_EQ(FromTimestamp(lead.stage_history(i).exited_at()), entered[i + 1]);
    }
  }
  EXPECT_FALSE(lead.stage_history(3).has_exited_at());
}

TEST_F(LeadTest, ConversionAssignsDealIdAndStartsAtVisit) {
  h_.Apply(Move(v1::LEAD_STAGE_QUALIFIED));
  h_.Advance(absl::Hours(1));
  LeadEvents events = h_.Apply(Convert("deal-77"));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].lead_stage_changed().to(), v1::LEAD_STAGE_OPPORTUNITY);
  const v1::ConvertedToOpportunity& converted = events[1].converted_to_opportunity();
  EXPECT_EQ(converted.deal_id(), "deal-77");
  EXPECT_EQ(converted.amount().units(), 5'000'000);  // the estimated value
  EXPECT_EQ(converted.amount().currency(), "CNY");
  EXPECT_EQ(converted.probability(), 10);
  EXPECT_EQ(converted.step(), v1::SALES_STEP_VISIT);
  const v1::Lead& lead = h_.lead();
  EXPECT_EQ(lead.deal_id(), "deal-77");
  EXPECT_EQ(lead.stage(), v1::LEAD_STAGE_OPPORTUNITY);
  EXPECT_EQ(lead.sales_step(), v1::SALES_STEP_VISIT);
  EXPECT_EQ(EffectiveProbability(lead), 10);
  ASSERT_EQ(lead.step_history_size(), 1);

  EXPECT_EQ(RuleOf(h_.Decide(Convert("deal-78")).status()), "illegal_stage_move");
}

TEST_F(LeadTest, ConversionWithExplicitAmountFromCaptured) {
  v1::ConvertToOpportunityRequest c = Convert();
  c.mutable_amount()->set_units(42);
  c.mutable_amount()->set_currency("USD");
  h_.Apply(c);  // forward skip from CAPTURED
  EXPECT_EQ(h_.lead().deal_amount().units(), 42);
  EXPECT_EQ(h_.lead().deal_amount().currency(), "USD");
}

TEST(LeadConversionTest, AmountRequiredWithoutEstimate) {
  LeadHarness h;
  v1::CaptureLeadRequest capture = ValidCapture();
  capture.mutable_details()->clear_estimated_value();
  h.Apply(capture);
  absl::Status status = h.Decide(Convert()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("field amount"));
}

TEST_F(LeadTest, SalesStepsTable) {
  h_.Apply(Convert());
  struct Case {
    v1::SalesStep from, to;
    std::string reason;
    std::string rule;
    bool backward;
  } cases[] = {
      {v1::SALES_STEP_VISIT, v1::SALES_STEP_NEEDS_ANALYSIS, "", "", false},
      {v1::SALES_STEP_VISIT, v1::SALES_STEP_QUOTE, "", "", false},  // skip forward
      {v1::SALES_STEP_NEEDS_ANALYSIS, v1::SALES_STEP_SIGNING, "", "", false},
      {v1::SALES_STEP_QUOTE, v1::SALES_STEP_SOLUTION_DESIGN, "scope changed", "", true},
      {v1::SALES_STEP_SIGNING, v1::SALES_STEP_VISIT, "new stakeholder", "", true},
      {v1::SALES_STEP_QUOTE, v1::SALES_STEP_VISIT, "", "backward_move_requires_reason", true},
      {v1::SALES_STEP_QUOTE, v1::SALES_STEP_QUOTE, "", "illegal_stage_move", false},
  };
  for (const auto& c : cases) {
    v1::Lead lead = h_.lead();
    lead.set_sales_step(c.from);
    absl::StatusOr<LeadEvents> events = Decide(lead, Step(c.to, c.reason), h_.Context());
    const std::string label = v1::SalesStep_Name(c.from) + " -> " + v1::SalesStep_Name(c.to);
    if (!c.rule.empty()) {
      EXPECT_EQ(RuleOf(events.status()), c.rule) << label << ": " << events.status();
      continue;
    }
    ASSERT_TRUE(events.ok()) << label << ": " << events.status();
    const v1::SalesStepChanged& changed = (*events)[0].sales_step_changed();
    EXPECT_EQ(changed.backward(), c.backward) << label;
    EXPECT_EQ(changed.default_probability(), StepProbabilityOf(DefaultPipelineSettings(), c.to))
        << label;
    v1::Lead after = Evolve(lead, (*events)[0]);
    EXPECT_EQ(after.sales_step(), c.to);
    EXPECT_EQ(after.step_history(after.step_history_size() - 1).step(), c.to);
  }
}

TEST_F(LeadTest, StepCommandsNeedAnOpportunity) {
  EXPECT_EQ(RuleOf(h_.Decide(Step(v1::SALES_STEP_QUOTE)).status()), "not_an_opportunity");
  v1::OverrideDealProbabilityRequest p;
  p.set_lead_id("lead-1");
  p.set_probability(50);
  EXPECT_EQ(RuleOf(h_.Decide(p).status()), "not_an_opportunity");
  v1::ChangeDealAmountRequest a;
  a.set_lead_id("lead-1");
  a.mutable_amount()->set_units(1);
  a.mutable_amount()->set_currency("CNY");
  EXPECT_EQ(RuleOf(h_.Decide(a).status()), "not_an_opportunity");
}

TEST_F(LeadTest, ProbabilityOverrideAndClear) {
  h_.Apply(Convert());
  h_.Apply(Step(v1::SALES_STEP_QUOTE));
  EXPECT_EQ(EffectiveProbability(h_.lead()), 60);
  v1::OverrideDealProbabilityRequest p;
  p.set_lead_id("lead-1");
  p.set_probability(35);
  p.set_reason("procurement freeze");
  ASSERT_EQ(h_.Apply(p).size(), 1u);
  EXPECT_EQ(EffectiveProbability(h_.lead()), 35);
  EXPECT_TRUE(h_.Apply(p).empty());  // same override
  h_.Apply(Step(v1::SALES_STEP_NEGOTIATION));
  EXPECT_EQ(EffectiveProbability(h_.lead()), 35);  // sticks
  v1::OverrideDealProbabilityRequest clear;
  clear.set_lead_id("lead-1");
  clear.set_clear(true);
  ASSERT_EQ(h_.Apply(clear).size(), 1u);
  EXPECT_EQ(EffectiveProbability(h_.lead()), 80);
  EXPECT_TRUE(h_.Apply(clear).empty());
}

TEST_F(LeadTest, DealAmountChange) {
  h_.Apply(Convert());
  v1::ChangeDealAmountRequest a;
  a.set_lead_id("lead-1");
  a.mutable_amount()->set_units(7'500'000);
  a.mutable_amount()->set_currency("CNY");
  LeadEvents events = h_.Apply(a);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].deal_amount_changed().previous_amount().units(), 5'000'000);
  EXPECT_EQ(h_.lead().deal_amount().units(), 7'500'000);
  EXPECT_TRUE(h_.Apply(a).empty());
}

TEST_F(LeadTest, ExpectedCloseDateAtConversionMovedAndCleared) {
  v1::ConvertToOpportunityRequest convert = Convert();
  *convert.mutable_expected_close_date() = ToDate(absl::CivilDay(2026, 12, 20));
  LeadEvents converted = h_.Apply(convert);
  ASSERT_EQ(converted.size(), 2u);
  EXPECT_EQ(converted[1].converted_to_opportunity().expected_close_date().day(), 20);
  EXPECT_EQ(h_.lead().expected_close_date().month(), 12);

  v1::ChangeDealCloseDateRequest move;
  move.set_lead_id("lead-1");
  *move.mutable_expected_close_date() = ToDate(absl::CivilDay(2027, 1, 15));
  move.set_reason("board meets in January");
  LeadEvents moved = h_.Apply(move);
  ASSERT_EQ(moved.size(), 1u);
  const v1::DealCloseDateChanged& changed = moved[0].deal_close_date_changed();
  EXPECT_EQ(changed.expected_close_date().year(), 2027);
  EXPECT_EQ(changed.previous().day(), 20);
  EXPECT_EQ(changed.reason(), "board meets in January");
  EXPECT_EQ(h_.lead().expected_close_date().day(), 15);
  EXPECT_TRUE(h_.Apply(move).empty());  // already that date

  v1::ChangeDealCloseDateRequest clear;
  clear.set_lead_id("lead-1");
  LeadEvents cleared = h_.Apply(clear);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_FALSE(cleared[0].deal_close_date_changed().has_expected_close_date());
  EXPECT_EQ(cleared[0].deal_close_date_changed().previous().year(), 2027);
  EXPECT_FALSE(h_.lead().has_expected_close_date());
  EXPECT_TRUE(h_.Apply(clear).empty());  // none already
}

TEST_F(LeadTest, ExpectedCloseDateIsValidatedAndNeedsAnOpenDeal) {
  v1::ChangeDealCloseDateRequest move;
  move.set_lead_id("lead-1");
  *move.mutable_expected_close_date() = ToDate(absl::CivilDay(2026, 12, 20));
  EXPECT_EQ(RuleOf(h_.Decide(move).status()), "not_an_opportunity");
  v1::ConvertToOpportunityRequest convert = Convert();
  *convert.mutable_expected_close_date() = ToDate(absl::CivilDay(2026, 2, 28));
  convert.mutable_expected_close_date()->set_day(30);
  EXPECT_EQ(h_.Decide(convert).status().message(),
            "field expected_close_date: 2026-2-30 is not a date");
  h_.Apply(Convert());
  move.mutable_expected_close_date()->set_month(13);
  EXPECT_EQ(h_.Decide(move).status().code(), absl::StatusCode::kInvalidArgument);
  *move.mutable_expected_close_date() = ToDate(absl::CivilDay(2026, 12, 20));
  h_.Apply(Win());
  EXPECT_EQ(h_.Decide(move).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(LeadTest, WinClosesTheDeal) {
  h_.Apply(Convert());
  h_.Advance(absl::Hours(5));
  v1::WinDealRequest win = Win();
  win.mutable_amount()->set_units(4'800'000);
  win.mutable_amount()->set_currency("CNY");
  LeadEvents events = h_.Apply(win);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].lead_stage_changed().to(), v1::LEAD_STAGE_WON);
  EXPECT_EQ(events[1].deal_won().deal_id(), "deal-1");
  EXPECT_EQ(events[1].deal_won().amount().units(), 4'800'000);
  const v1::Lead& lead = h_.lead();
  EXPECT_EQ(lead.stage(), v1::LEAD_STAGE_WON);
  EXPECT_EQ(lead.deal_amount().units(), 4'800'000);
  EXPECT_EQ(FromTimestamp(lead.closed_at()), testing::kT0 + absl::Hours(5));
  EXPECT_EQ(lead.close_reason(), "best fit");
  EXPECT_FALSE(IsOpen(lead));
  EXPECT_EQ(EffectiveProbability(lead), 100);
  // The step visit is closed with the deal.
  EXPECT_TRUE(lead.step_history(0).has_exited_at());
}

TEST_F(LeadTest, LoseRecordsReasonAndCompetitor) {
  h_.Apply(Convert());
  LeadEvents events = h_.Apply(Lose());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].lead_stage_changed().to(), v1::LEAD_STAGE_LOST);
  EXPECT_EQ(events[1].deal_lost().competitor(), "Globex");
  EXPECT_EQ(h_.lead().stage(), v1::LEAD_STAGE_LOST);
  EXPECT_EQ(h_.lead().lost_to_competitor(), "Globex");
  EXPECT_EQ(h_.lead().close_reason(), "price");
  EXPECT_THAT(h_.lead().competitors(), ::testing::ElementsAre("Globex"));
  EXPECT_EQ(EffectiveProbability(h_.lead()), 0);
}

// Regression: WinDeal on a lead that is no opportunity named illegal_stage_move, not the rule
// the API documents.
TEST_F(LeadTest, ExitsOnlyFromTheRightStages) {
  EXPECT_EQ(RuleOf(h_.Decide(Win()).status()), "not_an_opportunity");
  EXPECT_EQ(RuleOf(h_.Decide(Lose()).status()), "not_an_opportunity");
  v1::LoseDealRequest no_reason = Lose();
  no_reason.clear_reason();
  EXPECT_EQ(h_.Decide(no_reason).status().code(), absl::StatusCode::kInvalidArgument);
  h_.Apply(Convert());
  EXPECT_EQ(RuleOf(h_.Decide(Disqualify()).status()), "illegal_stage_move");
}

TEST_F(LeadTest, Disqualify) {
  LeadEvents events = h_.Apply(Disqualify());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].lead_stage_changed().to(), v1::LEAD_STAGE_DISQUALIFIED);
  EXPECT_EQ(events[0].lead_stage_changed().reason(), "no budget");
  EXPECT_EQ(h_.lead().stage(), v1::LEAD_STAGE_DISQUALIFIED);
  EXPECT_EQ(h_.lead().close_reason(), "no budget");
}

TEST_F(LeadTest, ClosedLeadRefusesEveryCommandButMerge) {
  h_.Apply(Disqualify());
  v1::UpdateLeadDetailsRequest details;
  details.set_lead_id("lead-1");
  *details.mutable_details() = ValidCapture().details();
  v1::LogActivityRequest activity;
  activity.set_lead_id("lead-1");
  activity.set_activity_id("a1");
  activity.set_type(v1::ACTIVITY_TYPE_CALL);
  v1::ChangeLeadSourceRequest source;
  source.set_lead_id("lead-1");
  source.set_source(v1::LEAD_SOURCE_ADS);
  const absl::Status statuses[] = {
      h_.Decide(Move(v1::LEAD_STAGE_NURTURING, "x")).status(),
      h_.Decide(Convert()).status(),
      h_.Decide(Qualify(1, 1)).status(),
      h_.Decide(details).status(),
      h_.Decide(source).status(),
      h_.Decide(Assign("r1")).status(),
      h_.Decide(activity).status(),
      h_.Decide(Disqualify()).status(),
      h_.Decide(Win()).status(),
      h_.Decide(Lose()).status(),
      h_.Decide(Step(v1::SALES_STEP_QUOTE)).status(),
  };
  for (const absl::Status& status : statuses) {
    EXPECT_EQ(status.code(), kFailedPrecondition) << status;
    EXPECT_EQ(RuleOf(status), "lead_closed") << status;
  }
  MergeDuplicateCommand merge{"email:li.wei@example.com", ValidCapture("lead-2")};
  EXPECT_TRUE(h_.Decide(merge).ok());
}

TEST_F(LeadTest, AssignmentByRuleManualAndReassignment) {
  h_.loads()["r1"] = 4;
  h_.loads()["r2"] = 1;
  LeadEvents events = h_.Apply(Assign(""));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].lead_assigned().rep_id(), "r2");
  EXPECT_EQ(events[0].lead_assigned().team_id(), "t-east");
  EXPECT_EQ(events[0].lead_assigned().method(), v1::ASSIGNMENT_METHOD_RULE);
  EXPECT_EQ(events[0].lead_assigned().previous_rep_id(), "");

  EXPECT_EQ(RuleOf(h_.Decide(Assign("r2", "x")).status()), "already_assigned");
  EXPECT_EQ(RuleOf(h_.Decide(Assign("r3")).status()), "reassignment_requires_reason");
  EXPECT_EQ(h_.Decide(Assign("ghost", "x")).status().code(), absl::StatusCode::kNotFound);

  h_.Advance(absl::Hours(1));
  events = h_.Apply(Assign("r3", "customer asked for the west office"));
  ASSERT_EQ(events.size(), 1u);
  const v1::LeadAssigned& assigned = events[0].lead_assigned();
  EXPECT_EQ(assigned.previous_rep_id(), "r2");
  EXPECT_EQ(assigned.team_id(), "t-west");
  EXPECT_EQ(assigned.method(), v1::ASSIGNMENT_METHOD_MANUAL);
  EXPECT_EQ(assigned.actor(), "user:test");
  const v1::Lead& lead = h_.lead();
  EXPECT_EQ(lead.rep_id(), "r3");
  EXPECT_EQ(lead.team_id(), "t-west");
  ASSERT_EQ(lead.assignments_size(), 2);
  EXPECT_EQ(lead.assignments(1).reason(), "customer asked for the west office");
  EXPECT_EQ(lead.assignments(1).previous_rep_id(), "r2");
  EXPECT_EQ(FromTimestamp(lead.assignments(1).at()), testing::kT0 + absl::Hours(1));
}

TEST_F(LeadTest, AssignmentByRuleWithoutTerritory) {
  h_.org().clear_territory_rules();
  absl::Status status = h_.Decide(Assign("")).status();
  EXPECT_EQ(RuleOf(status), "no_territory");
  EXPECT_THAT(status.message(), HasSubstr("(east, laptops, smb)"));
}

TEST_F(LeadTest, ActivityRecordsNeedsCompetitorsAndFollowUp) {
  h_.Advance(absl::Hours(2));
  v1::LogActivityRequest a;
  a.set_lead_id("lead-1");
  a.set_activity_id("act-1");
  a.set_type(v1::ACTIVITY_TYPE_DEMO);
  a.set_notes("demo went well");
  a.set_customer_needs("needs 200 seats");
  a.set_competitor_info("Globex");
  *a.mutable_occurred_at() = ToTimestamp(testing::kT0 + absl::Hours(1));
  *a.mutable_next_follow_up_due() = ToTimestamp(testing::kT0 + absl::Hours(48));
  LeadEvents events = h_.Apply(a);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].activity_logged().actor(), "user:test");
  EXPECT_EQ(FromTimestamp(events[0].activity_logged().at()), testing::kT0 + absl::Hours(2));
  const v1::Lead& lead = h_.lead();
  EXPECT_EQ(lead.activity_count(), 1);
  EXPECT_EQ(FromTimestamp(lead.last_activity_at()), testing::kT0 + absl::Hours(1));
  EXPECT_EQ(FromTimestamp(lead.next_follow_up_due()), testing::kT0 + absl::Hours(48));
  EXPECT_EQ(lead.customer_needs(), "needs 200 seats");
  EXPECT_THAT(lead.competitors(), ::testing::ElementsAre("Globex"));

  a.set_activity_id("act-2");
  a.clear_customer_needs();
  a.clear_next_follow_up_due();
  a.clear_occurred_at();
  h_.Apply(a);
  EXPECT_EQ(h_.lead().activity_count(), 2);
  EXPECT_EQ(h_.lead().customer_needs(), "needs 200 seats");  // unchanged when not stated
  EXPECT_THAT(h_.lead().competitors(), ::testing::ElementsAre("Globex"));  // distinct
  EXPECT_FALSE(h_.lead().has_next_follow_up_due());
}

TEST_F(LeadTest, DuplicateMergeRecordsTheDuplicate) {
  h_.Advance(absl::Hours(3));
  v1::CaptureLeadRequest duplicate = ValidCapture("lead-9");
  duplicate.set_source(v1::LEAD_SOURCE_TRADE_SHOW);
  duplicate.set_channel_id("expo-2026");
  LeadEvents events = h_.Apply(MergeDuplicateCommand{"email:li.wei@example.com", duplicate});
  ASSERT_EQ(events.size(), 1u);
  const v1::Lead& lead = h_.lead();
  ASSERT_EQ(lead.merged_duplicates_size(), 1);
  EXPECT_EQ(lead.merged_duplicates(0).matched_key(), "email:li.wei@example.com");
  EXPECT_EQ(lead.merged_duplicates(0).source(), v1::LEAD_SOURCE_TRADE_SHOW);
  EXPECT_EQ(lead.merged_duplicates(0).channel_id(), "expo-2026");
  EXPECT_EQ(FromTimestamp(lead.merged_duplicates(0).captured_at()), testing::kT0 + absl::Hours(3));
  // Nothing double counted: the lead keeps its own source, stage and score.
  EXPECT_EQ(lead.source(), v1::LEAD_SOURCE_REFERRAL);
  EXPECT_EQ(lead.stage(), v1::LEAD_STAGE_CAPTURED);
  EXPECT_EQ(lead.stage_history_size(), 1);

  LeadHarness empty;
  EXPECT_EQ(empty.Decide(MergeDuplicateCommand{"email:x@y.com", duplicate}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(h_.Decide(MergeDuplicateCommand{"", duplicate}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A full journey: each command's events folded, then the whole history re-folded from scratch
// gives the same state (what rebuilds and as-of audit rely on).
TEST(LeadJourneyTest, ReplayOfAllEventsGivesTheSameState) {
  LeadHarness h;
  LeadEvents log;
  auto run = [&](const auto& command) {
    for (v1::LeadEvent& e : h.Apply(command)) log.push_back(std::move(e));
    h.Advance(absl::Hours(6));
  };
  run(ValidCapture());
  run(Assign(""));
  run(Qualify(95, 90));
  run(Move(v1::LEAD_STAGE_NURTURING));
  run(Move(v1::LEAD_STAGE_QUALIFIED));
  run(MergeDuplicateCommand{"phone:8613800138000", ValidCapture("dup")});
  run(Convert("deal-9"));
  run(Step(v1::SALES_STEP_SOLUTION_DESIGN));
  run(Step(v1::SALES_STEP_NEEDS_ANALYSIS, "requirements changed"));
  run(Step(v1::SALES_STEP_SIGNING));
  run(Win());
  EXPECT_EQ(h.lead().stage(), v1::LEAD_STAGE_WON);
  EXPECT_EQ(h.lead().grade(), v1::GRADE_A);

  v1::Lead replayed;
  for (const v1::LeadEvent& e : log) {
    // Each event survives serialization, as it does in the store.
    v1::LeadEvent decoded;
    ASSERT_TRUE(decoded.ParseFromString(e.SerializeAsString()));
    replayed = Evolve(std::move(replayed), decoded);
  }
  EXPECT_EQ(replayed.SerializeAsString(), h.lead().SerializeAsString());
  EXPECT_EQ(replayed.step_history_size(), 4);
  EXPECT_EQ(replayed.stage_history_size(), 5);  // captured, nurturing, qualified, opp, won
}

TEST(LeadEvolveTest, EmptyEventChangesNothing) {
  LeadHarness h;
  h.Apply(ValidCapture());
  v1::Lead after = Evolve(h.lead(), v1::LeadEvent());
  EXPECT_EQ(after.SerializeAsString(), h.lead().SerializeAsString());
}

}  // namespace
}  // namespace sales::leads
