#include "common/kafka/client_config.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::kafka {
namespace {

const ConfigOverrides& CommonDefaults() {
  static const auto* const kDefaults = new ConfigOverrides{
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "1000"},
  };
  return *kDefaults;
}

absl::StatusOr<ConfPtr> BuildConfig(const std::string& bootstrap_servers,
                                    const ConfigOverrides& defaults,
                                    const ConfigOverrides& overrides) {
  if (bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("kafka property bootstrap.servers: must not be empty");
  }
  ConfPtr conf(rd_kafka_conf_new());
  RETURN_IF_ERROR(SetProperty(conf.get(), "bootstrap.servers", bootstrap_servers));
  for (const auto* properties : {&CommonDefaults(), &defaults, &overrides}) {
    for (const auto& [name, value] : *properties) {
      RETURN_IF_ERROR(SetProperty(conf.get(), name, value));
    }
  }
  return conf;
}

absl::StatusOr<KafkaHandle> NewHandle(rd_kafka_type_t type, ConfPtr conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka client creation failed: ", errstr));
  }
  (void)conf.release();  // rd_kafka_new took ownership.
  return KafkaHandle(rk);
}

}  // namespace

void HandleDeleter::operator()(rd_kafka_t* rk) const {
  if (rd_kafka_type(rk) == RD_KAFKA_CONSUMER) rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
}

absl::Status SetProperty(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
      RD_KAFKA_CONF_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("kafka property ", name, "=", value, ": ", errstr));
  }
  return absl::OkStatus();
}

absl::StatusOr<ConfPtr> ProducerConfig(const std::string& bootstrap_servers,
                                       const ConfigOverrides& overrides) {
  static const auto* const kDefaults = new ConfigOverrides{
      {"enable.idempotence", "true"}, {"acks", "all"},
      {"compression.type", "lz4"},    {"linger.ms", "5"},
      {"message.timeout.ms", "0"},    {"partitioner", "murmur2_random"},
  };
  return BuildConfig(bootstrap_servers, *kDefaults, overrides);
}

absl::StatusOr<ConfPtr> ConsumerConfig(const std::string& bootstrap_servers,
                                       const std::string& group_id,
                                       const ConfigOverrides& overrides) {
  // queued.min.messages: librdkafka keeps fetching until this many messages wait locally; at
  // its default (100,000) a projection catching up (2 cores, 12 partitions) ran dry ~20% of the
  // time and went 118k → 166–175k events/s with 1,000,000 (funnel_catch_up_benchmark). Memory
  // stays bounded by queued.max.messages.kbytes (64 MiB by default), which takes precedence.
  static const auto* const kDefaults = new ConfigOverrides{
      {"fetch.wait.max.ms", "10"},
      {"queued.min.messages", "1000000"},
      {"enable.auto.commit", "false"},
      {"auto.offset.reset", "error"},
      {"partition.assignment.strategy", "range"},
  };
  ASSIGN_OR_RETURN(ConfPtr conf, BuildConfig(bootstrap_servers, *kDefaults, overrides));
  RETURN_IF_ERROR(
      SetProperty(conf.get(), "group.id", group_id.empty() ? kAssignOnlyGroup : group_id));
  return conf;
}

absl::StatusOr<KafkaHandle> NewProducer(ConfPtr conf) {
  return NewHandle(RD_KAFKA_PRODUCER, std::move(conf));
}

absl::StatusOr<KafkaHandle> NewConsumer(ConfPtr conf) {
  ASSIGN_OR_RETURN(KafkaHandle rk, NewHandle(RD_KAFKA_CONSUMER, std::move(conf)));
  rd_kafka_poll_set_consumer(rk.get());
  return rk;
}

absl::Status KafkaError(rd_kafka_resp_err_t err, absl::string_view context) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  const std::string message = absl::StrCat(context, ": ", rd_kafka_err2str(err));
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
      return absl::UnavailableError(message);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return absl::NotFoundError(message);
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      return absl::OutOfRangeError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace sales::kafka
