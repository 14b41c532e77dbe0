#include "services/audit/domain/chain_verifier.h"

#include <vector>

#include "common/testing/test_events.h"
#include "gtest/gtest.h"

namespace sales::audit {
namespace {

// A well-chained stream of `count` events as stored, and its head.
struct Chain {
  std::vector<eventstore::StoredEvent> events;
  eventstore::StreamHead head;
};

Chain MakeChain(int count) {
  Chain chain;
  std::string previous_hash;
  for (int version = 1; version <= count; ++version) {
    common::v1::EventEnvelope event = sales::testing::TextEvent("e" + std::to_string(version));
    event.set_event_id("ev-" + std::to_string(version));
    event.set_stream_id("s-1");
    event.set_stream_version(version);
    event.set_prev_event_hash(previous_hash);
    eventstore::StoredEvent stored{.position = static_cast<uint64_t>(version),
                                   .stream_id = "s-1",
                                   .stream_version = static_cast<uint64_t>(version),
                                   .bytes = event.SerializeAsString()};
    previous_hash = eventstore::EventHash(stored.bytes);
    chain.events.push_back(std::move(stored));
  }
  chain.head = {.version = static_cast<uint64_t>(count), .last_event_hash = previous_hash};
  return chain;
}

StreamCheck Check(const Chain& chain) {
  ChainVerifier verifier("s-1");
  for (const eventstore::StoredEvent& event : chain.events) {
    if (!verifier.Add(event)) break;
  }
  return verifier.Finish(chain.head);
}

void Retext(eventstore::StoredEvent& stored, const std::string& text) {
  common::v1::EventEnvelope event;
  ASSERT_TRUE(event.ParseFromString(stored.bytes));
  *event.mutable_payload() = sales::testing::TextEvent(text).payload();
  stored.bytes = event.SerializeAsString();
}

TEST(ChainVerifierTest, AnIntactChainPasses) {
  StreamCheck check = Check(MakeChain(5));
  EXPECT_TRUE(check.intact);
  EXPECT_EQ(check.events_checked, 5u);
}

TEST(ChainVerifierTest, AChangedEventInTheMiddleIsNamed) {
  Chain chain = MakeChain(5);
  Retext(chain.events[2], "forged");
  StreamCheck check = Check(chain);
  EXPECT_FALSE(check.intact);
  EXPECT_EQ(check.first_bad_version, 3u);
  EXPECT_EQ(check.first_bad_event_id, "ev-3");
}

TEST(ChainVerifierTest, AChangedLastEventIsCaughtByTheHead) {
  Chain chain = MakeChain(4);
  Retext(chain.events[3], "forged");
  StreamCheck check = Check(chain);
  EXPECT_FALSE(check.intact);
  EXPECT_EQ(check.first_bad_version, 4u);
  EXPECT_EQ(check.first_bad_event_id, "ev-4");
}

TEST(ChainVerifierTest, UndecodableRemovedAndMisnumberedEventsAreNamed) {
  Chain garbled = MakeChain(3);
  garbled.events[1].bytes = "\xff\xff";
  EXPECT_EQ(Check(garbled).first_bad_version, 2u);

  Chain removed = MakeChain(3);
  removed.events.pop_back();
  StreamCheck check = Check(removed);
  EXPECT_FALSE(check.intact);
  EXPECT_EQ(check.first_bad_version, 3u);

  Chain skipped = MakeChain(4);
  skipped.events.erase(skipped.events.begin() + 1);
  EXPECT_EQ(Check(skipped).first_bad_version, 2u);
}

}  // namespace
}  // namespace sales::audit
