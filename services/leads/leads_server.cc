#include "services/leads/leads_server.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace sales::leads {

absl::StatusOr<std::unique_ptr<LeadsHost>> LeadsHost::Open(LeadsHostOptions options) {
  if (options.store == nullptr || options.executor == nullptr) {
    return absl::InvalidArgumentError("LeadsHost: store and executor are required");
  }
  auto host = std::unique_ptr<LeadsHost>(new LeadsHost());
  ASSIGN_OR_RETURN(host->app_,
                   LeadsApp::Create({.store = options.store,
                                     .read_model_path = options.data_dir + "/leads/read_model",
                                     .clock = std::move(options.clock),
                                     .overdue_scan_interval = options.overdue_scan_interval}));
  host->service_ = std::make_unique<LeadServiceImpl>(host->app_.get(), options.executor);
  host->app_->StartOverdueScanner();
  return host;
}

absl::StatusOr<std::unique_ptr<LeadsServer>> LeadsServer::Start(const LeadsServerOptions& options) {
  if (options.kafka_brokers.empty()) {
    return absl::InvalidArgumentError(
        "leads: --kafka_brokers is required (a Kafka cluster's bootstrap servers)");
  }
  auto server = std::unique_ptr<LeadsServer>(new LeadsServer(options));
  ASSIGN_OR_RETURN(server->write_side_,
                   runtime::WriteSide::Open({.context = "leads",
                                             .data_dir = options.data_dir,
                                             .bootstrap_servers = options.kafka_brokers},
                                            &server->executor_));
  ASSIGN_OR_RETURN(server->host_, LeadsHost::Open({.data_dir = options.data_dir,
                                                   .store = server->write_side_->store(),
                                                   .executor = &server->executor_}));
  ASSIGN_OR_RETURN(server->http_,
                   metrics::MetricsHttpServer::Start(&metrics::MetricsRegistry::Default(),
                                                     options.host, options.http_port));
  const std::vector<grpc::Service*> services = {server->host_->service(),
                                                server->write_side_->feed_service()};
  ASSIGN_OR_RETURN(server->grpc_, grpc_server::GrpcServer::Start(
                                      {.host = options.host, .port = options.grpc_port}, services));
  server->grpc_->SetServing(LeadsHost::kServiceName, true);
  server->grpc_->SetServing("sales.common.v1.EventFeed", true);
  log::Info("leads.started", {{"grpc", server->grpc_address()},
                              {"kafka", options.kafka_brokers},
                              {"metrics", server->metrics_url()},
                              {"data_dir", options.data_dir}});
  return server;
}

LeadsServer::~LeadsServer() { Shutdown(); }

void LeadsServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Calls first (they use the app), then the app and its scanner, then the relay and the store.
  const bool was_serving = grpc_ != nullptr;
  if (was_serving) grpc_->Shutdown(absl::Now() + absl::Seconds(5));
  host_.reset();
  write_side_.reset();
  http_.reset();
  if (was_serving) log::Info("leads.stopped", {{"data_dir", options_.data_dir}});
}

std::string LeadsServer::metrics_url() const {
  return absl::StrCat("http://", options_.host, ":", http_->port(), "/metrics");
}

}  // namespace sales::leads
