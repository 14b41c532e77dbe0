// LeadsApp captures: de-duplication by claimed keys (sequential and racing), generated ids and
// retried captures.
#include <set>
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

TEST_F(LeadsAppTest, DuplicateCapturesAreMergedIntoTheLeadThatClaimedTheKey) {
  SetUpOrganisation();
  CaptureOk(Capture("L1", 1));

  v1::CaptureLeadRequest same_email = Capture("L2", 2);
  same_email.mutable_details()->mutable_contact()->set_email("  LI.WEI1@Example.com ");
  auto merged = app_->CaptureLead(same_email, origin_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_TRUE(merged->merged_as_duplicate());
  EXPECT_EQ(merged->lead_id(), "L1");
  EXPECT_EQ(merged->matched_key(), "email:li.wei1@example.com");

  v1::CaptureLeadRequest same_company = Capture("", 3);
  same_company.set_source(v1::LEAD_SOURCE_TRADE_SHOW);
  same_company.mutable_details()->mutable_company()->set_name("ACME 1 Limited");
  merged = app_->CaptureLead(same_company, origin_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->lead_id(), "L1");
  EXPECT_EQ(merged->matched_key(), "company:acme 1");

  const v1::Lead lead = GetLead("L1");
  ASSERT_THAT(lead.merged_duplicates(), SizeIs(2));
  EXPECT_EQ(lead.merged_duplicates(1).source(), v1::LEAD_SOURCE_TRADE_SHOW);
  v1::GetLeadRequest get;
  get.set_lead_id("L2");
  EXPECT_EQ(app_->GetLead(get).status().code(), absl::StatusCode::kNotFound);
  WaitForReadModel();
  EXPECT_THAT(app_->ListLeads({})->leads(), SizeIs(1));  // nothing counted twice
}

TEST_F(LeadsAppTest, ConcurrentCapturesOfOneEmailEndWithOneLeadAndMerges) {
  SetUpOrganisation();
  constexpr int kThreads = 4;
  std::vector<absl::StatusOr<v1::CaptureLeadResponse>> results(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      v1::CaptureLeadRequest c = Capture("", 10 + t);  // distinct company, generated lead id
      c.mutable_details()->mutable_contact()->set_email("same@example.com");
      results[t] = app_->CaptureLead(c, origin_);
    });
  }
  for (std::thread& t : threads) t.join();
  int created = 0;
  std::set<std::string> lead_ids;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    created += !result->merged_as_duplicate();
    lead_ids.insert(result->lead_id());
  }
  EXPECT_EQ(created, 1);
  ASSERT_THAT(lead_ids, SizeIs(1));
  EXPECT_THAT(GetLead(*lead_ids.begin()).merged_duplicates(), SizeIs(kThreads - 1));
  WaitForReadModel();
  EXPECT_THAT(app_->ListLeads({})->leads(), SizeIs(1));
}

TEST_F(LeadsAppTest, GeneratedLeadIdsAndRetriedCapturesWithAKey) {
  SetUpOrganisation();
  v1::CaptureLeadRequest c = Capture("", 1);
  c.mutable_meta()->set_idempotency_key("capture-1");
  auto first = app_->CaptureLead(c, origin_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->lead_id(), StartsWith("L-"));
  const uint64_t head = store_->HeadPosition();

  auto retry = app_->CaptureLead(c, origin_);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->lead_id(), first->lead_id());
  EXPECT_FALSE(retry->merged_as_duplicate());
  EXPECT_EQ(retry->stream_version(), first->stream_version());
  EXPECT_EQ(store_->HeadPosition(), head);

  c.set_need_match(10);
  EXPECT_EQ(app_->CaptureLead(c, origin_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->HeadPosition(), head);

  // Without a key every capture gets a fresh id.
  auto a = app_->CaptureLead(Capture("", 2), origin_);
  auto b = app_->CaptureLead(Capture("", 3), origin_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->lead_id(), b->lead_id());
}

TEST_F(LeadsAppTest, ALongDedupeKeyIsClaimedUnderItsHash) {
  SetUpOrganisation();
  const std::string email = std::string(64, 'a') + "@" + std::string(60, 'b') + "." +
                            std::string(60, 'c') + "." + std::string(60, 'd') + ".com";
  v1::CaptureLeadRequest c = Capture("L1", 1);
  c.mutable_details()->mutable_contact()->set_email(email);
  CaptureOk(c);
  v1::CaptureLeadRequest again = Capture("L2", 2);
  again.mutable_details()->mutable_contact()->set_email(email);
  auto merged = app_->CaptureLead(again, origin_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_TRUE(merged->merged_as_duplicate());
  EXPECT_EQ(merged->lead_id(), "L1");
}

}  // namespace
}  // namespace sales::leads::testing
