#include "common/kafka/test_consumer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/kafka/client_config.h"
#include "common/kafka/handles.h"
#include "common/kafka/topic_info.h"
#include "common/status/status_macros.h"

namespace sales::kafka {

absl::StatusOr<std::vector<KafkaRecord>> ReadTopic(const std::string& bootstrap_servers,
                                                   const std::string& topic,
                                                   const ReadTopicOptions& options) {
  const absl::Time deadline = absl::Now() + options.timeout;
  ASSIGN_OR_RETURN(ConfPtr conf, ConsumerConfig(bootstrap_servers, /*group_id=*/"",
                                                {{"enable.partition.eof", "true"}}));
  ASSIGN_OR_RETURN(KafkaHandle consumer, NewConsumer(std::move(conf)));
  // Explicit start offsets: resolving OFFSET_BEGINNING costs the consumer ~500 ms.
  ASSIGN_OR_RETURN(std::vector<PartitionWatermarks> marks,
                   QueryWatermarks(consumer.get(), topic, options.timeout));
  const int partitions = static_cast<int>(marks.size());
  PartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
  for (const PartitionWatermarks& mark : marks) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), mark.partition)->offset =
        mark.low;
  }
  RETURN_IF_ERROR(KafkaError(rd_kafka_assign(consumer.get(), assignment.get()), "kafka assign"));

  std::vector<KafkaRecord> messages;
  std::vector<bool> at_end(partitions, false);
  auto done = [&] {
    if (options.min_messages > 0) return messages.size() >= options.min_messages;
    return std::find(at_end.begin(), at_end.end(), false) == at_end.end();
  };
  while (!done()) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("read ", messages.size(), " messages of ", topic, " in time"));
    }
    MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 50));
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end[message->partition] = true;
      continue;
    }
    RETURN_IF_ERROR(KafkaError(message->err, absl::StrCat("kafka read of ", topic)));
    at_end[message->partition] = false;
    messages.push_back(KafkaRecord::From(*message));
  }
  return messages;
}

}  // namespace sales::kafka
