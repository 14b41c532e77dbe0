#include "common/kafka/dead_letter_publisher.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::kafka {
absl::StatusOr<std::unique_ptr<DeadLetterPublisher>> DeadLetterPublisher::Create(
    const std::string& bootstrap_servers, std::string dead_letter_topic,
    const ConfigOverrides& overrides) {
  if (dead_letter_topic.empty()) {
    return absl::InvalidArgumentError("dead-letter topic must not be empty");
  }
  ASSIGN_OR_RETURN(auto producer, SyncProducer::Create(bootstrap_servers, overrides));
  return std::unique_ptr<DeadLetterPublisher>(
      new DeadLetterPublisher(std::move(producer), std::move(dead_letter_topic)));
}

absl::Status DeadLetterPublisher::Publish(const KafkaRecord& message, absl::string_view reason) {
  OutgoingMessage dead_letter{
      .topic = topic_, .key = message.key, .value = message.value, .headers = message.headers};
  dead_letter.headers.emplace_back(kReasonHeader, reason);
  dead_letter.headers.emplace_back(kSourceTopicHeader, message.topic);
  dead_letter.headers.emplace_back(kSourcePartitionHeader, absl::StrCat(message.partition));
  dead_letter.headers.emplace_back(kSourceOffsetHeader, absl::StrCat(message.offset));
  return producer_->Produce(dead_letter);
}

}  // namespace sales::kafka
