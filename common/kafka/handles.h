// RAII owners for librdkafka's C objects, so that every early return releases them.
//
//   ConfPtr conf(rd_kafka_conf_new());
//   KafkaHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.release(), errstr, sizeof(errstr)));
//   MessagePtr msg(rd_kafka_consumer_poll(rk.get(), 100));
//
// Note: rd_kafka_new takes ownership of the configuration only when it succeeds; release the
// ConfPtr only then (client_config.h's NewProducer/NewConsumer do this for you).
//
// Thread-safety: the owners are plain std::unique_ptr values (not synchronised themselves).
#ifndef SALES_COMMON_KAFKA_HANDLES_H_
#define SALES_COMMON_KAFKA_HANDLES_H_

#include <librdkafka/rdkafka.h>

#include <memory>

namespace sales::kafka {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
// Destroys the handle. A consumer is closed first (leaves its group, commits nothing since
// auto-commit is off); a producer is NOT flushed: call rd_kafka_flush first if that matters.
struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const;
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using KafkaHandle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_HANDLES_H_
