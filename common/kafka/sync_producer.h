// SyncProducer: produce one message and wait for its delivery report. For low-rate, must-land
// writes (dead letters, the embedded broker's epoch record) where the caller may only proceed
// once the broker has the message — not for the event stream (see common/outbox).
//
//   ASSIGN_OR_RETURN(auto producer, SyncProducer::Create(bootstrap, {{"message.timeout.ms",
//                                                                     "30000"}}));
//   RETURN_IF_ERROR(producer->Produce({.topic = "t", .key = "k", .value = bytes}));
//
// Uses ProducerConfig's defaults plus `overrides`; with the default message.timeout.ms=0,
// Produce waits through a broker outage for as long as it lasts.
//
// Thread-safety: Produce may be called from several threads at once; each call waits for its
// own message.
#ifndef SALES_COMMON_KAFKA_SYNC_PRODUCER_H_
#define SALES_COMMON_KAFKA_SYNC_PRODUCER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/kafka/client_config.h"
#include "common/kafka/handles.h"

namespace sales::kafka {

struct OutgoingMessage {
  std::string topic;
  int32_t partition = RD_KAFKA_PARTITION_UA;  // unassigned: the partitioner picks by key
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

class SyncProducer {
 public:
  static absl::StatusOr<std::unique_ptr<SyncProducer>> Create(
      const std::string& bootstrap_servers, const ConfigOverrides& overrides = {});

  // Returns once the broker acknowledged the message (OK) or librdkafka gave up on it (the
  // delivery error, mapped by KafkaError).
  absl::Status Produce(const OutgoingMessage& message);

 private:
  explicit SyncProducer(KafkaHandle producer) : producer_(std::move(producer)) {}
  // Prefetches the metadata of a topic on first use (see PrefetchTopicMetadata).
  void PrepareTopic(const std::string& topic);

  KafkaHandle producer_;
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> prepared_topics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_SYNC_PRODUCER_H_
