#include "common/kafka/topic_info.h"

#include "absl/strings/str_cat.h"
#include "common/kafka/client_config.h"
#include "common/status/status_macros.h"

namespace sales::kafka {
namespace {

int TimeoutMs(absl::Duration timeout) {
  return static_cast<int>(absl::ToInt64Milliseconds(timeout));
}

}  // namespace

absl::StatusOr<int> PartitionCount(rd_kafka_t* rk, const std::string& topic,
                                   absl::Duration timeout) {
  // All-topics metadata: asking for one topic by name could auto-create it.
  const rd_kafka_metadata_t* metadata = nullptr;
  RETURN_IF_ERROR(
      KafkaError(rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &metadata, TimeoutMs(timeout)),
                 "kafka metadata request"));
  absl::StatusOr<int> count =
      absl::NotFoundError(absl::StrCat("kafka topic ", topic, " does not exist"));
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    if (topic != t.topic) continue;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      count = KafkaError(t.err, absl::StrCat("kafka topic ", topic));
    } else {
      count = t.partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return count;
}

absl::StatusOr<std::vector<PartitionWatermarks>> QueryWatermarks(rd_kafka_t* rk,
                                                                 const std::string& topic,
                                                                 absl::Duration timeout) {
  ASSIGN_OR_RETURN(int partitions, PartitionCount(rk, topic, timeout));
  std::vector<PartitionWatermarks> marks(partitions);
  for (int32_t p = 0; p < partitions; ++p) {
    marks[p].partition = p;
    RETURN_IF_ERROR(KafkaError(rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &marks[p].low,
                                                                &marks[p].high, TimeoutMs(timeout)),
                               absl::StrCat("kafka watermarks of ", topic, "/", p)));
  }
  return marks;
}

void PrefetchTopicMetadata(rd_kafka_t* producer, const std::string& topic, absl::Duration timeout) {
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer, topic.c_str(), nullptr);
  if (handle == nullptr) return;
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(producer, /*all_topics=*/0, handle, &metadata, TimeoutMs(timeout)) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(handle);
}

}  // namespace sales::kafka
