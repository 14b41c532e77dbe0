// Salesd: the embedded all-in-one deployment (DESIGN.md, "Running it"). One process hosts the
// embedded Kafka broker (or connects to a real cluster), every bounded context's write side
// (event store + outbox relay + event feed), the projections, a gRPC server (health checking and
// reflection on) and the Prometheus /metrics endpoint, all under one data directory.
//
//   ASSIGN_OR_RETURN(auto salesd, Salesd::Start({.data_dir = "./data"}));
//   std::cout << salesd->grpc_address();
//   ...
//   salesd->Shutdown();
//
// Restarting loses nothing: the event stores are the record, outbox rows not yet acknowledged by
// Kafka are published again, and projections catch up from the stores when the (in-memory)
// embedded broker starts empty.
#ifndef SALES_SERVICES_SALESD_SALESD_H_
#define SALES_SERVICES_SALESD_SALESD_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/grpc/grpc_server.h"
#include "common/kafka/embedded_broker.h"
#include "common/metrics/metrics_http_server.h"
#include "common/runtime/write_side.h"
#include "services/salesd/data_dir_lock.h"

namespace sales::salesd {

struct SalesdOptions {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";  // gRPC and HTTP listen here
  int grpc_port = 50051;           // 0 picks a free port
  int http_port = 9464;            // /metrics; 0 picks a free port
  // Empty: start the embedded broker. Otherwise a real cluster's bootstrap servers.
  std::string kafka_brokers;
  int kafka_partitions = 12;  // per topic created on the embedded broker
  // The bounded contexts whose write sides are hosted ("leads", …).
  std::vector<std::string> contexts;
};

class Salesd {
 public:
  static absl::StatusOr<std::unique_ptr<Salesd>> Start(const SalesdOptions& options);
  // Equivalent to Shutdown().
  ~Salesd();

  // Stops taking calls, stops relays (publishing what they can), closes the stores. Idempotent.
  void Shutdown();

  std::string grpc_address() const { return grpc_->address(); }
  const std::string& kafka_bootstrap() const { return kafka_bootstrap_; }
  std::string metrics_url() const;
  bool embedded_broker() const { return broker_ != nullptr; }
  // The write side of a hosted context, or nullptr.
  runtime::WriteSide* context(absl::string_view name) const;

 private:
  explicit Salesd(SalesdOptions options);

  const SalesdOptions options_;
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::string kafka_bootstrap_;
  concurrency::Executor executor_{4};
  std::vector<std::unique_ptr<runtime::WriteSide>> contexts_;
  std::unique_ptr<metrics::MetricsHttpServer> http_;
  std::unique_ptr<grpc_server::GrpcServer> grpc_;
  bool shut_down_ = false;
};

}  // namespace sales::salesd

#endif  // SALES_SERVICES_SALESD_SALESD_H_
