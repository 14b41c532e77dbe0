#include "common/kafka/cluster_identity.h"

#include "absl/strings/str_cat.h"
#include "common/kafka/client_config.h"
#include "common/kafka/handles.h"
#include "common/kafka/topic_info.h"
#include "common/status/status_macros.h"

namespace sales::kafka {
namespace {

int RemainingMs(absl::Time deadline) {
  return static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
}

absl::StatusOr<std::string> MetadataClusterId(rd_kafka_t* rk, absl::Time deadline) {
  char* id = rd_kafka_clusterid(rk, RemainingMs(deadline));
  if (id == nullptr) {
    return absl::UnavailableError("kafka cluster id: no broker answered in time");
  }
  std::string cluster_id(id);
  rd_kafka_mem_free(rk, id);
  return cluster_id;
}

// The value of the epoch topic's first record.
absl::StatusOr<std::string> ReadEpoch(rd_kafka_t* consumer, absl::Time deadline) {
  // An explicit offset rather than OFFSET_BEGINNING: resolving the logical offset costs the
  // consumer an extra round of its own, often ~500 ms.
  const std::string topic(kBrokerEpochTopic);
  int64_t low = 0;
  int64_t high = 0;
  RETURN_IF_ERROR(KafkaError(rd_kafka_query_watermark_offsets(consumer, topic.c_str(), 0, &low,
                                                              &high, RemainingMs(deadline)),
                             absl::StrCat("kafka watermarks of ", topic)));
  PartitionListPtr assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), 0)->offset = low;
  RETURN_IF_ERROR(KafkaError(rd_kafka_assign(consumer, assignment.get()), "kafka assign"));
  while (absl::Now() < deadline) {
    MessagePtr message(rd_kafka_consumer_poll(consumer, std::min(100, RemainingMs(deadline))));
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      return absl::FailedPreconditionError(
          absl::StrCat("kafka topic ", kBrokerEpochTopic, " exists but is empty"));
    }
    RETURN_IF_ERROR(KafkaError(message->err, absl::StrCat("kafka read of ", kBrokerEpochTopic)));
    return std::string(static_cast<const char*>(message->payload), message->len);
  }
  return absl::DeadlineExceededError(absl::StrCat("kafka read of ", kBrokerEpochTopic));
}

}  // namespace

absl::StatusOr<std::string> FetchClusterIdentity(const std::string& bootstrap_servers,
                                                 absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  ASSIGN_OR_RETURN(ConfPtr conf, ConsumerConfig(bootstrap_servers, /*group_id=*/"",
                                                {{"enable.partition.eof", "true"}}));
  ASSIGN_OR_RETURN(KafkaHandle consumer, NewConsumer(std::move(conf)));
  // The metadata request first: its answer also caches the cluster id, which
  // rd_kafka_clusterid would otherwise wait for until a periodic refresh.
  absl::StatusOr<int> partitions = PartitionCount(consumer.get(), std::string(kBrokerEpochTopic),
                                                  absl::Milliseconds(RemainingMs(deadline)));
  if (!partitions.ok() && !absl::IsNotFound(partitions.status())) return partitions.status();
  ASSIGN_OR_RETURN(std::string cluster_id, MetadataClusterId(consumer.get(), deadline));
  if (!partitions.ok()) return cluster_id;  // no epoch topic: a real Kafka cluster
  ASSIGN_OR_RETURN(std::string epoch, ReadEpoch(consumer.get(), deadline));
  return absl::StrCat(cluster_id, "/", epoch);
}

}  // namespace sales::kafka
