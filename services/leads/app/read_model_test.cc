// The leads read model as a projection: the live model (fed by the runner in feed-only mode, in
// whatever batches commands produced) and rebuilds from the feed in any page size hold the same
// bytes; the overdue listing merges the due ranges of every grade in due order across pages, and
// follows new settings without re-indexing.
#include "services/leads/app/read_model.h"

#include <memory>
#include <string>
#include <vector>

#include "common/feed/local_event_feed_reader.h"
#include "common/projection/projection_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/leads/app/app_test_fixture.h"
#include "services/leads/domain/settings.h"

namespace sales::leads::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ReadModelTest : public LeadsAppTest {
 protected:
  // Several commands on the same leads (each lead's events land close together in the log),
  // a settings change in the middle (re-indexes every lead), and leads that close.
  void WriteHistory() {
    SetUpOrganisation();
    for (int i = 1; i <= 4; ++i) {
      CaptureOk(Capture("L" + std::to_string(i), i, i % 2 ? "east" : "west"));
    }
    auto duplicate = app_->CaptureLead(Capture("L5", 1), origin_);
    ASSERT_TRUE(duplicate.ok()) << duplicate.status();
    EXPECT_TRUE(duplicate->merged_as_duplicate());  // into L1: more events on one lead
    for (const char* id : {"L1", "L2", "L3"}) {
      v1::AssignLeadRequest assign;
      *assign.mutable_meta() = Meta();
      assign.set_lead_id(id);
      ASSERT_TRUE(app_->AssignLead(assign, origin_).ok());
      LogActivity(id);
    }
    v1::SetPipelineSettingsRequest settings;
    *settings.mutable_meta() = Meta();
    *settings.mutable_settings() = DefaultPipelineSettings();
    settings.mutable_settings()->set_overdue_after_days(9);
    auto changed = app_->SetPipelineSettings(settings, origin_);
    ASSERT_TRUE(changed.ok()) << changed.status();
    Advance(absl::Hours(1));
    LogActivity("L1");
    v1::MoveLeadStageRequest move;
    *move.mutable_meta() = Meta();
    move.set_lead_id("L2");
    move.set_to_stage(v1::LEAD_STAGE_QUALIFIED);
    ASSERT_TRUE(app_->MoveLeadStage(move, origin_).ok());
    v1::DisqualifyLeadRequest disqualify;
    *disqualify.mutable_meta() = Meta();
    disqualify.set_lead_id("L3");
    disqualify.set_reason("no budget");
    ASSERT_TRUE(app_->DisqualifyLead(disqualify, origin_).ok());
    Advance(absl::Hours(24 * 12));  // past due: the scanner reports, and marks rows reported
    WaitForReadModel();             // the scanner reads the due leads from the read model
    auto scanned = app_->ScanOverdue();
    ASSERT_TRUE(scanned.ok()) << scanned.status();
    EXPECT_GT(*scanned, 0);
    LogActivity("L2");  // a new episode: due again, not reported
  }

  void LogActivity(const std::string& lead_id) {
    v1::LogActivityRequest activity;
    *activity.mutable_meta() = Meta();
    activity.set_lead_id(lead_id);
    activity.set_type(v1::ACTIVITY_TYPE_CALL);
    activity.set_notes("called");
    auto logged = app_->LogActivity(activity, origin_);
    ASSERT_TRUE(logged.ok()) << logged.status();
  }

  void SetSettings(const v1::PipelineSettings& pipeline) {
    v1::SetPipelineSettingsRequest settings;
    *settings.mutable_meta() = Meta();
    *settings.mutable_settings() = pipeline;
    auto changed = app_->SetPipelineSettings(settings, origin_);
    ASSERT_TRUE(changed.ok()) << changed.status();
  }

  // Whether the live read model holds a key starting with `prefix`.
  bool HasKeyWithPrefix(const std::string& prefix) {
    bool found = false;
    absl::Status scanned = app_->read_model().runner->store().Scan(
        prefix, [&](absl::string_view, absl::string_view) { return !(found = true); });
    EXPECT_TRUE(scanned.ok()) << scanned;
    return found;
  }

  // The overdue leads' ids, page by page (`page_size` each).
  std::vector<std::string> OverdueIds(int page_size) {
    v1::ListLeadsRequest r;
    r.set_overdue_only(true);
    r.set_page_size(page_size);
    std::vector<std::string> ids;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = app_->ListLeads(r);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& row : page->leads()) ids.push_back(row.lead().lead_id());
      if (page->next_page_token().empty()) break;
      r.set_page_token(page->next_page_token());
    }
    return ids;
  }
};

TEST_F(ReadModelTest, TheLiveModelEqualsARebuildInAnyPageSize) {
  WriteHistory();
  WaitForReadModel();
  ASSERT_TRUE(HasKeyWithPrefix("un/") || HasKeyWithPrefix("ua/"));
  ASSERT_TRUE(HasKeyWithPrefix("co/r1"));
  auto live = app_->read_model().runner->Checksum();
  ASSERT_TRUE(live.ok()) << live.status();

  feed::LocalEventFeedReader feed(store_.get());
  for (size_t page_size : {size_t{1}, size_t{3}, size_t{100'000}}) {
    LeadsReadModelProjection projection;
    auto rebuilt =
        projection::Rebuild(projection, dir_.path() + "/rebuild-" + std::to_string(page_size),
                            {{.topic = "sales.leads.v1.events", .feed = &feed}}, page_size);
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
    EXPECT_EQ(*rebuilt, *live) << "page size " << page_size;
  }
}

TEST_F(ReadModelTest, OverdueListingMergesEveryGradeInDueOrderAndFollowsNewSettings) {
  SetUpOrganisation();
  v1::PipelineSettings settings = DefaultPipelineSettings();
  settings.set_overdue_after_days(5);
  settings.clear_overdue_after_days_by_grade();
  v1::GradeDays* a_days = settings.add_overdue_after_days_by_grade();
  a_days->set_grade(v1::GRADE_A);
  a_days->set_days(1);
  SetSettings(settings);
  // Captured a day apart: H1 (grade A, due day 1), C1 (low grade, due day 5), H2 (A, due day 3),
  // C2 (low grade, due day 7).
  auto capture = [&](const std::string& id, int n, bool hot) {
    v1::CaptureLeadRequest c = Capture(id, n);
    c.set_need_match(hot ? 100 : 10);
    c.set_purchase_intent(hot ? 100 : 10);
    CaptureOk(c);
  };
  capture("H1", 1, true);
  capture("C1", 2, false);
  Advance(absl::Hours(48));
  capture("H2", 3, true);
  Advance(absl::Hours(24));
  capture("C2", 4, false);
  ASSERT_EQ(GetLead("H1").grade(), v1::GRADE_A);
  ASSERT_NE(GetLead("C1").grade(), v1::GRADE_A);
  WaitForReadModel();

  Advance(absl::Hours(24 * 7));  // day 10 since H1: all four are due
  EXPECT_THAT(OverdueIds(1), ElementsAre("H1", "H2", "C1", "C2"));
  EXPECT_THAT(OverdueIds(3), ElementsAre("H1", "H2", "C1", "C2"));
  auto unreported = app_->ScanOverdue();  // the scanner's list is in due order too
  ASSERT_TRUE(unreported.ok()) << unreported.status();
  EXPECT_EQ(*unreported, 4);

  // Grade A now waits 20 days: the A leads drop out at once, nothing was re-indexed for it.
  a_days->set_days(20);
  SetSettings(settings);
  EXPECT_THAT(OverdueIds(2), ElementsAre("C1", "C2"));
  settings.set_overdue_after_days(30);
  SetSettings(settings);
  EXPECT_THAT(OverdueIds(2), IsEmpty());
}

}  // namespace
}  // namespace sales::leads::testing
