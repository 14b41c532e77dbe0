#include "services/audit/app/history_page_builder.h"

#include <string>

#include "gtest/gtest.h"
#include "sales/audit/v1/audit.pb.h"
#include "services/audit/app/deal_history_projection.h"

namespace sales::audit {
namespace {

common::v1::EventEnvelope Envelope(uint64_t version, int payload_bytes) {
  common::v1::EventEnvelope envelope;
  envelope.set_event_id("E-" + std::to_string(version));
  envelope.set_stream_id("lead-L-1");
  envelope.set_stream_version(version);
  envelope.mutable_payload()->set_type_url("type.googleapis.com/sales.leads.v1.LeadStageChanged");
  envelope.mutable_payload()->set_value(std::string(payload_bytes, 'x'));
  return envelope;
}

TEST(HistoryPageBuilderTest, GivesTheBytesOfTheEquivalentPageMessage) {
  // A 300-byte payload makes the entry's and the envelope's lengths multi-byte varints.
  const common::v1::EventEnvelope first = Envelope(1, 3);
  const common::v1::EventEnvelope second = Envelope(2, 300);
  HistoryPageBuilder builder;
  builder.Add(1, IndexBytes(first), "", "");
  builder.Add(200, IndexBytes(second), "budget frozen", R"({"reason":"budget frozen"})");
  EXPECT_EQ(builder.entries(), 2u);

  v1::DealHistoryPage expected;
  v1::DealHistoryEntry& one = *expected.add_entries();
  one.set_sequence(1);
  *one.mutable_event() = first;
  v1::DealHistoryEntry& two = *expected.add_entries();
  two.set_sequence(200);
  *two.mutable_event() = second;
  two.set_reason("budget frozen");
  two.set_payload_json(R"({"reason":"budget frozen"})");

  const std::string bytes = builder.Take();
  EXPECT_EQ(bytes, expected.SerializeAsString());
  v1::DealHistoryPage parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.entries(1).event().payload().value().size(), 300u);
  EXPECT_EQ(builder.entries(), 0u);
  EXPECT_EQ(builder.Take(), "");
}

}  // namespace
}  // namespace sales::audit
