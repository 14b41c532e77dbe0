#include "common/kafka/sync_producer.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "common/kafka/topic_info.h"
#include "common/status/status_macros.h"

namespace sales::kafka {
namespace {

// One Produce call's outcome, written by the delivery-report callback (on whichever thread
// polls) and read by the waiting caller.
struct Delivery {
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::atomic<bool> done{false};
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  auto* delivery = static_cast<Delivery*>(message->_private);
  delivery->err = message->err;
  delivery->done.store(true, std::memory_order_release);
}

}  // namespace

absl::StatusOr<std::unique_ptr<SyncProducer>> SyncProducer::Create(
    const std::string& bootstrap_servers, const ConfigOverrides& overrides) {
  ASSIGN_OR_RETURN(ConfPtr conf, ProducerConfig(bootstrap_servers, overrides));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &OnDelivery);
  ASSIGN_OR_RETURN(KafkaHandle producer, NewProducer(std::move(conf)));
  return std::unique_ptr<SyncProducer>(new SyncProducer(std::move(producer)));
}

void SyncProducer::PrepareTopic(const std::string& topic) {
  {
    absl::MutexLock lock(&mu_);
    if (!prepared_topics_.insert(topic).second) return;
  }
  PrefetchTopicMetadata(producer_.get(), topic, absl::Seconds(1));
}

absl::Status SyncProducer::Produce(const OutgoingMessage& message) {
  PrepareTopic(message.topic);
  HeadersPtr headers(rd_kafka_headers_new(message.headers.size()));
  for (const auto& [name, value] : message.headers) {
    rd_kafka_header_add(headers.get(), name.data(), static_cast<ssize_t>(name.size()), value.data(),
                        static_cast<ssize_t>(value.size()));
  }
  Delivery delivery;
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_.get(), RD_KAFKA_V_TOPIC(message.topic.c_str()),
      RD_KAFKA_V_PARTITION(message.partition),
      RD_KAFKA_V_KEY(message.key.data(), message.key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(message.value.data()), message.value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers.get()),
      RD_KAFKA_V_OPAQUE(&delivery), RD_KAFKA_V_END);
  RETURN_IF_ERROR(KafkaError(err, absl::StrCat("kafka produce to ", message.topic)));
  (void)headers.release();  // the message owns them now
  while (!delivery.done.load(std::memory_order_acquire)) rd_kafka_poll(producer_.get(), 10);
  return KafkaError(delivery.err, absl::StrCat("kafka delivery to ", message.topic));
}

}  // namespace sales::kafka
