#include "services/incentives/domain/org_nodes.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/org/domain/test_org.h"

namespace sales::incentives {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The test org with its teams in their regions, and a team named like a region.
org::v1::SalesOrganisation Org() {
  org::v1::SalesOrganisation org = org::testing::TestOrg();
  org.mutable_teams(0)->set_region_id("east");
  org.mutable_teams(1)->set_region_id("west");
  org::v1::Team& west = *org.add_teams();
  west.set_team_id("west");
  west.set_region_id("west");
  return org;
}

TEST(OrgNodesTest, BareIdsResolveWhenUniqueAndTypedIdsAlways) {
  const org::v1::SalesOrganisation org = Org();
  EXPECT_EQ(*ResolveNode(org, "company", "node"), "company");
  EXPECT_EQ(*ResolveNode(org, "east", "node"), "region:east");
  EXPECT_EQ(*ResolveNode(org, "t-east", "node"), "team:t-east");
  EXPECT_EQ(*ResolveNode(org, "r2", "node"), "rep:r2");
  EXPECT_EQ(*ResolveNode(org, "team:west", "node"), "team:west");
  const absl::Status ambiguous = ResolveNode(org, "west", "target.node_id").status();
  EXPECT_EQ(ambiguous.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ambiguous.message(), HasSubstr("region:west or team:west"));
  EXPECT_EQ(ResolveNode(org, "nowhere", "node").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ResolveNode(org, "rep:nobody", "node").status().code(), absl::StatusCode::kNotFound);
}

TEST(OrgNodesTest, ChildrenAndRepsFollowTheOrg) {
  const org::v1::SalesOrganisation org = Org();
  EXPECT_THAT(NodeChildren(org, "company"), ElementsAre("region:east", "region:west"));
  EXPECT_THAT(NodeChildren(org, "region:west"), ElementsAre("team:t-west", "team:west"));
  EXPECT_THAT(NodeChildren(org, "team:t-east"), ElementsAre("rep:r1", "rep:r2"));
  EXPECT_TRUE(NodeChildren(org, "rep:r1").empty());
  EXPECT_THAT(RepsUnder(org, "company"), ElementsAre("r1", "r2", "r3"));
  EXPECT_THAT(RepsUnder(org, "region:east"), ElementsAre("r1", "r2"));
  EXPECT_THAT(RepsUnder(org, "rep:r3"), ElementsAre("r3"));
}

}  // namespace
}  // namespace sales::incentives
