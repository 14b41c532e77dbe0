#include "services/org/app/org_app.h"

#include <memory>
#include <string>

#include "common/eventstore/event_store.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::org {
namespace {

class OrgAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "org"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto app = OrgApp::Create({.store = store_.get()});
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
  }

  static common::v1::CommandMeta Meta(const std::string& key = "", uint64_t expected = 0) {
    common::v1::CommandMeta meta;
    meta.set_actor("user:test");
    meta.set_idempotency_key(key);
    meta.set_expected_version(expected);
    return meta;
  }
  static v1::AddRegionRequest Region(const std::string& id, const std::string& key = "") {
    v1::AddRegionRequest request;
    *request.mutable_meta() = Meta(key);
    request.mutable_region()->set_region_id(id);
    request.mutable_region()->set_name(id);
    return request;
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<OrgApp> app_;
  const CallOrigin origin_{.correlation_id = "corr-1"};
};

TEST_F(OrgAppTest, CommandsBuildTheOrganisationAndQueriesReadIt) {
  ASSERT_TRUE(app_->AddRegion(Region("east"), origin_).ok());
  v1::AddProductLineRequest line;
  *line.mutable_meta() = Meta();
  line.mutable_product_line()->set_product_line_id("crm");
  line.mutable_product_line()->set_name("CRM");
  ASSERT_TRUE(app_->AddProductLine(line, origin_).ok());
  v1::AddCustomerSegmentRequest segment;
  *segment.mutable_meta() = Meta();
  segment.mutable_segment()->set_segment_id("smb");
  segment.mutable_segment()->set_name("SMB");
  auto added = app_->AddCustomerSegment(segment, origin_);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->stream_version(), 3u);

  auto org = app_->GetOrganisation({});
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->stream_version(), 3u);
  EXPECT_EQ(org->organisation().regions(0).region_id(), "east");
  auto gaps = app_->ListTerritoryGaps({});
  ASSERT_TRUE(gaps.ok()) << gaps.status();
  ASSERT_EQ(gaps->gaps_size(), 1);  // (east, crm, smb): no rule covers it
  EXPECT_EQ(gaps->gaps(0).product_line_id(), "crm");
  // The envelope carries who and why.
  auto stored = store_->ReadStream("org", 1, 1);
  ASSERT_TRUE(stored.ok() && stored->size() == 1);
  EXPECT_EQ(stored->front().actor(), "user:test");
  EXPECT_EQ(stored->front().correlation_id(), "corr-1");
}

TEST_F(OrgAppTest, RefusalsUseOneCodePerMeaning) {
  ASSERT_TRUE(app_->AddRegion(Region("east"), origin_).ok());
  EXPECT_EQ(app_->AddRegion(Region("east"), origin_).status().code(),
            absl::StatusCode::kAlreadyExists);
  // Regression: an empty AddRegion with an expected version got ABORTED.
  v1::AddRegionRequest empty;
  *empty.mutable_meta() = Meta("", /*expected=*/9);
  EXPECT_EQ(app_->AddRegion(empty, origin_).status().code(), absl::StatusCode::kInvalidArgument);
  v1::AddRegionRequest stale = Region("west");
  stale.mutable_meta()->set_expected_version(9);
  EXPECT_EQ(app_->AddRegion(stale, origin_).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->HeadPosition(), 1u);  // nothing written on refusal
}

TEST_F(OrgAppTest, AReplayedKeyAnswersTheFirstVersion) {
  auto first = app_->AddRegion(Region("east", "k-1"), origin_);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(app_->AddRegion(Region("west"), origin_).ok());
  auto replay = app_->AddRegion(Region("east", "k-1"), origin_);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->stream_version(), first->stream_version());
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

}  // namespace
}  // namespace sales::org
