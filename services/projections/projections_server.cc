#include "services/projections/projections_server.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/runtime/write_side.h"
#include "common/status/status_macros.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace sales::projections {

absl::StatusOr<std::unique_ptr<ProjectionsServer>> ProjectionsServer::Start(
    const ProjectionsServerOptions& options) {
  if (options.kafka_brokers.empty()) {
    return absl::InvalidArgumentError(
        "projections: --kafka_brokers is required (a Kafka cluster's bootstrap servers)");
  }
  if (options.leads_feed.empty()) {
    return absl::InvalidArgumentError(
        "projections: --leads_feed is required (the gRPC address of the leads service)");
  }
  auto server = std::unique_ptr<ProjectionsServer>(new ProjectionsServer(options));
  server->leads_feed_ = std::make_unique<feed::GrpcEventFeedReader>(
      grpc::CreateChannel(options.leads_feed, grpc::InsecureChannelCredentials()));
  ASSIGN_OR_RETURN(server->dead_letters_,
                   kafka::DeadLetterPublisher::Create(options.kafka_brokers,
                                                      std::string(runtime::kDeadLetterTopic)));
  ASSIGN_OR_RETURN(server->funnel_,
                   funnel::FunnelHost::Open({.data_dir = options.data_dir,
                                             .bootstrap_servers = options.kafka_brokers,
                                             .sources = {{.topic = runtime::TopicFor("leads"),
                                                          .feed = server->leads_feed_.get()}},
                                             .dead_letters = server->dead_letters_.get(),
                                             .executor = &server->executor_,
                                             .metrics = &metrics::MetricsRegistry::Default()}));
  server->admin_ = std::make_unique<ProjectionAdminService>(
      &server->executor_, absl::StrCat(options.data_dir, "/projections"));
  server->admin_->Register(server->funnel_->administered());
  ASSIGN_OR_RETURN(server->http_,
                   metrics::MetricsHttpServer::Start(&metrics::MetricsRegistry::Default(),
                                                     options.host, options.http_port));
  const std::vector<grpc::Service*> services = {server->funnel_->service(), server->admin_.get()};
  ASSIGN_OR_RETURN(server->grpc_, grpc_server::GrpcServer::Start(
                                      {.host = options.host, .port = options.grpc_port}, services));
  server->grpc_->SetServing(funnel::FunnelHost::kServiceName, true);
  server->grpc_->SetServing(ProjectionAdminService::kServiceName, true);
  log::Info("projections.started", {{"grpc", server->grpc_address()},
                                    {"kafka", options.kafka_brokers},
                                    {"leads_feed", options.leads_feed},
                                    {"metrics", server->metrics_url()},
                                    {"data_dir", options.data_dir}});
  return server;
}

ProjectionsServer::~ProjectionsServer() { Shutdown(); }

void ProjectionsServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Open watches end first (they would hold the server's shutdown), then calls, then runners.
  const bool was_serving = grpc_ != nullptr;
  if (funnel_ != nullptr) funnel_->EndWatches();
  if (was_serving) grpc_->Shutdown(absl::Now() + absl::Seconds(5));
  funnel_.reset();
  http_.reset();
  if (was_serving) log::Info("projections.stopped", {{"data_dir", options_.data_dir}});
}

std::string ProjectionsServer::metrics_url() const {
  return absl::StrCat("http://", options_.host, ":", http_->port(), "/metrics");
}

}  // namespace sales::projections
