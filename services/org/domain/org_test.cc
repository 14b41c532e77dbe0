#include "services/org/domain/org.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/org/domain/test_org.h"

namespace sales::org {
namespace {

using ::testing::HasSubstr;
using testing::Rule;
using testing::TestOrg;

// Decides and folds every event; asserts the decision succeeded.
template <typename Command>
void Apply(v1::SalesOrganisation& org, const Command& c) {
  absl::StatusOr<OrgEvents> events = Decide(org, c);
  ASSERT_TRUE(events.ok()) << events.status();
  for (const v1::OrgEvent& e : *events) org = Evolve(std::move(org), e);
}

v1::AddTerritoryRuleRequest AddRule(v1::TerritoryRule rule) {
  v1::AddTerritoryRuleRequest c;
  *c.mutable_rule() = std::move(rule);
  return c;
}

TEST(OrgTest, BuildsTheOrganisationThroughDecideAndEvolve) {
  v1::SalesOrganisation org;
  v1::AddRegionRequest region;
  region.mutable_region()->set_region_id("east");
  region.mutable_region()->set_name("East China 华东");
  Apply(org, region);
  v1::AddProductLineRequest line;
  line.mutable_product_line()->set_product_line_id("laptops");
  line.mutable_product_line()->set_name("Laptops");
  Apply(org, line);
  v1::AddCustomerSegmentRequest segment;
  segment.mutable_segment()->set_segment_id("smb");
  segment.mutable_segment()->set_name("SMB");
  Apply(org, segment);
  v1::CreateTeamRequest team;
  team.mutable_team()->set_team_id("t1");
  team.mutable_team()->set_name("East laptops");
  team.mutable_team()->set_region_id("east");
  team.mutable_team()->set_product_line_id("laptops");
  Apply(org, team);
  v1::CreateTeamRequest team2 = team;
  team2.mutable_team()->set_team_id("t2");
  Apply(org, team2);
  v1::AddRepRequest boss;
  boss.mutable_rep()->set_rep_id("boss");
  boss.mutable_rep()->set_name("Wang");
  boss.mutable_rep()->set_team_id("t1");
  Apply(org, boss);
  v1::AddRepRequest rep = boss;
  rep.mutable_rep()->set_rep_id("r1");
  rep.mutable_rep()->set_manager_rep_id("boss");
  Apply(org, rep);
  v1::MoveRepRequest move;
  move.set_rep_id("r1");
  move.set_to_team_id("t2");
  Apply(org, move);
  Apply(org, AddRule(Rule("rule-1", "east", "*", "smb", "t2")));

  ASSERT_EQ(org.regions_size(), 1);
  EXPECT_EQ(org.regions(0).name(), "East China 华东");
  ASSERT_EQ(org.teams_size(), 2);
  EXPECT_EQ(FindRep(org, "r1")->team_id(), "t2");
  EXPECT_EQ(FindRep(org, "r1")->manager_rep_id(), "boss");
  EXPECT_EQ(FindRep(org, "boss")->team_id(), "t1");
  ASSERT_EQ(org.territory_rules_size(), 1);

  v1::RemoveTerritoryRuleRequest remove;
  remove.set_rule_id("rule-1");
  Apply(org, remove);
  EXPECT_EQ(org.territory_rules_size(), 0);
}

TEST(OrgTest, RefusesDuplicatesAndMissingReferences) {
  v1::SalesOrganisation org = TestOrg();
  v1::AddRegionRequest region;
  region.mutable_region()->set_region_id("east");
  region.mutable_region()->set_name("again");
  EXPECT_EQ(Decide(org, region).status().code(), absl::StatusCode::kAlreadyExists);

  v1::AddRepRequest rep;
  rep.mutable_rep()->set_rep_id("r9");
  rep.mutable_rep()->set_name("n");
  rep.mutable_rep()->set_team_id("nope");
  EXPECT_EQ(Decide(org, rep).status().code(), absl::StatusCode::kNotFound);
  rep.mutable_rep()->set_team_id("t-east");
  rep.mutable_rep()->set_manager_rep_id("ghost");
  EXPECT_EQ(Decide(org, rep).status().code(), absl::StatusCode::kNotFound);
  rep.mutable_rep()->set_rep_id("r1");
  rep.mutable_rep()->clear_manager_rep_id();
  EXPECT_EQ(Decide(org, rep).status().code(), absl::StatusCode::kAlreadyExists);

  v1::MoveRepRequest move;
  move.set_rep_id("r1");
  move.set_to_team_id("t-east");
  EXPECT_THAT(Decide(org, move).status().message(), HasSubstr("rule already_in_team"));

  v1::CreateTeamRequest team;
  team.mutable_team()->set_team_id("t-x");
  team.mutable_team()->set_name("x");
  team.mutable_team()->set_segment_id("unknown-segment");
  EXPECT_EQ(Decide(org, team).status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(Decide(org, AddRule(Rule("r", "north", "*", "*", "t-east"))).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Decide(org, AddRule(Rule("r", "*", "*", "*", "t-none"))).status().code(),
            absl::StatusCode::kNotFound);
  v1::RemoveTerritoryRuleRequest remove;
  remove.set_rule_id("missing");
  EXPECT_EQ(Decide(org, remove).status().code(), absl::StatusCode::kNotFound);
}

TEST(TerritoryTest, OverlapTable) {
  struct Case {
    v1::TerritoryRule a, b;
    bool overlaps;
  } cases[] = {
      {Rule("a", "east", "laptops", "smb", "t"), Rule("b", "east", "laptops", "smb", "t"), true},
      {Rule("a", "east", "laptops", "smb", "t"), Rule("b", "west", "laptops", "smb", "t"), false},
      {Rule("a", "east", "laptops", "smb", "t"), Rule("b", "east", "servers", "smb", "t"), false},
      {Rule("a", "east", "laptops", "smb", "t"), Rule("b", "east", "laptops", "enterprise", "t"),
       false},
      {Rule("a", "east", "*", "smb", "t"), Rule("b", "east", "laptops", "smb", "t"), true},
      {Rule("a", "*", "*", "*", "t"), Rule("b", "west", "servers", "enterprise", "t"), true},
      {Rule("a", "east", "*", "smb", "t"), Rule("b", "*", "laptops", "enterprise", "t"), false},
      {Rule("a", "east", "*", "*", "t"), Rule("b", "*", "laptops", "*", "t"), true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Overlaps(c.a, c.b), c.overlaps)
        << c.a.ShortDebugString() << " / " << c.b.ShortDebugString();
    EXPECT_EQ(Overlaps(c.b, c.a), c.overlaps);
  }
}

TEST(TerritoryTest, OverlappingRuleIsRefusedNamingBothTerritories) {
  v1::SalesOrganisation org = TestOrg();  // has (east,*,*) and (west,*,*)
  absl::Status status = Decide(org, AddRule(Rule("new", "*", "laptops", "smb", "t-west"))).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("rule territory_overlap"));
  EXPECT_THAT(status.message(), HasSubstr("new (*, laptops, smb)"));
  EXPECT_THAT(status.message(), HasSubstr("rule-east (east, *, *)"));
  EXPECT_THAT(Decide(org, AddRule(Rule("rule-east", "north", "*", "*", "t-west"))).status().code(),
              absl::StatusCode::kNotFound);  // unknown region checked first
}

TEST(TerritoryTest, GapReport) {
  v1::SalesOrganisation org = TestOrg();
  EXPECT_TRUE(TerritoryGaps(org).empty());
  org.mutable_territory_rules()->RemoveLast();  // drop (west,*,*)
  *org.add_territory_rules() = Rule("w-laptops", "west", "laptops", "*", "t-west");
  *org.add_territory_rules() = Rule("w-servers-ent", "west", "servers", "enterprise", "t-west");
  std::vector<v1::TerritoryKey> gaps = TerritoryGaps(org);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].region_id(), "west");
  EXPECT_EQ(gaps[0].product_line_id(), "servers");
  EXPECT_EQ(gaps[0].segment_id(), "smb");

  org.clear_territory_rules();
  gaps = TerritoryGaps(org);
  ASSERT_EQ(gaps.size(), 8u);  // 2 regions × 2 lines × 2 segments, sorted
  EXPECT_EQ(gaps.front().ShortDebugString(),
            "region_id: \"east\" product_line_id: \"laptops\" segment_id: \"enterprise\"");
  EXPECT_EQ(gaps.back().ShortDebugString(),
            "region_id: \"west\" product_line_id: \"servers\" segment_id: \"smb\"");
}

TEST(OrgEvolveTest, EmptyEventChangesNothing) {
  v1::SalesOrganisation org = TestOrg();
  v1::SalesOrganisation after = Evolve(org, v1::OrgEvent());
  EXPECT_EQ(after.SerializeAsString(), org.SerializeAsString());
}

}  // namespace
}  // namespace sales::org

namespace sales::org {
namespace {

// Regression: a bad team id behind an unknown region got NOT_FOUND; every field's syntax is
// checked before any reference is looked up.
TEST(OrgValidationOrderTest, AMalformedFieldIsInvalidBeforeAnUnknownReference) {
  const v1::SalesOrganisation org = testing::TestOrg();
  v1::AddTerritoryRuleRequest rule;
  rule.mutable_rule()->set_rule_id("r-new");
  rule.mutable_rule()->set_region_id("atlantis");  // unknown
  rule.mutable_rule()->set_product_line_id("*");
  rule.mutable_rule()->set_segment_id("*");
  rule.mutable_rule()->set_team_id("bad team!");  // malformed
  EXPECT_EQ(Decide(org, rule).status().code(), absl::StatusCode::kInvalidArgument);
  v1::CreateTeamRequest team;
  team.mutable_team()->set_team_id("t-new");
  team.mutable_team()->set_name("New");
  team.mutable_team()->set_region_id("atlantis");      // unknown
  team.mutable_team()->set_segment_id("bad segment");  // malformed
  EXPECT_EQ(Decide(org, team).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sales::org

namespace sales::org {
namespace {

TEST(OrgValidationTest, BadOrgCommandTable) {
  const v1::SalesOrganisation org = testing::TestOrg();
  v1::AddRegionRequest region;
  region.mutable_region()->set_region_id("north");
  v1::CreateTeamRequest team;
  team.mutable_team()->set_name("x");
  v1::AddRepRequest rep;
  rep.mutable_rep()->set_rep_id("r9");
  rep.mutable_rep()->set_name("n");
  v1::AddTerritoryRuleRequest rule;
  *rule.mutable_rule() = testing::Rule("r", "east", "", "smb", "t-east");
  const std::pair<absl::Status, const char*> cases[] = {
      {Decide(org, region).status(), "region.name"},
      {Decide(org, team).status(), "team.team_id"},
      {Decide(org, rep).status(), "rep.team_id"},
      {Decide(org, rule).status(), "rule.product_line_id"},
  };
  for (const auto& [status, field] : cases) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(std::string(status.message()),
                ::testing::StartsWith(std::string("field ") + field + ":"));
  }
}

}  // namespace
}  // namespace sales::org
