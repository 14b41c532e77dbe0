// Test helper: read a whole topic from the beginning, without a consumer group.
//
//   ASSIGN_OR_RETURN(std::vector<KafkaRecord> messages,
//                    ReadTopic(broker->bootstrap_servers(), "sales.leads.v1",
//                              {.min_messages = 300, .timeout = absl::Seconds(20)}));
//
// Partition order is kept within each partition; partitions interleave arbitrarily.
// For tests and tools only (linked as sales::kafka_testing).
//
// Thread-safety: thread-safe (each call uses its own consumer).
#ifndef SALES_COMMON_KAFKA_TEST_CONSUMER_H_
#define SALES_COMMON_KAFKA_TEST_CONSUMER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/kafka/record.h"

namespace sales::kafka {

struct ReadTopicOptions {
  // Stop as soon as this many messages were read; 0 means read to the end of every partition.
  size_t min_messages = 0;
  // DEADLINE_EXCEEDED if the condition above is not met in time.
  absl::Duration timeout = absl::Seconds(20);
};

absl::StatusOr<std::vector<KafkaRecord>> ReadTopic(const std::string& bootstrap_servers,
                                                   const std::string& topic,
                                                   const ReadTopicOptions& options);

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_TEST_CONSUMER_H_
