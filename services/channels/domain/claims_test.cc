#include "services/channels/domain/claims.h"

#include <map>
#include <string>
#include <vector>

#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/channels/domain/test_fixtures.h"
#include "services/org/domain/test_org.h"

namespace sales::channels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::Time kStart = absl::FromUnixSeconds(1'780'000'000);

class ClaimsTest : public ::testing::Test {
 protected:
  ClaimsTest() : org_(org::testing::TestOrg()) {
    // Distributors whose agreement covers east and west (ch-e: east only).
    for (const char* id : {"ch-a", "ch-b", "ch-c", "ch-e"}) {
      channels_[id] = testing::MakeDistributor(id);
      if (std::string(id) != "ch-e") {
        channels_[id].mutable_agreements(0)->mutable_terms()->add_region_ids("west");
      }
    }
    subject_.set_kind(v1::CLAIM_SUBJECT_KIND_CUSTOMER);
    subject_.set_id("cust-7");
  }

  ClaimContext Context() {
    return {
        .now = now_, .org = org_, .channels = [this](absl::string_view id) -> const v1::Channel* {
          auto it = channels_.find(std::string(id));
          return it == channels_.end() ? nullptr : &it->second;
        }};
  }

  template <typename Command>
  absl::StatusOr<ClaimEvents> Apply(Command command) {
    command.mutable_meta()->set_actor("user:qian");
    *command.mutable_subject() = subject_;
    auto events = Decide(ledger_, command, Context());
    if (events.ok()) {
      for (const v1::ClaimEvent& event : *events) ledger_ = Evolve(ledger_, event);
    }
    return events;
  }

  absl::StatusOr<ClaimEvents> Claim(const std::string& channel,
                                    const std::vector<std::string>& regions = {"east"},
                                    int days = 0) {
    v1::ClaimRequest claim;
    claim.set_channel_id(channel);
    for (const std::string& region : regions) claim.add_region_ids(region);
    claim.set_exclusivity_days(days);
    claim.set_deal_id("D-2026-007");
    return Apply(claim);
  }

  absl::StatusOr<ClaimEvents> Resolve(const std::string& conflict, const std::string& winner,
                                      const std::string& reason = "registered first") {
    v1::ResolveConflictRequest resolve;
    resolve.set_conflict_id(conflict);
    resolve.set_winner_channel_id(winner);
    resolve.set_reason(reason);
    return Apply(resolve);
  }

  org::v1::SalesOrganisation org_;
  std::map<std::string, v1::Channel> channels_;
  v1::ClaimSubject subject_;
  v1::ClaimLedger ledger_;
  absl::Time now_ = kStart;
};

TEST_F(ClaimsTest, ASecondChannelOverAnOverlappingTerritoryRaisesAConflictNamingBoth) {
  ASSERT_TRUE(Claim("ch-a", {"east"}).ok());
  auto second = Claim("ch-b", {"west", "east"});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->size(), 2u);
  const v1::ChannelConflictRaised& raised = (*second)[1].channel_conflict_raised();
  EXPECT_EQ(raised.conflict().conflict_id(), "conflict-1");
  EXPECT_THAT(raised.conflict().claim_ids(), ElementsAre("claim-1", "claim-2"));
  EXPECT_EQ(raised.claims(0).channel_id(), "ch-a");
  EXPECT_EQ(raised.claims(1).channel_id(), "ch-b");
  EXPECT_EQ(raised.deal_id(), "D-2026-007");
  EXPECT_EQ(ClaimStreamId(subject_), "claims-customer-cust-7");
}

TEST_F(ClaimsTest, AChannelClaimsOnlyInsideTheTerritoryOfItsAgreementInForce) {
  auto outside = Claim("ch-e", {"east", "west"});
  EXPECT_EQ(outside.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(outside.status().message(), HasSubstr("rule outside_territory: region \"west\""));
  EXPECT_TRUE(ledger_.claims().empty());
  EXPECT_TRUE(Claim("ch-e", {"east"}).ok());
}

TEST_F(ClaimsTest, DisjointTerritoriesAndExpiredClaimsDoNotCollide) {
  ASSERT_TRUE(Claim("ch-a", {"east"}, 30).ok());
  auto disjoint = Claim("ch-b", {"west"});
  ASSERT_TRUE(disjoint.ok());
  EXPECT_EQ(disjoint->size(), 1u);
  now_ = kStart + absl::Hours(24) * 30 - absl::Seconds(1);  // ch-a's last second
  EXPECT_EQ(Claim("ch-c", {"east"})->size(), 2u);
  now_ = kStart + absl::Hours(24) * 30;  // ch-a expired: only ch-c's claim (at −1 s) is active
  auto later = Claim("ch-b", {"east"});
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->size(), 2u);
  EXPECT_THAT((*later)[1].channel_conflict_raised().conflict().claim_ids(),
              ElementsAre("claim-3", "claim-4"));
}

TEST_F(ClaimsTest, TheDefaultExclusivityIsNinetyDays) {
  ASSERT_TRUE(Claim("ch-a").ok());
  EXPECT_EQ(FromTimestamp(ledger_.claims(0).expires_at()) - kStart, absl::Hours(24 * 90));
}

TEST_F(ClaimsTest, ResolvingGivesTheConflictToOneChannelOnce) {
  ASSERT_TRUE(Claim("ch-a").ok());
  ASSERT_TRUE(Claim("ch-b").ok());
  EXPECT_THAT(Resolve("conflict-1", "ch-c").status().ToString(),
              HasSubstr("rule winner_not_in_conflict"));
  auto resolved = Resolve("conflict-1", "ch-a");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT((*resolved)[0].channel_conflict_resolved().lost_claim_ids(), ElementsAre("claim-2"));
  EXPECT_EQ(ledger_.conflicts(0).status(), v1::CONFLICT_STATUS_RESOLVED);
  EXPECT_EQ(ledger_.claims(1).status(), v1::CLAIM_STATUS_LOST);
  EXPECT_THAT(Resolve("conflict-1", "ch-b").status().ToString(),
              HasSubstr("rule conflict_resolved"));
  EXPECT_EQ(Resolve("conflict-9", "ch-a").status().code(), absl::StatusCode::kNotFound);
  // The lost claim no longer counts: ch-b may claim again, and collides with ch-a again.
  EXPECT_EQ(Claim("ch-b")->size(), 2u);
}

TEST_F(ClaimsTest, AChannelCannotHoldTwoOverlappingClaimsButMayWithdraw) {
  ASSERT_TRUE(Claim("ch-a", {"east"}).ok());
  EXPECT_THAT(Claim("ch-a", {"east", "west"}).status().ToString(),
              HasSubstr("rule already_claimed"));
  v1::WithdrawClaimRequest withdraw;
  withdraw.set_claim_id("claim-1");
  EXPECT_THAT(Apply(withdraw).status().ToString(), HasSubstr("field reason"));
  withdraw.set_reason("customer moved to a direct deal");
  ASSERT_TRUE(Apply(withdraw).ok());
  EXPECT_THAT(Apply(withdraw).status().ToString(), HasSubstr("rule claim_not_active"));
  EXPECT_TRUE(Claim("ch-a", {"east"}).ok());
}

TEST_F(ClaimsTest, OnlyAnActiveChannelClaimsARealTerritory) {
  channels_["ch-a"].set_status(v1::CHANNEL_STATUS_TERMINATED);
  channels_["ch-b"].set_status(v1::CHANNEL_STATUS_SUSPENDED);
  EXPECT_THAT(Claim("ch-a").status().ToString(), HasSubstr("rule channel_terminated"));
  EXPECT_THAT(Claim("ch-b").status().ToString(), HasSubstr("rule channel_not_active"));
  EXPECT_EQ(Claim("ch-404").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Claim("ch-c", {"north"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Claim("ch-c", {}).status().ToString(), HasSubstr("field region_ids"));
  EXPECT_THAT(Claim("ch-c", {"east"}, 3651).status().ToString(),
              HasSubstr("field exclusivity_days"));
  subject_.set_kind(v1::CLAIM_SUBJECT_KIND_UNSPECIFIED);
  EXPECT_THAT(Claim("ch-c").status().ToString(), HasSubstr("field subject.kind"));
  EXPECT_TRUE(ledger_.claims().empty()) << "nothing was registered";
}

}  // namespace
}  // namespace sales::channels
