// Questions about a topic that a projection asks before trusting its stored offsets: how many
// partitions it has, and which offsets each partition still holds (the low watermark moves up
// when a broker evicts old data; the high watermark is the next offset to be written).
//
//   ASSIGN_OR_RETURN(std::vector<PartitionWatermarks> marks,
//                    QueryWatermarks(consumer.get(), "sales.leads.v1", absl::Seconds(5)));
//   if (stored_offset < marks[p].low) { /* history was evicted: catch up from the event feed */ }
//
// Thread-safety: safe to call from any thread with any librdkafka handle (producer or consumer).
#ifndef SALES_COMMON_KAFKA_TOPIC_INFO_H_
#define SALES_COMMON_KAFKA_TOPIC_INFO_H_

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sales::kafka {

struct PartitionWatermarks {
  int32_t partition = 0;
  int64_t low = 0;   // first offset still stored
  int64_t high = 0;  // offset of the next message to be written
};

// The topic's partition count from broker metadata. NOT_FOUND for an unknown topic (the request
// does not create it), UNAVAILABLE when no broker answers within `timeout`.
absl::StatusOr<int> PartitionCount(rd_kafka_t* rk, const std::string& topic,
                                   absl::Duration timeout);

// Watermarks of every partition, indexed by partition. `timeout` applies to each query.
absl::StatusOr<std::vector<PartitionWatermarks>> QueryWatermarks(rd_kafka_t* rk,
                                                                 const std::string& topic,
                                                                 absl::Duration timeout);

// Best effort, bounded by `timeout`: makes a producer learn the topic's partitions now.
// Otherwise librdkafka 2.0.2 learns a newly used topic's partitions only at its next 1 s
// metadata scan, delaying the first messages to it by up to a second.
void PrefetchTopicMetadata(rd_kafka_t* producer, const std::string& topic, absl::Duration timeout);

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_TOPIC_INFO_H_
