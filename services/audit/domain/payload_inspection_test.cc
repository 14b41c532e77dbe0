#include "services/audit/domain/payload_inspection.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/leads/v1/events.pb.h"

namespace sales::audit {
namespace {

using ::testing::HasSubstr;

TEST(PayloadInspectionTest, FindsTheReasonFieldOfAnyLinkedEventType) {
  leads::v1::LeadStageChanged moved;
  moved.set_reason("budget frozen");
  google::protobuf::Any payload;
  payload.PackFrom(moved);
  ReasonReader reasons;
  EXPECT_EQ(reasons.Read(payload), "budget frozen");

  leads::v1::LeadCaptured captured;  // no reason field
  payload.PackFrom(captured);
  EXPECT_EQ(reasons.Read(payload), "");

  moved.set_reason("");  // a type seen before: its remembered field, its reused message
  payload.PackFrom(moved);
  EXPECT_EQ(reasons.Read(payload), "");
  moved.set_reason("new decision maker");
  payload.PackFrom(moved);
  EXPECT_EQ(reasons.Read(payload), "new decision maker");

  payload.set_type_url("type.googleapis.com/sales.unknown.v1.Thing");
  EXPECT_EQ(reasons.Read(payload), "");
}

TEST(PayloadInspectionTest, RendersPayloadsAsJson) {
  leads::v1::DealLost lost;
  lost.set_reason("price");
  lost.set_competitor("Acme");
  google::protobuf::Any payload;
  payload.PackFrom(lost);
  auto json = PayloadJson(payload);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"competitor\":\"Acme\""));
  EXPECT_THAT(*json, HasSubstr("sales.leads.v1.DealLost"));

  payload.set_type_url("type.googleapis.com/sales.unknown.v1.Thing");
  EXPECT_EQ(PayloadJson(payload).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sales::audit
