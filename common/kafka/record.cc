#include "common/kafka/record.h"

namespace sales::kafka {
namespace {

std::string Bytes(const void* data, size_t size) {
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

}  // namespace

KafkaRecord KafkaRecord::From(const rd_kafka_message_t& message) {
  KafkaRecord record{
      .topic = message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : "",
      .partition = message.partition,
      .offset = message.offset,
      .key = Bytes(message.key, message.key_len),
      .value = Bytes(message.payload, message.len),
  };
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      record.headers.emplace_back(name, Bytes(value, size));
    }
  }
  return record;
}

std::string KafkaRecord::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace sales::kafka
