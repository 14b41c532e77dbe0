// ProjectionsServer: the read side as its own process (binary `projections`, DESIGN.md
// "Distributed"): the funnel read model fed from Kafka, caught up from the leads service's
// EventFeed over gRPC when Kafka cannot give it a contiguous history, the FunnelService and
// ProjectionAdmin over gRPC (health checking and reflection on) and /metrics. salesd hosts the
// same FunnelHost in process.
//
//   ASSIGN_OR_RETURN(auto server, ProjectionsServer::Start({.kafka_brokers = "kafka:9092",
//                                                           .leads_feed = "leads:50052"}));
//   server->Shutdown();
//
// The deal-history index (audit) is not hosted here: its tamper check reads the write services'
// stores, which only a process holding them (salesd) can do today.
//
// Thread-safety: accessors may be called from any thread; Shutdown is idempotent.
#ifndef SALES_SERVICES_PROJECTIONS_PROJECTIONS_SERVER_H_
#define SALES_SERVICES_PROJECTIONS_PROJECTIONS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/concurrency/executor.h"
#include "common/feed/grpc_event_feed_reader.h"
#include "common/grpc/grpc_server.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/metrics/metrics_http_server.h"
#include "services/projections/admin/projection_admin_service.h"
#include "services/projections/funnel_host.h"

namespace sales::projections {

struct ProjectionsServerOptions {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";  // gRPC and HTTP listen here
  int grpc_port = 50053;           // 0 picks a free port
  int http_port = 9466;            // /metrics; 0 picks a free port
  std::string kafka_brokers;       // required: bootstrap servers of the cluster
  std::string leads_feed;          // required: gRPC address serving the leads EventFeed
};

class ProjectionsServer {
 public:
  // INVALID_ARGUMENT without kafka_brokers or leads_feed; UNAVAILABLE when a port cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<ProjectionsServer>> Start(
      const ProjectionsServerOptions& options);
  ~ProjectionsServer();  // Shutdown()

  // Stops taking calls, then the runners. Idempotent.
  void Shutdown();

  std::string grpc_address() const { return grpc_->address(); }
  std::string metrics_url() const;
  funnel::FunnelHost* funnel() const { return funnel_.get(); }

 private:
  explicit ProjectionsServer(ProjectionsServerOptions options) : options_(std::move(options)) {}

  const ProjectionsServerOptions options_;
  concurrency::Executor executor_{4};
  std::unique_ptr<feed::GrpcEventFeedReader> leads_feed_;
  std::unique_ptr<kafka::DeadLetterPublisher> dead_letters_;
  std::unique_ptr<funnel::FunnelHost> funnel_;
  std::unique_ptr<ProjectionAdminService> admin_;
  std::unique_ptr<metrics::MetricsHttpServer> http_;
  std::unique_ptr<grpc_server::GrpcServer> grpc_;
  bool shut_down_ = false;
};

}  // namespace sales::projections

#endif  // SALES_SERVICES_PROJECTIONS_PROJECTIONS_SERVER_H_
