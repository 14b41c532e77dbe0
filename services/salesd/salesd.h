// Salesd: the embedded all-in-one deployment (DESIGN.md, "Running it"). One process hosts the
// embedded Kafka broker (or connects to a real cluster), every bounded context's write side
// (event store + outbox relay + event feed), the domain services (LeadService with its overdue
// scanner when "leads" is hosted), the projections, a gRPC server (health checking and
// reflection on) and the Prometheus /metrics endpoint, all under one data directory.
// With demo_data, an empty leads store is seeded with a demo organisation and leads
// (services/salesd/demo_data.h) before the gRPC server starts.
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
#include "common/feed/local_event_feed_reader.h"
#include "common/grpc/grpc_server.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/kafka/embedded_broker.h"
#include "common/metrics/metrics_http_server.h"
#include "common/runtime/write_side.h"
#include "services/audit/audit_host.h"
#include "services/audit/folders/lead_state_folder.h"
#include "services/leads/leads_server.h"
#include "services/projections/admin/projection_admin_service.h"
#include "services/projections/funnel_host.h"
#include "services/salesd/data_dir_lock.h"
#include "services/salesd/demo_data.h"

namespace sales::salesd {

struct SalesdOptions {
  std::string data_dir = "./data";
  std::string host = "127.0.0.1";  // gRPC and HTTP listen here
  int grpc_port = 50051;           // 0 picks a free port
  int http_port = 9464;            // /metrics; 0 picks a free port
  // Empty: start the embedded broker. Otherwise a real cluster's bootstrap servers.
  std::string kafka_brokers;
  int kafka_partitions = 12;  // per topic created on the embedded broker
  // The bounded contexts whose write sides are hosted ("leads", …). "leads" also hosts the
  // LeadService.
  std::vector<std::string> contexts = {"leads"};
  // Seed the demo organisation and leads when the leads store is empty at start.
  bool demo_data = true;
  // Host the read side (funnel and deal-history projections, their services, ProjectionAdmin)
  // over the leads topic when "leads" is hosted. Off only to measure the write side alone.
  bool read_side = true;
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
  // The leads service's app when "leads" is hosted, else nullptr.
  leads::LeadsApp* leads() const { return leads_ == nullptr ? nullptr : leads_->app(); }
  // The read side when "leads" is hosted (the projections follow the leads topic), else nullptr.
  funnel::FunnelHost* funnel() const { return funnel_.get(); }
  audit::AuditHost* audit() const { return audit_.get(); }
  // Leads the demo data captured at this start (0: not seeded).
  int demo_leads_seeded() const { return demo_leads_seeded_; }

 private:
  explicit Salesd(SalesdOptions options);
  // Opens the leads service over `side` and seeds demo data if asked and the store is empty.
  absl::Status StartLeads(runtime::WriteSide& side);
  // Starts the projections over the leads topic (funnel, deal-history index) and their admin.
  absl::Status StartReadSide(runtime::WriteSide& leads);

  const SalesdOptions options_;
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::string kafka_bootstrap_;
  concurrency::Executor executor_{4};
  std::vector<std::unique_ptr<runtime::WriteSide>> contexts_;
  DemoClock clock_;  // the leads service's clock: real time except while seeding demo data
  std::unique_ptr<leads::LeadsHost> leads_;
  int demo_leads_seeded_ = 0;
  // The read side (see StartReadSide); the feed reads the leads store in process.
  std::unique_ptr<feed::LocalEventFeedReader> leads_feed_;
  std::unique_ptr<kafka::DeadLetterPublisher> dead_letters_;
  audit::LeadStateFolder lead_folder_;
  std::unique_ptr<funnel::FunnelHost> funnel_;
  std::unique_ptr<audit::AuditHost> audit_;
  std::unique_ptr<projections::ProjectionAdminService> admin_;
  std::unique_ptr<metrics::MetricsHttpServer> http_;
  std::unique_ptr<grpc_server::GrpcServer> grpc_;
  bool shut_down_ = false;
};

}  // namespace sales::salesd

#endif  // SALES_SERVICES_SALESD_SALESD_H_
