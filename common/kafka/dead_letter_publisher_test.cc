#include "common/kafka/dead_letter_publisher.h"

#include "common/kafka/embedded_broker.h"
#include "common/kafka/sync_producer.h"
#include "common/kafka/test_consumer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::kafka {
namespace {

using ::testing::Pair;
using ::testing::SizeIs;

TEST(DeadLetterPublisherTest, DeadLetterKeepsBytesAndNamesReasonAndSource) {
  auto broker = EmbeddedBroker::Start({.topics = {{"source", 3}, {"dlq", 1}}});
  ASSERT_TRUE(broker.ok()) << broker.status();
  const std::string bootstrap = (*broker)->bootstrap_servers();
  auto producer = SyncProducer::Create(bootstrap);
  ASSERT_TRUE(producer.ok());
  const std::string garbage("\xff\x00\x01not-a-protobuf", 17);
  ASSERT_TRUE((*producer)
                  ->Produce({.topic = "source",
                             .key = "lead-1",
                             .value = garbage,
                             .headers = {{"sales-event-type", "x.Y"}}})
                  .ok());
  auto consumed = ReadTopic(bootstrap, "source", {.min_messages = 1});
  ASSERT_TRUE(consumed.ok()) << consumed.status();
  ASSERT_THAT(*consumed, SizeIs(1));
  const KafkaRecord& poison = (*consumed)[0];

  auto dlq = DeadLetterPublisher::Create(bootstrap, "dlq");
  ASSERT_TRUE(dlq.ok()) << dlq.status();
  ASSERT_TRUE((*dlq)->Publish(poison, "envelope does not parse").ok());

  auto parked = ReadTopic(bootstrap, "dlq", {.min_messages = 1});
  ASSERT_TRUE(parked.ok()) << parked.status();
  ASSERT_THAT(*parked, SizeIs(1));
  const KafkaRecord& letter = (*parked)[0];
  EXPECT_EQ(letter.key, "lead-1");
  EXPECT_EQ(letter.value, garbage);
  EXPECT_EQ(letter.Header("sales-event-type"), "x.Y");
  EXPECT_EQ(letter.Header("sales-dlq-reason"), "envelope does not parse");
  EXPECT_EQ(letter.Header("sales-dlq-source-topic"), "source");
  EXPECT_EQ(letter.Header("sales-dlq-source-partition"), std::to_string(poison.partition));
  EXPECT_EQ(letter.Header("sales-dlq-source-offset"), std::to_string(poison.offset));
}

TEST(DeadLetterPublisherTest, EmptyTopicIsRefused) {
  EXPECT_EQ(DeadLetterPublisher::Create("127.0.0.1:1", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sales::kafka
