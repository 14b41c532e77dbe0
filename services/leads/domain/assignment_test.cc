#include "services/leads/domain/assignment.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/leads/domain/test_fixtures.h"

namespace sales::leads {
namespace {

using ::testing::HasSubstr;

v1::Lead LeadIn(const std::string& region, const std::string& line, const std::string& segment) {
  v1::Lead lead;
  lead.set_lead_id("l");
  lead.mutable_details()->mutable_company()->set_region_id(region);
  lead.mutable_details()->set_product_line_id(line);
  lead.mutable_details()->set_segment_id(segment);
  return lead;
}

TEST(ChooseAssigneeTest, LoadBalancingTable) {
  const org::v1::SalesOrganisation org = testing::TestOrg();  // t-east: r1, r2; t-west: r3
  struct Case {
    RepLoads loads;
    std::string expected;
  } cases[] = {
      {{}, "r1"},                                 // tie at 0 -> smallest id
      {{{"r1", 2}, {"r2", 2}}, "r1"},             // tie -> smallest id
      {{{"r1", 3}, {"r2", 1}}, "r2"},             // fewest open leads
      {{{"r1", 1}}, "r2"},                        // missing rep counts 0
      {{{"r1", 0}, {"r2", 5}, {"r3", 0}}, "r1"},  // other teams don't matter
  };
  for (const auto& c : cases) {
    absl::StatusOr<Assignee> who = ChooseAssignee(org, LeadIn("east", "laptops", "smb"), c.loads);
    ASSERT_TRUE(who.ok()) << who.status();
    EXPECT_EQ(who->rep_id, c.expected);
    EXPECT_EQ(who->team_id, "t-east");
  }
  absl::StatusOr<Assignee> west = ChooseAssignee(org, LeadIn("west", "servers", "smb"), {});
  ASSERT_TRUE(west.ok());
  EXPECT_EQ(west->rep_id, "r3");
}

TEST(ChooseAssigneeTest, SpecificRuleRoutesToItsTeam) {
  org::v1::SalesOrganisation org = testing::TestOrg();
  org.mutable_territory_rules()->RemoveLast();
  *org.add_territory_rules() = testing::Rule("w1", "west", "laptops", "*", "t-west");
  *org.add_territory_rules() = testing::Rule("w2", "west", "servers", "*", "t-east");
  EXPECT_EQ(ChooseAssignee(org, LeadIn("west", "laptops", "smb"), {})->rep_id, "r3");
  EXPECT_EQ(ChooseAssignee(org, LeadIn("west", "servers", "smb"), {})->rep_id, "r1");
}

TEST(ChooseAssigneeTest, NoTerritoryNamesTheKey) {
  org::v1::SalesOrganisation org = testing::TestOrg();
  org.mutable_territory_rules()->RemoveLast();
  absl::Status status = ChooseAssignee(org, LeadIn("west", "servers", "smb"), {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("rule no_territory"));
  EXPECT_THAT(status.message(), HasSubstr("(west, servers, smb)"));
}

TEST(ChooseAssigneeTest, TeamWithoutReps) {
  org::v1::SalesOrganisation org = testing::TestOrg();
  org.mutable_reps()->RemoveLast();  // r3, the only rep of t-west
  EXPECT_THAT(ChooseAssignee(org, LeadIn("west", "servers", "smb"), {}).status().message(),
              HasSubstr("rule team_has_no_reps"));
}

}  // namespace
}  // namespace sales::leads
