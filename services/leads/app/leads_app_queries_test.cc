// LeadsApp queries from the read model: list filters and pagination, the pipeline board.
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/leads/app/app_test_fixture.h"
#include "services/leads/domain/settings.h"

namespace sales::leads::testing {
namespace {

using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

class LeadsAppQueriesTest : public LeadsAppTest {
 protected:
  std::vector<std::string> Ids(const v1::ListLeadsRequest& request) {
    auto listed = app_->ListLeads(request);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    if (!listed.ok()) return ids;
    for (const auto& row : listed->leads()) ids.push_back(row.lead().lead_id());
    return ids;
  }
  void Assign(const std::string& id, const std::string& rep) {
    v1::AssignLeadRequest r;
    *r.mutable_meta() = Meta();
    r.set_lead_id(id);
    r.set_rep_id(rep);
    auto assigned = app_->AssignLead(r, origin_);
    ASSERT_TRUE(assigned.ok()) << assigned.status();
  }
  void Convert(const std::string& id, int64_t units) {
    v1::ConvertToOpportunityRequest r;
    *r.mutable_meta() = Meta();
    r.set_lead_id(id);
    r.mutable_amount()->set_units(units);
    r.mutable_amount()->set_currency("CNY");
    auto converted = app_->ConvertToOpportunity(r, origin_);
    ASSERT_TRUE(converted.ok()) << converted.status();
  }
};

TEST_F(LeadsAppQueriesTest, ListLeadsFiltersAndPaginates) {
  SetUpOrganisation();
  for (int i = 1; i <= 5; ++i) CaptureOk(Capture("L" + std::to_string(i), i));
  CaptureOk(Capture("L6", 6, "west"));
  v1::CaptureLeadRequest ads = Capture("L7", 7, "west");
  ads.set_source(v1::LEAD_SOURCE_ADS);
  ads.mutable_details()->set_product_line_id("servers");
  CaptureOk(ads);
  Assign("L1", "r1");
  Assign("L2", "r2");
  Assign("L6", "r3");
  v1::MoveLeadStageRequest move;
  *move.mutable_meta() = Meta();
  move.set_lead_id("L3");
  move.set_to_stage(v1::LEAD_STAGE_NURTURING);
  ASSERT_TRUE(app_->MoveLeadStage(move, origin_).ok());
  v1::UpdateQualificationRequest qualify;
  *qualify.mutable_meta() = Meta();
  qualify.set_lead_id("L4");
  qualify.set_need_match(100);
  qualify.set_purchase_intent(100);
  ASSERT_TRUE(app_->UpdateQualification(qualify, origin_).ok());
  WaitForReadModel();

  v1::ListLeadsRequest r;
  r.set_stage(v1::LEAD_STAGE_NURTURING);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L3"));
  r.Clear();
  r.set_rep_id("r2");
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L2"));
  r.Clear();
  r.set_team_id("t-east");
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L1", "L2"));
  r.set_stage(v1::LEAD_STAGE_CAPTURED);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L1", "L2"));
  r.Clear();
  r.set_grade(v1::GRADE_A);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L4"));
  r.Clear();
  r.set_source(v1::LEAD_SOURCE_ADS);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L7"));
  r.Clear();
  r.mutable_territory()->set_region_id("west");
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L6", "L7"));
  r.mutable_territory()->set_product_line_id("servers");
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L7"));

  // Overdue: three days later, except the leads with a fresh activity.
  Advance(absl::Hours(73));
  v1::LogActivityRequest call;
  *call.mutable_meta() = Meta();
  call.set_lead_id("L5");
  call.set_type(v1::ACTIVITY_TYPE_CALL);
  ASSERT_TRUE(app_->LogActivity(call, origin_).ok());
  WaitForReadModel();
  r.Clear();
  r.set_overdue_only(true);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L1", "L2", "L3", "L4", "L6", "L7"));
  r.set_rep_id("r1");
  EXPECT_THAT(Ids(r), UnorderedElementsAre("L1"));

  // Pages of 3 over 7 leads: 3 + 3 + 1, each lead once, the last page without a token.
  r.Clear();
  r.set_page_size(3);
  std::set<std::string> seen;
  int pages = 0;
  do {
    auto page = app_->ListLeads(r);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    for (const auto& row : page->leads()) {
      EXPECT_TRUE(seen.insert(row.lead().lead_id()).second);
      EXPECT_GT(row.stream_version(), 0u);
    }
    r.set_page_token(page->next_page_token());
  } while (!r.page_token().empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, SizeIs(7));
}

TEST_F(LeadsAppQueriesTest, PipelineBoardTotalsAndWeightedAmounts) {
  SetUpOrganisation();
  for (int i = 1; i <= 4; ++i) {
    CaptureOk(Capture("L" + std::to_string(i), i));
    Assign("L" + std::to_string(i), "r1");
  }
  Convert("L2", 10'000'000);  // VISIT, 10%
  Convert("L3", 3'333'333);
  v1::ChangeSalesStepRequest quote;
  *quote.mutable_meta() = Meta();
  quote.set_lead_id("L3");
  quote.set_to_step(v1::SALES_STEP_QUOTE);  // 60%
  ASSERT_TRUE(app_->ChangeSalesStep(quote, origin_).ok());
  Convert("L4", 1'000'000);
  v1::WinDealRequest win;
  *win.mutable_meta() = Meta();
  win.set_lead_id("L4");
  ASSERT_TRUE(app_->WinDeal(win, origin_).ok());  // closed: not on the board
  WaitForReadModel();

  v1::GetPipelineBoardRequest request;
  request.set_team_id("t-east");
  auto board = app_->GetPipelineBoard(request);
  ASSERT_TRUE(board.ok()) << board.status();
  ASSERT_THAT(board->columns(), SizeIs(3 + 6));
  const v1::BoardColumn& captured = board->columns(0);
  EXPECT_EQ(captured.stage(), v1::LEAD_STAGE_CAPTURED);
  ASSERT_THAT(captured.cards(), SizeIs(1));
  EXPECT_EQ(captured.cards(0).lead_id(), "L1");
  EXPECT_EQ(captured.total_amount(0).units(), 5'000'000);
  EXPECT_EQ(captured.weighted_amount(0).units(), 0);

  const v1::BoardColumn& visit = board->columns(3);
  EXPECT_EQ(visit.step(), v1::SALES_STEP_VISIT);
  ASSERT_THAT(visit.cards(), SizeIs(1));
  EXPECT_EQ(visit.total_amount(0).units(), 10'000'000);
  EXPECT_EQ(visit.weighted_amount(0).units(), 1'000'000);
  EXPECT_EQ(visit.weighted_amount(0).currency(), "CNY");

  const v1::BoardColumn& quote_column = board->columns(6);
  EXPECT_EQ(quote_column.step(), v1::SALES_STEP_QUOTE);
  ASSERT_THAT(quote_column.cards(), SizeIs(1));
  EXPECT_EQ(quote_column.cards(0).probability(), 60);
  EXPECT_EQ(quote_column.weighted_amount(0).units(), 2'000'000);  // 1,999,999.8 rounded

  // A per-deal override replaces the step default in the weighted amount.
  v1::OverrideDealProbabilityRequest override_request;
  *override_request.mutable_meta() = Meta();
  override_request.set_lead_id("L2");
  override_request.set_probability(50);
  override_request.set_reason("strong sponsor");
  ASSERT_TRUE(app_->OverrideDealProbability(override_request, origin_).ok());
  WaitForReadModel();
  board = app_->GetPipelineBoard(request);
  ASSERT_TRUE(board.ok());
  EXPECT_EQ(board->columns(3).weighted_amount(0).units(), 5'000'000);

  // One weighted pipeline (common/money/weighted_pipeline.h): a settings change re-weights
  // neither the deal already in QUOTE nor the board; a deal entering a step afterwards gets the
  // new default.
  v1::SetPipelineSettingsRequest settings;
  *settings.mutable_meta() = Meta();
  *settings.mutable_settings() = DefaultPipelineSettings();
  for (v1::StepProbability& step : *settings.mutable_settings()->mutable_step_probabilities()) {
    step.set_percent(step.step() == v1::SALES_STEP_QUOTE ? 70 : step.percent());
  }
  ASSERT_TRUE(app_->SetPipelineSettings(settings, origin_).ok());
  v1::ChangeSalesStepRequest to_quote;
  *to_quote.mutable_meta() = Meta();
  to_quote.set_lead_id("L2");
  to_quote.set_to_step(v1::SALES_STEP_QUOTE);
  ASSERT_TRUE(app_->ChangeSalesStep(to_quote, origin_).ok());
  v1::OverrideDealProbabilityRequest clear;
  *clear.mutable_meta() = Meta();
  clear.set_lead_id("L2");
  clear.set_clear(true);
  clear.set_reason("back to the step's default");
  ASSERT_TRUE(app_->OverrideDealProbability(clear, origin_).ok());
  WaitForReadModel();
  board = app_->GetPipelineBoard(request);
  ASSERT_TRUE(board.ok());
  ASSERT_THAT(board->columns(6).cards(), SizeIs(2));
  for (const v1::LeadCard& card : board->columns(6).cards()) {
    EXPECT_EQ(card.probability(), card.lead_id() == "L3" ? 60 : 70) << card.lead_id();
  }
  // 3,333,333 × 60 % + 10,000,000 × 70 % = 1,999,999.8 + 7,000,000 → 8,999,999.8 → 9,000,000
  EXPECT_EQ(board->columns(6).weighted_amount(0).units(), 9'000'000);
  v1::GetLeadRequest get;
  get.set_lead_id("L3");
  auto l3 = app_->GetLead(get);
  ASSERT_TRUE(l3.ok()) << l3.status();
  EXPECT_EQ(l3->probability(), 60);

  request.set_team_id("t-nowhere");
  EXPECT_EQ(app_->GetPipelineBoard(request).status().code(), absl::StatusCode::kNotFound);
}

// One page examines at most list_scan_limit index entries: with a filter that matches few leads,
// pages come back short (even empty) but carry a token, and paging to the end finds every match.
TEST_F(LeadsAppQueriesTest, ListLeadsBoundsTheScanOfAPageAndStillFindsEveryMatch) {
  app_.reset();
  OpenApp("bounded_read_model", /*list_scan_limit=*/3);
  SetUpOrganisation();
  for (int i = 1; i <= 8; ++i) CaptureOk(Capture("L" + std::to_string(i), i));
  CaptureOk(Capture("L9", 9, "west"));  // the one match, behind 8 entries that do not match
  WaitForReadModel();

  v1::ListLeadsRequest request;
  request.mutable_territory()->set_region_id("west");  // no index: every lead row is examined
  request.set_page_size(10);
  std::vector<std::string> found;
  int pages = 0;
  int short_pages_with_token = 0;
  do {
    auto page = app_->ListLeads(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& row : page->leads()) found.push_back(row.lead().lead_id());
    if (page->leads_size() < 10 && !page->next_page_token().empty()) ++short_pages_with_token;
    request.set_page_token(page->next_page_token());
    ASSERT_LT(++pages, 10) << "paging does not end";
  } while (!request.page_token().empty());

  EXPECT_THAT(found, UnorderedElementsAre("L9"));
  EXPECT_GE(pages, 3);  // 9 lead rows, at most 3 examined per page
  EXPECT_GE(short_pages_with_token, 2);
}

}  // namespace
}  // namespace sales::leads::testing
