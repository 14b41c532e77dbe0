// LeadsApp end to end on a real store: the journey, idempotency, version conflicts, concurrency,
// overdue detection, restart and bad inputs.
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/leads/app/app_test_fixture.h"

namespace sales::leads::testing {
namespace {

using ::testing::SizeIs;
using ::testing::StartsWith;

v1::MoveLeadStageRequest Move(const std::string& id, v1::LeadStage to,
                              const std::string& reason = "",
                              const common::v1::CommandMeta& meta = LeadsAppTest::Meta()) {
  v1::MoveLeadStageRequest r;
  *r.mutable_meta() = meta;
  r.set_lead_id(id);
  r.set_to_stage(to);
  r.set_reason(reason);
  return r;
}

v1::AssignLeadRequest Assign(const std::string& id, const std::string& rep = "",
                             const std::string& reason = "") {
  v1::AssignLeadRequest r;
  *r.mutable_meta() = LeadsAppTest::Meta();
  r.set_lead_id(id);
  r.set_rep_id(rep);
  r.set_reason(reason);
  return r;
}

v1::LogActivityRequest Activity(const std::string& id,
                                const common::v1::CommandMeta& meta = LeadsAppTest::Meta()) {
  v1::LogActivityRequest r;
  *r.mutable_meta() = meta;
  r.set_lead_id(id);
  r.set_type(v1::ACTIVITY_TYPE_CALL);
  r.set_notes("called the buyer");
  return r;
}

v1::ChangeSalesStepRequest Step(const std::string& id, v1::SalesStep to,
                                const std::string& reason = "") {
  v1::ChangeSalesStepRequest r;
  *r.mutable_meta() = LeadsAppTest::Meta();
  r.set_lead_id(id);
  r.set_to_step(to);
  r.set_reason(reason);
  return r;
}

TEST_F(LeadsAppTest, FullJourneyFromCaptureToWonDeal) {
  SetUpOrganisation();
  for (int i = 1; i <= 3; ++i) CaptureOk(Capture("L" + std::to_string(i), i));
  EXPECT_EQ(GetLead("L1").stage(), v1::LEAD_STAGE_CAPTURED);

  // Scoring: referral 90 × 30% + 90 × 40% + 90 × 30% = 90 → grade A.
  v1::UpdateQualificationRequest qualify;
  *qualify.mutable_meta() = Meta();
  qualify.set_lead_id("L1");
  qualify.set_need_match(90);
  qualify.set_purchase_intent(90);
  ASSERT_TRUE(app_->UpdateQualification(qualify, origin_).ok());
  EXPECT_EQ(GetLead("L1").score(), 90);
  EXPECT_EQ(GetLead("L1").grade(), v1::GRADE_A);

  // Assignment by territory (east → t-east) balancing r1 / r2 by open loads.
  auto first = app_->AssignLead(Assign("L1"), origin_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(GetLead("L1").rep_id(), "r1");
  ASSERT_TRUE(app_->AssignLead(Assign("L2"), origin_).ok());
  EXPECT_EQ(GetLead("L2").rep_id(), "r2");
  ASSERT_TRUE(app_->AssignLead(Assign("L3"), origin_).ok());
  EXPECT_EQ(GetLead("L3").rep_id(), "r1");  // tie 1–1 goes to the smaller id
  EXPECT_EQ(app_->AssignLead(Assign("L3", "r2"), origin_).status().code(),
            absl::StatusCode::kFailedPrecondition);  // reassignment needs a reason
  ASSERT_TRUE(app_->AssignLead(Assign("L3", "r2", "r1 on leave"), origin_).ok());
  EXPECT_THAT(GetLead("L3").assignments(), SizeIs(2));

  Advance(absl::Hours(1));
  v1::LogActivityRequest call = Activity("L1");
  call.set_competitor_info("Globex");
  call.set_customer_needs("50 laptops");
  ASSERT_TRUE(app_->LogActivity(call, origin_).ok());
  EXPECT_EQ(GetLead("L1").activity_count(), 1);
  EXPECT_THAT(GetLead("L1").competitors(), ::testing::ElementsAre("Globex"));

  // Stage moves: a forward skip, a backward move (needs a reason), forward again.
  ASSERT_TRUE(app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_QUALIFIED), origin_).ok());
  EXPECT_EQ(app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_NURTURING), origin_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(
      app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_NURTURING, "budget unclear"), origin_).ok());
  ASSERT_TRUE(app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_QUALIFIED), origin_).ok());

  v1::ConvertToOpportunityRequest convert;
  *convert.mutable_meta() = Meta();
  convert.set_lead_id("L1");
  auto converted = app_->ConvertToOpportunity(convert, origin_);
  ASSERT_TRUE(converted.ok()) << converted.status();
  const std::string deal_id = converted->deal_id();
  EXPECT_THAT(deal_id, StartsWith("D-"));
  const uint64_t converted_at_version = converted->stream_version();

  ASSERT_TRUE(app_->ChangeSalesStep(Step("L1", v1::SALES_STEP_QUOTE), origin_).ok());
  EXPECT_EQ(app_->ChangeSalesStep(Step("L1", v1::SALES_STEP_VISIT), origin_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(
      app_->ChangeSalesStep(Step("L1", v1::SALES_STEP_NEEDS_ANALYSIS, "scope changed"), origin_)
          .ok());
  ASSERT_TRUE(app_->ChangeSalesStep(Step("L1", v1::SALES_STEP_NEGOTIATION), origin_).ok());

  v1::WinDealRequest win;
  *win.mutable_meta() = Meta();
  win.set_lead_id("L1");
  auto won = app_->WinDeal(win, origin_);
  ASSERT_TRUE(won.ok()) << won.status();
  EXPECT_EQ(won->deal_id(), deal_id);
  const v1::Lead lead = GetLead("L1");
  EXPECT_EQ(lead.stage(), v1::LEAD_STAGE_WON);
  EXPECT_EQ(lead.deal_amount().units(), 5'000'000);
  EXPECT_EQ(app_->LogActivity(Activity("L1"), origin_).status().code(),
            absl::StatusCode::kFailedPrecondition);  // lead_closed

  // Envelopes: metadata on every event; the deal id on the conversion and everything after.
  auto events = store_->ReadStream("lead-L1", 1, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), won->stream_version());
  for (const eventstore::EventEnvelope& e : *events) {
    EXPECT_EQ(e.actor(), "user:test");
    EXPECT_EQ(e.correlation_id(), "corr-1");
    EXPECT_EQ(e.causation_id(), "cause-1");
    EXPECT_GE(e.occurred_at().seconds(), absl::ToUnixSeconds(kT0));
    const bool after_conversion = e.stream_version() >= converted_at_version;
    EXPECT_EQ(e.deal_id(), after_conversion ? deal_id : "") << e.event_type();
  }
  EXPECT_EQ(events->front().occurred_at().seconds(), absl::ToUnixSeconds(kT0));
}

TEST_F(LeadsAppTest, IdempotentRetryReturnsTheSameResultAndWritesNothing) {
  SetUpOrganisation();
  CaptureOk(Capture("L1"));
  const v1::MoveLeadStageRequest move = Move("L1", v1::LEAD_STAGE_NURTURING, "", Meta("move-1"));
  auto first = app_->MoveLeadStage(move, origin_);
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t head = store_->HeadPosition();
  auto retry = app_->MoveLeadStage(move, origin_);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->stream_version(), first->stream_version());
  EXPECT_EQ(store_->HeadPosition(), head);

  // The same key with another payload is refused, and writes nothing.
  auto other =
      app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_QUALIFIED, "", Meta("move-1")), origin_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(other.status().message(), "rule idempotency_key_reused"));
  EXPECT_EQ(store_->HeadPosition(), head);

  // A generated activity id is derived from the key, so the retry is the same request.
  auto logged = app_->LogActivity(Activity("L1", Meta("act-1")), origin_);
  ASSERT_TRUE(logged.ok());
  auto relogged = app_->LogActivity(Activity("L1", Meta("act-1")), origin_);
  ASSERT_TRUE(relogged.ok());
  EXPECT_EQ(relogged->stream_version(), logged->stream_version());
  EXPECT_EQ(GetLead("L1").activity_count(), 1);
}

// Regression: a WinDeal replayed with its key after another event landed on the stream answered
// the stream's current version instead of the version the first call answered.
TEST_F(LeadsAppTest, AReplayAnswersTheFirstCallsVersionAfterTheStreamMovedOn) {
  SetUpOrganisation();
  CaptureOk(Capture("L1"));
  ASSERT_TRUE(app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_QUALIFIED), origin_).ok());
  v1::ConvertToOpportunityRequest convert;
  *convert.mutable_meta() = Meta();
  convert.set_lead_id("L1");
  ASSERT_TRUE(app_->ConvertToOpportunity(convert, origin_).ok());
  v1::WinDealRequest win;
  *win.mutable_meta() = Meta("win-1");
  win.set_lead_id("L1");
  auto first = app_->WinDeal(win, origin_);
  ASSERT_TRUE(first.ok()) << first.status();
  // Another event lands on the stream: a duplicate capture merged into the (won) lead.
  v1::CaptureLeadRequest duplicate = Capture("L9");
  auto merged = app_->CaptureLead(duplicate, origin_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  ASSERT_TRUE(merged->merged_as_duplicate());
  ASSERT_GT(merged->stream_version(), first->stream_version());
  auto replay = app_->WinDeal(win, origin_);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->stream_version(), first->stream_version());
}

// Regression: ConvertToOpportunity with another lead's deal id was accepted, and the deal's audit
// history then mixed two leads.
TEST_F(LeadsAppTest, ADealIdIsTakenOnce) {
  SetUpOrganisation();
  CaptureOk(Capture("L1", 1));
  CaptureOk(Capture("L2", 2));
  for (const char* id : {"L1", "L2"}) {
    ASSERT_TRUE(app_->MoveLeadStage(Move(id, v1::LEAD_STAGE_QUALIFIED), origin_).ok());
  }
  v1::ConvertToOpportunityRequest convert;
  *convert.mutable_meta() = Meta();
  convert.set_lead_id("L1");
  convert.set_deal_id("D-2026-001");
  ASSERT_TRUE(app_->ConvertToOpportunity(convert, origin_).ok());
  const uint64_t head = store_->HeadPosition();
  convert.set_lead_id("L2");
  auto taken = app_->ConvertToOpportunity(convert, origin_);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kAlreadyExists) << taken.status();
  EXPECT_TRUE(absl::StrContains(taken.status().message(), "D-2026-001"));
  EXPECT_EQ(store_->HeadPosition(), head);  // nothing written
  EXPECT_EQ(GetLead("L2").stage(), v1::LEAD_STAGE_QUALIFIED);
  convert.set_deal_id("D-2026-002");
  EXPECT_TRUE(app_->ConvertToOpportunity(convert, origin_).ok());
}

TEST_F(LeadsAppTest, PinnedExpectedVersionConflictIsAborted) {
  SetUpOrganisation();
  CaptureOk(Capture("L1"));  // version 2
  auto stale = app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_NURTURING, "", Meta("", 1)), origin_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  auto current =
      app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_NURTURING, "", Meta("", 2)), origin_);
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(current->stream_version(), 3u);
}

TEST_F(LeadsAppTest, ConcurrentCommandsOnOneLeadAreAllAppliedOrConflictCleanly) {
  SetUpOrganisation();
  CaptureOk(Capture("L1"));
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!app_->LogActivity(Activity("L1"), origin_).ok()) ++failed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(GetLead("L1").activity_count(), kThreads * kEach);

  // Pinned to the same version: exactly one wins, the others get ABORTED.
  const uint64_t version = 2 + kThreads * kEach;
  std::atomic<int> ok{0}, aborted{0};
  threads.clear();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto moved =
          app_->MoveLeadStage(Move("L1", v1::LEAD_STAGE_NURTURING, "", Meta("", version)), origin_);
      if (moved.ok()) ++ok;
      if (moved.status().code() == absl::StatusCode::kAborted) ++aborted;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), kThreads - 1);
}

TEST_F(LeadsAppTest, OverdueIsReportedOncePerEpisodeAndAnActivityEndsIt) {
  SetUpOrganisation();
  CaptureOk(Capture("L1"));
  WaitForReadModel();
  auto scanned = app_->ScanOverdue();
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(*scanned, 0);

  Advance(absl::Hours(72));  // the default threshold: 3 days without activity
  WaitForReadModel();
  EXPECT_EQ(*app_->ScanOverdue(), 1);
  v1::GetLeadRequest get;
  get.set_lead_id("L1");
  EXPECT_TRUE(app_->GetLead(get)->overdue());
  WaitForReadModel();
  EXPECT_EQ(*app_->ScanOverdue(), 0);  // once per episode
  Advance(absl::Hours(24));
  EXPECT_EQ(*app_->ScanOverdue(), 0);

  ASSERT_TRUE(app_->LogActivity(Activity("L1"), origin_).ok());  // a new episode starts
  WaitForReadModel();
  EXPECT_FALSE(app_->GetLead(get)->overdue());
  EXPECT_EQ(*app_->ScanOverdue(), 0);
  Advance(absl::Hours(72));
  WaitForReadModel();
  EXPECT_EQ(*app_->ScanOverdue(), 1);

  auto events = store_->ReadStream("lead-L1", 1, 100);
  int overdue_events = 0;
  for (const auto& e : *events) {
    overdue_events += e.event_type() == "sales.leads.v1.FollowUpOverdue";
  }
  EXPECT_EQ(overdue_events, 2);
  EXPECT_EQ(events->back().actor(), "system:overdue-scanner");
}

TEST_F(LeadsAppTest, BackgroundScannerReportsOverdueLeads) {
  app_.reset();
  auto app = LeadsApp::Create({.store = store_.get(),
                               .org = &org_,
                               .read_model_path = dir_.path() + "/read_model",
                               .clock = [this] { return Now(); },
                               .overdue_scan_interval = absl::Milliseconds(10)});
  ASSERT_TRUE(app.ok());
  app_ = *std::move(app);
  SetUpOrganisation();
  CaptureOk(Capture("L1"));
  Advance(absl::Hours(80));
  app_->StartOverdueScanner();
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  v1::GetLeadRequest get;
  get.set_lead_id("L1");
  while (!GetLead("L1").overdue_reported() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(GetLead("L1").overdue_reported());
}

TEST_F(LeadsAppTest, RestartKeepsStateAndTheReadModelCatchesUpFromItsPosition) {
  SetUpOrganisation();
  CaptureOk(Capture("L1", 1));
  CaptureOk(Capture("L2", 2));
  ASSERT_TRUE(app_->AssignLead(Assign("L1"), origin_).ok());
  WaitForReadModel();
  Restart();
  EXPECT_EQ(GetLead("L1").rep_id(), "r1");

  // While the service's read model is closed, another app instance (with a read model of its
  // own) writes more; the reopened read model must pick it up from where it stopped.
  app_.reset();
  OpenApp("other_read_model");
  ASSERT_TRUE(app_->AssignLead(Assign("L2", "r2"), origin_).ok());
  CaptureOk(Capture("L3", 3, "west"));
  app_.reset();
  OpenApp();
  WaitForReadModel();
  v1::ListLeadsRequest by_team;
  by_team.set_team_id("t-east");
  auto east = app_->ListLeads(by_team);
  ASSERT_TRUE(east.ok()) << east.status();
  EXPECT_THAT(east->leads(), SizeIs(2));
  v1::ListLeadsRequest all;
  EXPECT_THAT(app_->ListLeads(all)->leads(), SizeIs(3));
  // Assignment by rule counts the loads of the caught-up model: r1 and r2 have one lead each.
  CaptureOk(Capture("L4", 4));
  ASSERT_TRUE(app_->AssignLead(Assign("L4"), origin_).ok());
  EXPECT_EQ(GetLead("L4").rep_id(), "r1");
}

struct BadInput {
  std::string name;
  std::function<absl::Status(LeadsApp&, const CallOrigin&)> run;
  absl::StatusCode code;
  std::string message_part;
};

TEST_F(LeadsAppTest, BadInputsAreRefusedWithTheDomainsCodesAndWriteNothing) {
  SetUpOrganisation();
  CaptureOk(Capture("L1"));
  const std::vector<BadInput> cases = {
      {"capture without lead details",
       [](LeadsApp& app, const CallOrigin& o) {
         v1::CaptureLeadRequest c = Capture("L9", 9);
         c.mutable_details()->mutable_contact()->set_email("not-an-email");
         return app.CaptureLead(c, o).status();
       },
       absl::StatusCode::kInvalidArgument, "details.contact.email"},
      {"capture with unspecified source",
       [](LeadsApp& app, const CallOrigin& o) {
         v1::CaptureLeadRequest c = Capture("L9", 9);
         c.set_source(v1::LEAD_SOURCE_UNSPECIFIED);
         return app.CaptureLead(c, o).status();
       },
       absl::StatusCode::kInvalidArgument, "source"},
      {"capture with a negative amount",
       [](LeadsApp& app, const CallOrigin& o) {
         v1::CaptureLeadRequest c = Capture("L9", 9);
         c.mutable_details()->mutable_estimated_value()->set_units(-1);
         return app.CaptureLead(c, o).status();
       },
       absl::StatusCode::kInvalidArgument, "estimated_value"},
      {"capture with an unknown region",
       [](LeadsApp& app, const CallOrigin& o) {
         return app.CaptureLead(Capture("L9", 9, "north"), o).status();
       },
       absl::StatusCode::kNotFound, "north"},
      {"capture of an existing lead id",
       [](LeadsApp& app, const CallOrigin& o) {
         return app.CaptureLead(Capture("L1", 9), o).status();
       },
       absl::StatusCode::kAlreadyExists, ""},
      {"capture with a bad lead id",
       [](LeadsApp& app, const CallOrigin& o) {
         return app.CaptureLead(Capture("bad id/with slash", 9), o).status();
       },
       absl::StatusCode::kInvalidArgument, "lead_id"},
      {"command without lead id",
       [](LeadsApp& app, const CallOrigin& o) {
         return app.MoveLeadStage(Move("", v1::LEAD_STAGE_NURTURING), o).status();
       },
       absl::StatusCode::kInvalidArgument, "lead_id"},
      {"command on a missing lead",
       [](LeadsApp& app, const CallOrigin& o) {
         return app.MoveLeadStage(Move("nope", v1::LEAD_STAGE_NURTURING), o).status();
       },
       absl::StatusCode::kNotFound, "nope"},
      {"illegal stage move",
       [](LeadsApp& app, const CallOrigin& o) {
         return app.MoveLeadStage(Move("L1", v1::LEAD_STAGE_WON), o).status();
       },
       absl::StatusCode::kFailedPrecondition, "illegal_stage_move"},
      {"sales step before conversion",
       [](LeadsApp& app, const CallOrigin& o) {
         return app.ChangeSalesStep(Step("L1", v1::SALES_STEP_QUOTE), o).status();
       },
       absl::StatusCode::kFailedPrecondition, "not_an_opportunity"},
      {"over-long notes",
       [](LeadsApp& app, const CallOrigin& o) {
         v1::LogActivityRequest a = Activity("L1");
         a.set_notes(std::string(5000, 'x'));
         return app.LogActivity(a, o).status();
       },
       absl::StatusCode::kInvalidArgument, "notes"},
      {"list with a huge page",
       [](LeadsApp& app, const CallOrigin&) {
         v1::ListLeadsRequest r;
         r.set_page_size(501);
         return app.ListLeads(r).status();
       },
       absl::StatusCode::kInvalidArgument, "page_size"},
      {"list with a foreign page token",
       [](LeadsApp& app, const CallOrigin&) {
         v1::ListLeadsRequest r;
         r.set_page_token("garbage!");
         return app.ListLeads(r).status();
       },
       absl::StatusCode::kInvalidArgument, "page_token"},
  };
  const uint64_t head = store_->HeadPosition();
  for (const BadInput& bad : cases) {
    const absl::Status status = bad.run(*app_, origin_);
    EXPECT_EQ(status.code(), bad.code) << bad.name << ": " << status;
    EXPECT_TRUE(absl::StrContains(status.message(), bad.message_part))
        << bad.name << ": " << status;
    EXPECT_EQ(store_->HeadPosition(), head) << bad.name;
  }
}

}  // namespace
}  // namespace sales::leads::testing
