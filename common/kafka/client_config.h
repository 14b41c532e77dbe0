// The platform's Kafka client defaults, in one place, and constructors for librdkafka handles.
//
//   ASSIGN_OR_RETURN(ConfPtr conf, ProducerConfig(broker->bootstrap_servers()));
//   ASSIGN_OR_RETURN(KafkaHandle producer, NewProducer(std::move(conf)));
//
//   ASSIGN_OR_RETURN(ConfPtr conf, ConsumerConfig(bootstrap, "funnel-projection",
//                                                 {{"enable.partition.eof", "true"}}));
//   ASSIGN_OR_RETURN(KafkaHandle consumer, NewConsumer(std::move(conf)));
//
// Producer defaults (and why):
//   enable.idempotence=true, acks=all  per-partition order survives retries, no gaps
//   message.timeout.ms=0               infinite: a broker outage delays publication, never fails it
//   compression.type=lz4, linger.ms=5  small batches fit more history in the mock's 5 MiB/partition
//   partitioner=murmur2_random         the Java client's key hashing, so every client agrees on
//                                      a stream's partition
// Consumer defaults:
//   fetch.wait.max.ms=10               the mock broker waits the full value on an empty fetch
//   enable.auto.commit=false           offsets are stored with the read model, not in Kafka
//   auto.offset.reset=error            an evicted offset is reported, never silently skipped
//   partition.assignment.strategy=range  one assignor for everyone (a mix aborts the mock)
// Both: reconnect.backoff.max.ms=1000 so that clients notice a returning broker within ~1 s.
//
// Overrides are applied after the defaults; an unknown property or bad value is
// INVALID_ARGUMENT naming the property.
//
// Thread-safety: the functions are thread-safe; a configuration object is not (own it alone).
#ifndef SALES_COMMON_KAFKA_CLIENT_CONFIG_H_
#define SALES_COMMON_KAFKA_CLIENT_CONFIG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/kafka/handles.h"

namespace sales::kafka {

// (property, value) pairs applied on top of the defaults.
using ConfigOverrides = std::vector<std::pair<std::string, std::string>>;

// Sets one property; INVALID_ARGUMENT "kafka property <name>=<value>: <librdkafka's reason>".
absl::Status SetProperty(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

absl::StatusOr<ConfPtr> ProducerConfig(const std::string& bootstrap_servers,
                                       const ConfigOverrides& overrides = {});

// An empty `group_id` makes an assign-only consumer (rd_kafka_assign, no subscribe): its
// group.id is kAssignOnlyGroup, because librdkafka 2.0.2 refuses rd_kafka_assign without one.
// Such a consumer never joins the group and, with auto-commit off, commits nothing, so any
// number of them may share the name.
inline constexpr char kAssignOnlyGroup[] = "sales-assign-only";
absl::StatusOr<ConfPtr> ConsumerConfig(const std::string& bootstrap_servers,
                                       const std::string& group_id,
                                       const ConfigOverrides& overrides = {});

// Creates the handle, consuming `conf` (also on failure). NewConsumer also redirects the main
// queue to the consumer queue (rd_kafka_poll_set_consumer), so rd_kafka_consumer_poll serves
// everything.
absl::StatusOr<KafkaHandle> NewProducer(ConfPtr conf);
absl::StatusOr<KafkaHandle> NewConsumer(ConfPtr conf);

// librdkafka error → absl::Status: UNAVAILABLE for transport/timeouts, NOT_FOUND for unknown
// topics or partitions, OUT_OF_RANGE for offsets outside the log, INTERNAL otherwise.
absl::Status KafkaError(rd_kafka_resp_err_t err, absl::string_view context);

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_CLIENT_CONFIG_H_
