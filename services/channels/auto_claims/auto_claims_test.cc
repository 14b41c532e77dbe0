// The auto-claim process manager between a real LeadsApp (its store and feed) and a real
// ChannelsApp: leads captured through a partner channel are claimed for it, a second partner
// bringing the same company raises a conflict, leads of other sources or unknown channels are
// left alone, and a full replay (the process manager's store lost) claims nothing twice.
#include "services/channels/auto_claims/auto_claims.h"

#include <filesystem>
#include <memory>
#include <string>

#include "common/feed/local_event_feed_reader.h"
#include "common/projection/projection_runner.h"
#include "gtest/gtest.h"
#include "services/channels/app/app_test_fixture.h"
#include "services/leads/app/app_test_fixture.h"
#include "services/leads/app/leads_app.h"

namespace sales::channels {
namespace {

namespace leads_v1 = ::sales::leads::v1;

class AutoClaimTest : public ChannelsAppTest {
 protected:
  void SetUp() override {
    ChannelsAppTest::SetUp();
    auto store = eventstore::EventStore::Open(
        {.path = dir_.path() + "/leads-events", .service = "leads", .clock = [] { return kNow; }});
    ASSERT_TRUE(store.ok()) << store.status();
    leads_store_ = *std::move(store);
    leads_org_.Set(org::testing::TestOrg(), 8);
    auto leads = leads::LeadsApp::Create({.store = leads_store_.get(),
                                          .org = &leads_org_,
                                          .read_model_path = dir_.path() + "/leads-read-model",
                                          .clock = [] { return kNow; }});
    ASSERT_TRUE(leads.ok()) << leads.status();
    leads_ = *std::move(leads);
    leads_feed_ = std::make_unique<feed::LocalEventFeedReader>(leads_store_.get());
    process_ = std::make_unique<AutoClaimProcess>(app_.get(), nullptr);
    StartProcess();
  }
  void TearDown() override { runner_.reset(); }

  void StartProcess() {
    auto runner = projection::ProjectionRunner::Create(
        process_.get(), {.path = dir_.path() + "/auto-claims",
                         .sources = {{.topic = "sales.leads.v1.events", .feed = leads_feed_.get()}},
                         .feed_poll = absl::Milliseconds(5)});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runner_ = *std::move(runner);
    runner_->Start();
  }
  void Settle() {
    absl::Status settled = runner_->AwaitFeedHeads(absl::Seconds(10));
    ASSERT_TRUE(settled.ok()) << settled;
  }

  // A capture of company `n` through `channel` (a partner channel when `partner`).
  void Capture(const std::string& lead_id, int n, const std::string& channel, bool partner = true) {
    leads_v1::CaptureLeadRequest capture = leads::testing::LeadsAppTest::Capture(lead_id, n);
    capture.set_source(partner ? leads_v1::LEAD_SOURCE_PARTNER_CHANNEL
                               : leads_v1::LEAD_SOURCE_REFERRAL);
    capture.set_channel_id(channel);
    auto captured = leads_->CaptureLead(capture, {.correlation_id = "corr-" + lead_id});
    ASSERT_TRUE(captured.ok()) << captured.status();
  }

  v1::ClaimLedger ClaimsOf(const std::string& lead_id) {
    v1::GetClaimsRequest request;
    request.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_LEAD);
    request.mutable_subject()->set_id(lead_id);
    auto ledger = app_->GetClaims(request);
    EXPECT_TRUE(ledger.ok()) << ledger.status();
    return ledger.ok() ? *ledger : v1::ClaimLedger();
  }

  std::unique_ptr<eventstore::EventStore> leads_store_;
  org::StaticOrgView leads_org_;
  std::unique_ptr<leads::LeadsApp> leads_;
  std::unique_ptr<feed::LocalEventFeedReader> leads_feed_;
  std::unique_ptr<AutoClaimProcess> process_;
  std::unique_ptr<projection::ProjectionRunner> runner_;
};

TEST_F(AutoClaimTest, PartnerLeadsAreClaimedOnceAndASecondPartnerCollides) {
  OpenDistributor("ch-a");
  OpenDistributor("ch-b");
  now_ += absl::Hours(5);  // the channels context's clock runs ahead of the leads'
  Capture("L-1", 1, "ch-a");
  Capture("L-9", 1, "ch-b");  // the same company again, through another partner: merged into L-1
  Capture("L-2", 2, "no-such-partner");
  Capture("L-3", 3, "ch-a", /*partner=*/false);
  Settle();

  const v1::ClaimLedger l1 = ClaimsOf("L-1");
  ASSERT_EQ(l1.claims_size(), 2);
  EXPECT_EQ(l1.claims(0).channel_id(), "ch-a");
  EXPECT_EQ(l1.claims(0).region_ids(0), "east");
  // Dated from the capture that caused it, not from when the process got to it.
  EXPECT_EQ(FromTimestamp(l1.claims(0).claimed_at()), kNow);
  EXPECT_EQ(l1.claims(1).channel_id(), "ch-b");
  ASSERT_EQ(l1.conflicts_size(), 1);
  EXPECT_EQ(l1.conflicts(0).status(), v1::CONFLICT_STATUS_OPEN);
  EXPECT_EQ(ClaimsOf("L-2").claims_size(), 0);  // unknown channel: skipped
  EXPECT_EQ(ClaimsOf("L-3").claims_size(), 0);  // not through a partner

  // Partner A gives the lead up; then the process manager's store is lost (or its offsets never
  // committed): a full replay of the leads log re-sends every claim with its key, and nothing is
  // written again — without the key, A's withdrawn claim would be made anew.
  v1::WithdrawClaimRequest withdraw;
  *withdraw.mutable_subject() = l1.subject();
  withdraw.set_claim_id(l1.claims(0).claim_id());
  withdraw.set_reason("customer prefers a direct contract");
  ASSERT_TRUE(app_->WithdrawClaim(WithMeta(withdraw), origin_).ok());
  const uint64_t head = store_->HeadPosition();
  runner_.reset();
  std::filesystem::remove_all(dir_.path() + "/auto-claims");
  StartProcess();
  Settle();
  EXPECT_EQ(store_->HeadPosition(), head);
  const v1::ClaimLedger replayed = ClaimsOf("L-1");
  ASSERT_EQ(replayed.claims_size(), 2);
  EXPECT_EQ(replayed.claims(0).status(), v1::CLAIM_STATUS_WITHDRAWN);
}

TEST_F(AutoClaimTest, AClaimedLeadsConversionLinksItsLedgerToTheDeal) {
  OpenDistributor("ch-a");
  OpenDistributor("ch-b");
  Capture("L-1", 1, "ch-a");
  Capture("L-9", 1, "ch-b");  // merged into L-1: a conflict before the conversion
  Capture("L-2", 2, "ch-a", /*partner=*/false);
  leads_v1::MoveLeadStageRequest qualify;
  *qualify.mutable_meta() = leads::testing::LeadsAppTest::Meta();
  qualify.set_to_stage(leads_v1::LEAD_STAGE_QUALIFIED);
  leads_v1::ConvertToOpportunityRequest convert;
  *convert.mutable_meta() = leads::testing::LeadsAppTest::Meta();
  std::string deal_id;
  for (const char* lead : {"L-1", "L-2"}) {
    qualify.set_lead_id(lead);
    ASSERT_TRUE(leads_->MoveLeadStage(qualify, {.correlation_id = "q"}).ok());
    convert.set_lead_id(lead);
    auto converted = leads_->ConvertToOpportunity(convert, {.correlation_id = "c"});
    ASSERT_TRUE(converted.ok()) << converted.status();
    if (deal_id.empty()) deal_id = converted->deal_id();
  }
  Settle();

  EXPECT_EQ(ClaimsOf("L-1").deal_id(), deal_id);
  // A conflict raised before the conversion is listed with the deal.
  ASSERT_TRUE(app_->WaitForReadModel(absl::Seconds(10)).ok());
  auto conflicts = app_->ListConflicts({});
  ASSERT_TRUE(conflicts.ok()) << conflicts.status();
  ASSERT_EQ(conflicts->conflicts_size(), 1);
  EXPECT_EQ(conflicts->conflicts(0).deal_id(), deal_id);
  // The link is an event of the ledger's stream naming the deal: the deal's audit history
  // (which links a stream by its first event with a deal id) takes in the claim made before.
  auto events = store_->ReadStream("claims-lead-L-1", 1, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 4u);  // two claims, the conflict, the link
  EXPECT_EQ((*events)[0].deal_id(), "");
  EXPECT_EQ((*events)[3].deal_id(), deal_id);
  EXPECT_EQ((*events)[3].causation_id().empty(), false);
  // A lead nobody claimed gets no ledger.
  auto none = store_->ReadStream("claims-lead-L-2", 1, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace sales::channels
