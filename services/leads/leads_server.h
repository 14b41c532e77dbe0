// The composition of the leads service, shared by its two deployments (DESIGN.md "Running it":
// same code, flags choose the role):
//
//   LeadsHost    the service inside a process that already runs the leads write side: the
//                LeadsApp over the write side's store (read model in
//                <data_dir>/leads/read_model), its gRPC adapter, the overdue scanner. salesd
//                uses it.
//   LeadsServer  the service as its own process (binary `leads`): the "leads" WriteSide against
//                a Kafka cluster, a LeadsHost, one gRPC server (LeadService + EventFeed, health
//                and reflection) and /metrics.
//
//   ASSIGN_OR_RETURN(auto host, LeadsHost::Open({.data_dir = dir, .store = side->store(),
//                                                .executor = &executor}));
//   services.push_back(host->service());
//   ... start the gRPC server ...
//   server->SetServing(LeadsHost::kServiceName, true);
//
//   ASSIGN_OR_RETURN(auto server, LeadsServer::Start({.data_dir = "./data",
//                                                     .kafka_brokers = "kafka:9092"}));
//   server->Shutdown();
//
// Thread-safety: accessors may be called from any thread. Destroy a LeadsHost after the gRPC
// server serving service() has shut down and before the store it was opened on.
#ifndef SALES_SERVICES_LEADS_LEADS_SERVER_H_
#define SALES_SERVICES_LEADS_LEADS_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/concurrency/executor.h"
#include "common/eventstore/event_store.h"
#include "common/grpc/grpc_server.h"
#include "common/metrics/metrics_http_server.h"
#include "common/runtime/write_side.h"
#include "services/leads/api/lead_service_impl.h"
#include "services/leads/app/leads_app.h"

namespace sales::leads {

struct LeadsHostOptions {
  std::string data_dir;                       // the read model goes under <data_dir>/leads
  eventstore::EventStore* store = nullptr;    // the leads store; must outlive the host
  concurrency::Executor* executor = nullptr;  // runs the RPCs; must outlive the host
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  absl::Duration overdue_scan_interval = absl::Minutes(1);
};

class LeadsHost {
 public:
  static constexpr const char* kServiceName = LeadServiceImpl::kServiceName;

  // Opens the app and starts its overdue scanner.
  static absl::StatusOr<std::unique_ptr<LeadsHost>> Open(LeadsHostOptions options);

  LeadsApp* app() const { return app_.get(); }
  grpc::Service* service() const { return service_.get(); }

 private:
  LeadsHost() = default;

  std::unique_ptr<LeadsApp> app_;
  std::unique_ptr<LeadServiceImpl> service_;
};

struct LeadsServerOptions {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";  // gRPC and HTTP listen here
  int grpc_port = 50052;           // 0 picks a free port
  int http_port = 9465;            // /metrics; 0 picks a free port
  std::string kafka_brokers;       // required: bootstrap servers the relay publishes to
};

class LeadsServer {
 public:
  // INVALID_ARGUMENT without kafka_brokers; UNAVAILABLE when a port cannot be bound.
  static absl::StatusOr<std::unique_ptr<LeadsServer>> Start(const LeadsServerOptions& options);
  // Equivalent to Shutdown().
  ~LeadsServer();

  // Stops taking calls, stops the app and the relay (publishing what it can), closes the store.
  // Idempotent.
  void Shutdown();

  std::string grpc_address() const { return grpc_->address(); }
  std::string metrics_url() const;
  LeadsApp* app() const { return host_->app(); }

 private:
  explicit LeadsServer(LeadsServerOptions options) : options_(std::move(options)) {}

  const LeadsServerOptions options_;
  concurrency::Executor executor_{4};
  std::unique_ptr<runtime::WriteSide> write_side_;
  std::unique_ptr<LeadsHost> host_;
  std::unique_ptr<metrics::MetricsHttpServer> http_;
  std::unique_ptr<grpc_server::GrpcServer> grpc_;
  bool shut_down_ = false;
};

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_LEADS_SERVER_H_
