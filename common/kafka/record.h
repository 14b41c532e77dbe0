// KafkaRecord: an owned copy of a consumed Kafka message (librdkafka's rd_kafka_message_t is
// only valid until destroyed), e.g. to park it on a dead-letter topic or to collect it in tests.
//
//   MessagePtr message(rd_kafka_consumer_poll(consumer, 100));
//   KafkaRecord record = KafkaRecord::From(*message);
//   std::string type = record.Header("sales-event-type");
//
// Thread-safety: a plain value type.
#ifndef SALES_COMMON_KAFKA_RECORD_H_
#define SALES_COMMON_KAFKA_RECORD_H_

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sales::kafka {

struct KafkaRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;  // in message order

  // Copies topic, partition, offset, key, value and headers of a consumed message.
  static KafkaRecord From(const rd_kafka_message_t& message);

  // The value of the first header called `name`, or "" if there is none.
  std::string Header(const std::string& name) const;
};

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_RECORD_H_
