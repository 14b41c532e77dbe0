// DeadLetterPublisher: parks a message a consumer cannot process (undecodable bytes, an event
// type with no handler) on a dead-letter topic, with the reason and where it came from, so the
// consumer can move past it without losing it.
//
//   ASSIGN_OR_RETURN(auto dlq, DeadLetterPublisher::Create(bootstrap, "sales.dlq.v1"));
//   RETURN_IF_ERROR(dlq->Publish(KafkaRecord::From(*message), "envelope does not parse"));
//   // only now advance the stored offset past `message`
//
// The dead letter keeps the original key and value byte for byte (and the original headers),
// and adds the headers kReasonHeader, kSourceTopicHeader, kSourcePartitionHeader and
// kSourceOffsetHeader (decimal strings for the numbers).
//
// Contract: Publish returns only once the broker acknowledged the dead letter, or with the
// error that made librdkafka give up; with the default (infinite) delivery timeout it waits out
// a broker outage. So once it returns OK the caller may safely advance its offset.
//
// Thread-safety: Publish may be called from several threads at once.
#ifndef SALES_COMMON_KAFKA_DEAD_LETTER_PUBLISHER_H_
#define SALES_COMMON_KAFKA_DEAD_LETTER_PUBLISHER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/kafka/client_config.h"
#include "common/kafka/record.h"
#include "common/kafka/sync_producer.h"

namespace sales::kafka {

inline constexpr absl::string_view kReasonHeader = "sales-dlq-reason";
inline constexpr absl::string_view kSourceTopicHeader = "sales-dlq-source-topic";
inline constexpr absl::string_view kSourcePartitionHeader = "sales-dlq-source-partition";
inline constexpr absl::string_view kSourceOffsetHeader = "sales-dlq-source-offset";

class DeadLetterPublisher {
 public:
  // `overrides` go to the producer (e.g. {"message.timeout.ms", "30000"} to bound the wait).
  static absl::StatusOr<std::unique_ptr<DeadLetterPublisher>> Create(
      const std::string& bootstrap_servers, std::string dead_letter_topic,
      const ConfigOverrides& overrides = {});

  // `message` is the record as consumed (KafkaRecord::From).
  absl::Status Publish(const KafkaRecord& message, absl::string_view reason);

  const std::string& topic() const { return topic_; }

 private:
  DeadLetterPublisher(std::unique_ptr<SyncProducer> producer, std::string topic)
      : producer_(std::move(producer)), topic_(std::move(topic)) {}

  std::unique_ptr<SyncProducer> producer_;
  std::string topic_;
};

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_DEAD_LETTER_PUBLISHER_H_
