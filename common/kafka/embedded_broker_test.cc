#include "common/kafka/embedded_broker.h"

#include <atomic>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/kafka/client_config.h"
#include "common/kafka/cluster_identity.h"
#include "common/kafka/sync_producer.h"
#include "common/kafka/test_consumer.h"
#include "common/kafka/topic_info.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::kafka {
namespace {

using ::testing::MatchesRegex;
using ::testing::SizeIs;

std::unique_ptr<EmbeddedBroker> StartBroker(std::vector<TopicSpec> topics) {
  auto broker = EmbeddedBroker::Start({.topics = std::move(topics)});
  EXPECT_TRUE(broker.ok()) << broker.status();
  return broker.ok() ? std::move(*broker) : nullptr;
}

KafkaHandle Producer(const std::string& bootstrap, const ConfigOverrides& overrides = {}) {
  auto conf = ProducerConfig(bootstrap, overrides);
  EXPECT_TRUE(conf.ok()) << conf.status();
  auto producer = NewProducer(std::move(*conf));
  EXPECT_TRUE(producer.ok()) << producer.status();
  return std::move(*producer);
}

TEST(EmbeddedBrokerTest, ListensOnLoopbackOnly) {
  auto broker = EmbeddedBroker::Start({.broker_count = 3});
  ASSERT_TRUE(broker.ok()) << broker.status();
  EXPECT_THAT((*broker)->bootstrap_servers(),
              MatchesRegex(R"(127\.0\.0\.1:[0-9]+,127\.0\.0\.1:[0-9]+,127\.0\.0\.1:[0-9]+)"));
}

TEST(EmbeddedBrokerTest, CreatesTopicsWithRequestedPartitions) {
  auto broker = StartBroker({{"a", 3}, {"b", 12}});
  ASSERT_NE(broker, nullptr);
  ASSERT_TRUE(broker->CreateTopic({"c", 5}).ok());
  EXPECT_EQ(broker->CreateTopic({"c", 5}).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(broker->CreateTopic({"d", 0}).code(), absl::StatusCode::kInvalidArgument);

  KafkaHandle client = Producer(broker->bootstrap_servers());
  EXPECT_EQ(*PartitionCount(client.get(), "a", absl::Seconds(10)), 3);
  EXPECT_EQ(*PartitionCount(client.get(), "b", absl::Seconds(10)), 12);
  EXPECT_EQ(*PartitionCount(client.get(), "c", absl::Seconds(10)), 5);
  EXPECT_EQ(PartitionCount(client.get(), "missing", absl::Seconds(10)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(EmbeddedBrokerTest, ProduceConsumeRoundTripKeepsKeysOnOnePartition) {
  auto broker = StartBroker({{"events", 6}});
  ASSERT_NE(broker, nullptr);
  auto producer = SyncProducer::Create(broker->bootstrap_servers());
  ASSERT_TRUE(producer.ok()) << producer.status();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*producer)
                    ->Produce({.topic = "events",
                               .key = absl::StrCat("stream-", i % 4),
                               .value = absl::StrCat(i),
                               .headers = {{"h", "v"}}})
                    .ok());
  }
  auto records = ReadTopic(broker->bootstrap_servers(), "events", {});
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_THAT(*records, SizeIs(20));
  std::map<std::string, std::set<int32_t>> partitions_of_key;
  std::map<std::string, int> last_value_of_key;
  for (const KafkaRecord& record : *records) {
    partitions_of_key[record.key].insert(record.partition);
    const int value = std::stoi(record.value);
    EXPECT_GT(value, last_value_of_key.count(record.key) ? last_value_of_key[record.key] : -1);
    last_value_of_key[record.key] = value;
    EXPECT_EQ(record.Header("h"), "v");
  }
  EXPECT_THAT(partitions_of_key, SizeIs(4));
  for (const auto& [key, partitions] : partitions_of_key) EXPECT_THAT(partitions, SizeIs(1)) << key;
}

TEST(EmbeddedBrokerTest, EveryStartHasItsOwnIdentity) {
  std::string first_id;
  {
    auto first = StartBroker({});
    ASSERT_NE(first, nullptr);
    first_id = first->cluster_id();
    auto fetched = FetchClusterIdentity(first->bootstrap_servers(), absl::Seconds(10));
    ASSERT_TRUE(fetched.ok()) << fetched.status();
    EXPECT_EQ(*fetched, first_id);
  }
  // The second broker may well reuse the first one's memory, hence its mock cluster id.
  auto second = StartBroker({});
  ASSERT_NE(second, nullptr);
  EXPECT_THAT(first_id, MatchesRegex(R"(.+/[0-9a-f]{32})"));
  EXPECT_NE(second->cluster_id(), first_id);
}

TEST(EmbeddedBrokerTest, FetchClusterIdentityFailsWhenNoBrokerAnswers) {
  auto broker = StartBroker({});
  ASSERT_NE(broker, nullptr);
  ASSERT_TRUE(broker->SetDown().ok());
  EXPECT_FALSE(FetchClusterIdentity(broker->bootstrap_servers(), absl::Milliseconds(500)).ok());
}

std::atomic<int> delivered{0};
void CountDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) delivered.fetch_add(1);
}

TEST(EmbeddedBrokerTest, OutageQueuesProductionUntilTheBrokerIsBack) {
  auto broker = StartBroker({{"events", 2}});
  ASSERT_NE(broker, nullptr);
  auto conf = ProducerConfig(broker->bootstrap_servers());
  ASSERT_TRUE(conf.ok());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &CountDelivery);
  auto producer = NewProducer(std::move(*conf));
  ASSERT_TRUE(producer.ok());
  delivered = 0;

  ASSERT_TRUE(broker->SetDown().ok());
  for (int i = 0; i < 5; ++i) {
    const std::string key = absl::StrCat("k", i);
    ASSERT_EQ(rd_kafka_producev(producer->get(), RD_KAFKA_V_TOPIC("events"),
                                RD_KAFKA_V_KEY(key.data(), key.size()),
                                RD_KAFKA_V_VALUE(const_cast<char*>("v"), 1),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  // Bounded look for a delivery that must not happen while the broker is down.
  const absl::Time quiet_until = absl::Now() + absl::Seconds(1);
  while (absl::Now() < quiet_until) rd_kafka_poll(producer->get(), 50);
  EXPECT_EQ(delivered.load(), 0);
  EXPECT_EQ(rd_kafka_outq_len(producer->get()), 5);

  ASSERT_TRUE(broker->SetUp().ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (delivered.load() < 5 && absl::Now() < deadline) rd_kafka_poll(producer->get(), 50);
  EXPECT_EQ(delivered.load(), 5);
}

// Observed with librdkafka 2.0.2: a mock partition keeps at most 5 MiB of record batches
// (or 100000 batches) and drops whole batches from the front beyond that, moving the low
// watermark; nothing tells the producer or consumers.
TEST(EmbeddedBrokerTest, OldDataIsEvictedBeyondFiveMiBPerPartition) {
  auto broker = StartBroker({{"big", 1}});
  ASSERT_NE(broker, nullptr);
  // One message per batch, incompressible, so the byte count is what the broker stores.
  KafkaHandle producer =
      Producer(broker->bootstrap_servers(), {{"compression.type", "none"}, {"linger.ms", "0"}});
  constexpr size_t kMessageSize = size_t{64} * 1024;
  constexpr int kMessages = 112;  // 7 MiB
  absl::BitGen gen;
  std::string value(kMessageSize, '\0');
  for (int i = 0; i < kMessages; ++i) {
    for (char& c : value) c = static_cast<char>(absl::Uniform<uint8_t>(gen));
    ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("big"),
                                RD_KAFKA_V_VALUE(value.data(), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer.get(), 20000), RD_KAFKA_RESP_ERR_NO_ERROR);

  auto marks = QueryWatermarks(producer.get(), "big", absl::Seconds(10));
  ASSERT_TRUE(marks.ok()) << marks.status();
  ASSERT_THAT(*marks, SizeIs(1));
  const PartitionWatermarks& mark = (*marks)[0];
  EXPECT_EQ(mark.high, kMessages);
  EXPECT_GT(mark.low, 0);
  const int64_t retained_bytes = (mark.high - mark.low) * static_cast<int64_t>(kMessageSize);
  EXPECT_LE(retained_bytes, 5 * 1024 * 1024);
  EXPECT_GE(retained_bytes, 4 * 1024 * 1024);
  ::testing::Test::RecordProperty("retained_messages", static_cast<int>(mark.high - mark.low));
}

}  // namespace
}  // namespace sales::kafka
