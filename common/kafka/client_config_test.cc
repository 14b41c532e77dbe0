#include "common/kafka/client_config.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sales::kafka {
namespace {

using ::testing::HasSubstr;

std::string Get(rd_kafka_conf_t* conf, const char* name) {
  char value[512];
  size_t size = sizeof(value);
  if (rd_kafka_conf_get(conf, name, value, &size) != RD_KAFKA_CONF_OK) return "<unset>";
  return value;
}

TEST(ClientConfigTest, ProducerHasPlatformDefaults) {
  auto conf = ProducerConfig("127.0.0.1:9092");
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(Get(conf->get(), "bootstrap.servers"), "127.0.0.1:9092");
  EXPECT_EQ(Get(conf->get(), "enable.idempotence"), "true");
  EXPECT_EQ(Get(conf->get(), "acks"), "-1");  // "all"
  EXPECT_EQ(Get(conf->get(), "compression.type"), "lz4");
  EXPECT_EQ(Get(conf->get(), "linger.ms"), "5");
  EXPECT_EQ(Get(conf->get(), "message.timeout.ms"), "0");
  EXPECT_EQ(Get(conf->get(), "partitioner"), "murmur2_random");
}

TEST(ClientConfigTest, ConsumerHasPlatformDefaultsAndGroup) {
  auto conf = ConsumerConfig("127.0.0.1:9092", "funnel");
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(Get(conf->get(), "group.id"), "funnel");
  EXPECT_EQ(Get(conf->get(), "fetch.wait.max.ms"), "10");
  EXPECT_EQ(Get(conf->get(), "enable.auto.commit"), "false");
  EXPECT_EQ(Get(conf->get(), "auto.offset.reset"), "error");
  EXPECT_EQ(Get(conf->get(), "partition.assignment.strategy"), "range");
}

TEST(ClientConfigTest, OverridesWinOverDefaults) {
  auto conf = ProducerConfig("127.0.0.1:9092", {{"linger.ms", "50"}});
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(Get(conf->get(), "linger.ms"), "50");
}

TEST(ClientConfigTest, UnknownPropertyIsInvalidArgumentNamingIt) {
  auto conf = ConsumerConfig("127.0.0.1:9092", "g", {{"no.such.property", "1"}});
  EXPECT_EQ(conf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(conf.status().message(), HasSubstr("no.such.property=1"));
}

TEST(ClientConfigTest, BadValueIsInvalidArgumentNamingIt) {
  auto conf = ProducerConfig("127.0.0.1:9092", {{"compression.type", "banana"}});
  EXPECT_EQ(conf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(conf.status().message(), HasSubstr("compression.type=banana"));
}

TEST(ClientConfigTest, EmptyBootstrapIsRefused) {
  EXPECT_EQ(ProducerConfig("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClientConfigTest, EmptyGroupMeansAssignOnlyConsumer) {
  auto conf = ConsumerConfig("127.0.0.1:9092", "");
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(Get(conf->get(), "group.id"), kAssignOnlyGroup);
}

TEST(ClientConfigTest, NewProducerAndConsumerCreateHandles) {
  auto producer = NewProducer(*ProducerConfig("127.0.0.1:1"));
  ASSERT_TRUE(producer.ok()) << producer.status();
  EXPECT_EQ(rd_kafka_type(producer->get()), RD_KAFKA_PRODUCER);
  auto consumer = NewConsumer(*ConsumerConfig("127.0.0.1:1", "g"));
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  EXPECT_EQ(rd_kafka_type(consumer->get()), RD_KAFKA_CONSUMER);
}

TEST(ClientConfigTest, KafkaErrorMapsCodes) {
  EXPECT_TRUE(KafkaError(RD_KAFKA_RESP_ERR_NO_ERROR, "x").ok());
  EXPECT_TRUE(absl::IsUnavailable(KafkaError(RD_KAFKA_RESP_ERR__TRANSPORT, "x")));
  EXPECT_TRUE(absl::IsNotFound(KafkaError(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "x")));
  EXPECT_TRUE(absl::IsOutOfRange(KafkaError(RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE, "x")));
  EXPECT_THAT(KafkaError(RD_KAFKA_RESP_ERR__FAIL, "context").message(), HasSubstr("context: "));
}

}  // namespace
}  // namespace sales::kafka
