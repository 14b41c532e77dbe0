#include "services/audit/domain/history_keys.h"

#include "gtest/gtest.h"

namespace sales::audit {
namespace {

common::v1::EventEnvelope At(int64_t seconds, int32_t nanos = 0) {
  common::v1::EventEnvelope event;
  event.mutable_occurred_at()->set_seconds(seconds);
  event.mutable_occurred_at()->set_nanos(nanos);
  return event;
}

TEST(HistoryKeysTest, KeysSortByTimeThenServiceStreamVersionAcrossTheEpoch) {
  const std::vector<std::string> ordered = {
      HistoryKey("D-1", {-5, 0}, "leads", "lead-1", 9),
      HistoryKey("D-1", {0, 1}, "leads", "lead-1", 1),
      HistoryKey("D-1", {100, 0}, "leads", "lead-1", 2),
      HistoryKey("D-1", {100, 0}, "leads", "lead-1", 256),
      HistoryKey("D-1", {100, 0}, "orders", "order-1", 1),
      HistoryKey("D-1", {100, 500}, "leads", "lead-1", 257),
  };
  for (size_t i = 1; i < ordered.size(); ++i) EXPECT_LT(ordered[i - 1], ordered[i]) << i;
  for (const std::string& key : ordered) EXPECT_EQ(key.rfind(HistoryPrefix("D-1"), 0), 0u);
  // A deal id that is a prefix of another does not share its rows.
  EXPECT_NE(HistoryKey("D-10", {0, 0}, "leads", "x", 1).rfind(HistoryPrefix("D-1"), 0), 0u);
}

TEST(HistoryKeysTest, CausalTimeRoundTripsAndNeverGoesBackwardsInAStream) {
  const CausalTime time{-62'135'596'800, 999'999'999};
  EXPECT_EQ(*DecodeCausalTime(EncodeCausalTime(time)), time);
  EXPECT_FALSE(DecodeCausalTime("short").ok());

  EXPECT_EQ(NextCausalTime(std::nullopt, At(50)), (CausalTime{50, 0}));
  EXPECT_EQ(NextCausalTime(CausalTime{60, 0}, At(50)), (CausalTime{60, 0}));
  EXPECT_EQ(NextCausalTime(CausalTime{60, 0}, At(70, 3)), (CausalTime{70, 3}));
  common::v1::EventEnvelope recorded_only;
  recorded_only.mutable_recorded_at()->set_seconds(80);
  EXPECT_EQ(NextCausalTime(std::nullopt, recorded_only), (CausalTime{80, 0}));
}

TEST(HistoryKeysTest, DealStreamKeysParseBackAndStreamRowsRoundTrip) {
  const std::string prefix = DealStreamsPrefix("D-1");
  auto parsed = ParseDealStreamKey(prefix, DealStreamKey("D-1", "leads", "lead-L-1"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->first, "leads");
  EXPECT_EQ(parsed->second, "lead-L-1");
  EXPECT_FALSE(ParseDealStreamKey(prefix, "d/D-2").ok());

  auto row = DecodeStreamRow(EncodeStreamRow({{7, 8}, "D-9"}));
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->last_time, (CausalTime{7, 8}));
  EXPECT_EQ(row->deal_id, "D-9");
}

TEST(HistoryKeysTest, ValidatesInstantsAndDealIds) {
  google::protobuf::Timestamp t;
  t.set_seconds(1'700'000'000);
  EXPECT_TRUE(ValidateInstant("as_of", t).ok());
  t.set_nanos(-1);
  EXPECT_EQ(ValidateInstant("as_of", t).code(), absl::StatusCode::kInvalidArgument);
  t.set_nanos(0);
  t.set_seconds(253'402'300'800);
  EXPECT_EQ(ValidateInstant("as_of", t).code(), absl::StatusCode::kInvalidArgument);

  EXPECT_TRUE(ValidateDealId("deal_id", "D-01JABC").ok());
  EXPECT_EQ(ValidateDealId("deal_id", "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateDealId("deal_id", std::string(201, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateDealId("deal_id", std::string("a\0b", 3)).code(),
            absl::StatusCode::kInvalidArgument);
}

// Events of one instant in key order (service, stream): an effect dated at its cause's instant
// by a process manager is listed after its cause; unrelated events keep their key order.
TEST(HistoryKeysTest, AnEffectOfTheSameInstantComesAfterItsCause) {
  using Events = std::vector<std::pair<absl::string_view, absl::string_view>>;
  // channels' auto-claim (caused by the capture) sorts before leads' capture by key.
  EXPECT_EQ(CauseFirstOrder(Events{{"claim", "capture"}, {"capture", "cmd-1"}}),
            (std::vector<size_t>{1, 0}));
  // A chain, and an unrelated event between: claim ← capture ← (outside), ledger ← claim.
  EXPECT_EQ(
      CauseFirstOrder(Events{
          {"ledger", "claim"}, {"claim", "capture"}, {"other", "cmd-9"}, {"capture", "cmd-1"}}),
      (std::vector<size_t>{2, 3, 1, 0}));
  // Nothing related: key order. A self-cause is no cause.
  EXPECT_EQ(CauseFirstOrder(Events{{"a", "x"}, {"b", "b"}, {"c", ""}}),
            (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(CauseFirstOrder(Events{}), std::vector<size_t>{});
  // A cycle (corrupt rows) loses nothing.
  EXPECT_EQ(CauseFirstOrder(Events{{"a", "b"}, {"b", "a"}}), (std::vector<size_t>{0, 1}));
}

}  // namespace
}  // namespace sales::audit
