// EmbeddedBroker: a real Kafka-protocol broker inside this process, built on librdkafka's mock
// cluster (rdkafka_mock.h). Any Kafka client (kcat, librdkafka, kafka-python) can use it through
// bootstrap_servers().
//
//   ASSIGN_OR_RETURN(auto broker, EmbeddedBroker::Start({.topics = {{"sales.leads.v1", 12}}}));
//   std::cout << broker->bootstrap_servers();   // "127.0.0.1:39421"
//
// Limits of librdkafka 2.0.2's mock cluster, which the platform designs around (DESIGN.md):
// messages live in memory only; each partition keeps at most ~5 MiB or 100k batches and silently
// evicts the oldest (the low watermark moves up); Kafka transactions are not honoured; a plain
// idempotent producer is not de-duplicated (observed eviction: see embedded_broker_test.cc).
//
// Identity: every start has a new cluster_id(), "<metadata cluster id>/<random epoch id>", which
// projections use to notice that the broker's history is not the one their offsets refer to.
// The mock's own metadata id is derived from a pointer and may repeat across starts, so the
// broker also writes a random epoch record into the topic kBrokerEpochTopic; any client reads the
// same identity with FetchClusterIdentity (cluster_identity.h).
//
// Listeners: every mock broker listens on 127.0.0.1 only (INADDR_LOOPBACK, a random port);
// Start verifies this and fails otherwise.
//
// Thread-safety: all methods may be called from any thread.
#ifndef SALES_COMMON_KAFKA_EMBEDDED_BROKER_H_
#define SALES_COMMON_KAFKA_EMBEDDED_BROKER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace sales::kafka {

struct TopicSpec {
  std::string name;
  int partitions = 12;
};

struct EmbeddedBrokerOptions {
  std::vector<TopicSpec> topics;  // created at start
  int broker_count = 1;
};

class EmbeddedBroker {
 public:
  static absl::StatusOr<std::unique_ptr<EmbeddedBroker>> Start(
      const EmbeddedBrokerOptions& options);
  ~EmbeddedBroker();

  // "127.0.0.1:PORT[,…]" — bootstrap.servers for any client.
  const std::string& bootstrap_servers() const;
  // The identity FetchClusterIdentity returns for this broker; unique per start.
  std::string cluster_id() const;

  // Creates a topic (replication factor min(3, broker_count)). INVALID_ARGUMENT for an empty
  // name or partitions < 1; ALREADY_EXISTS when the topic exists.
  absl::Status CreateTopic(const TopicSpec& topic);
  // Takes every broker down / up (simulates an outage: connections are closed and refused).
  absl::Status SetDown();
  absl::Status SetUp();

 private:
  struct Impl;
  explicit EmbeddedBroker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sales::kafka

#endif  // SALES_COMMON_KAFKA_EMBEDDED_BROKER_H_
