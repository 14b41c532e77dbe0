#include "common/projection/replica_runner.h"

#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/projection/testing/stream_chain_projection.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::projection {
namespace {

using ::testing::HasSubstr;

TEST(CreateReplicaRunnerTest, ARunnerWithoutAFeedOrADeadLetterTopicIsRefusedNamingTheField) {
  sales::testing::TempDir dir;
  testing::StreamChainProjection projection;
  auto no_feed = CreateReplicaRunner(
      &projection, {.path = dir.path() + "/replica", .source = {.topic = "sales.org.v1.events"}});
  EXPECT_EQ(no_feed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_feed.status().message(), HasSubstr("source.feed"));

  auto events = eventstore::EventStore::Open({.path = dir.path() + "/events", .service = "org"});
  ASSERT_TRUE(events.ok()) << events.status();
  feed::LocalEventFeedReader feed(events->get());
  auto no_dead_letters = CreateReplicaRunner(
      &projection,
      {.path = dir.path() + "/replica", .source = {.topic = "sales.org.v1.events", .feed = &feed}});
  EXPECT_EQ(no_dead_letters.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_dead_letters.status().message(), HasSubstr("dead_letters"));
}

}  // namespace
}  // namespace sales::projection
