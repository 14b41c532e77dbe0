#include "common/kafka/embedded_broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/kafka/client_config.h"
#include "common/kafka/cluster_identity.h"
#include "common/kafka/handles.h"
#include "common/kafka/sync_producer.h"
#include "common/status/status_macros.h"

namespace sales::kafka {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(10);

std::string RandomEpochId() {
  absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

absl::Status VerifyLoopbackOnly(const std::string& bootstrap_servers) {
  for (absl::string_view address : absl::StrSplit(bootstrap_servers, ',')) {
    if (!absl::StartsWith(address, "127.0.0.1:")) {
      return absl::InternalError(
          absl::StrCat("embedded broker listens on ", address, ", not on 127.0.0.1"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

struct EmbeddedBroker::Impl {
  ~Impl() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
  }

  KafkaHandle host;  // the handle the mock cluster lives in; outlives `cluster`
  rd_kafka_mock_cluster_t* cluster = nullptr;
  int broker_count = 0;
  std::string bootstrap_servers;
  std::string cluster_id;
};

absl::StatusOr<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(
    const EmbeddedBrokerOptions& options) {
  if (options.broker_count < 1) {
    return absl::InvalidArgumentError("embedded broker: broker_count must be at least 1");
  }
  auto impl = std::make_unique<Impl>();
  // The host handle never connects anywhere; log_level 4 hides its notice that it has no
  // bootstrap.servers (the mock's warnings and errors still show).
  ConfPtr host_conf(rd_kafka_conf_new());
  RETURN_IF_ERROR(SetProperty(host_conf.get(), "log_level", "4"));
  ASSIGN_OR_RETURN(impl->host, NewProducer(std::move(host_conf)));
  impl->cluster = rd_kafka_mock_cluster_new(impl->host.get(), options.broker_count);
  if (impl->cluster == nullptr) {
    return absl::InternalError("embedded broker: rd_kafka_mock_cluster_new failed");
  }
  impl->broker_count = options.broker_count;
  impl->bootstrap_servers = rd_kafka_mock_cluster_bootstraps(impl->cluster);
  RETURN_IF_ERROR(VerifyLoopbackOnly(impl->bootstrap_servers));

  std::unique_ptr<EmbeddedBroker> broker(new EmbeddedBroker(std::move(impl)));
  for (const TopicSpec& topic : options.topics) RETURN_IF_ERROR(broker->CreateTopic(topic));

  const std::string epoch_topic(kBrokerEpochTopic);
  RETURN_IF_ERROR(broker->CreateTopic({.name = epoch_topic, .partitions = 1}));
  ASSIGN_OR_RETURN(
      auto producer,
      SyncProducer::Create(
          broker->bootstrap_servers(),
          {{"message.timeout.ms", absl::StrCat(absl::ToInt64Milliseconds(kStartTimeout))}}));
  RETURN_IF_ERROR(
      producer->Produce({.topic = epoch_topic, .partition = 0, .value = RandomEpochId()}));
  ASSIGN_OR_RETURN(broker->impl_->cluster_id,
                   FetchClusterIdentity(broker->bootstrap_servers(), kStartTimeout));
  return broker;
}

EmbeddedBroker::EmbeddedBroker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmbeddedBroker::~EmbeddedBroker() = default;

const std::string& EmbeddedBroker::bootstrap_servers() const { return impl_->bootstrap_servers; }

std::string EmbeddedBroker::cluster_id() const { return impl_->cluster_id; }

absl::Status EmbeddedBroker::CreateTopic(const TopicSpec& topic) {
  if (topic.name.empty() || topic.partitions < 1) {
    return absl::InvalidArgumentError(absl::StrCat("embedded broker: bad topic spec '", topic.name,
                                                   "' with ", topic.partitions, " partitions"));
  }
  const rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
      impl_->cluster, topic.name.c_str(), topic.partitions, std::min(3, impl_->broker_count));
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return absl::AlreadyExistsError(absl::StrCat("kafka topic ", topic.name, " already exists"));
  }
  return KafkaError(err, absl::StrCat("embedded broker: create topic ", topic.name));
}

absl::Status EmbeddedBroker::SetDown() {
  for (int id = 1; id <= impl_->broker_count; ++id) {
    RETURN_IF_ERROR(KafkaError(rd_kafka_mock_broker_set_down(impl_->cluster, id),
                               absl::StrCat("embedded broker: set broker ", id, " down")));
  }
  return absl::OkStatus();
}

absl::Status EmbeddedBroker::SetUp() {
  for (int id = 1; id <= impl_->broker_count; ++id) {
    RETURN_IF_ERROR(KafkaError(rd_kafka_mock_broker_set_up(impl_->cluster, id),
                               absl::StrCat("embedded broker: set broker ", id, " up")));
  }
  return absl::OkStatus();
}

}  // namespace sales::kafka
