#include "services/salesd/salesd.h"

#include "absl/strings/str_cat.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace sales::salesd {

Salesd::Salesd(SalesdOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Salesd>> Salesd::Start(const SalesdOptions& options) {
  auto salesd = std::unique_ptr<Salesd>(new Salesd(options));
  ASSIGN_OR_RETURN(salesd->lock_, DataDirLock::Acquire(options.data_dir));

  if (options.kafka_brokers.empty()) {
    kafka::EmbeddedBrokerOptions broker_options;
    for (const std::string& context : options.contexts) {
      broker_options.topics.push_back({runtime::TopicFor(context), options.kafka_partitions});
    }
    broker_options.topics.push_back({runtime::kDeadLetterTopic, 1});
    ASSIGN_OR_RETURN(salesd->broker_, kafka::EmbeddedBroker::Start(std::move(broker_options)));
    salesd->kafka_bootstrap_ = salesd->broker_->bootstrap_servers();
  } else {
    salesd->kafka_bootstrap_ = options.kafka_brokers;
  }

  for (const std::string& context : options.contexts) {
    ASSIGN_OR_RETURN(auto side,
                     runtime::WriteSide::Open({.context = context,
                                               .data_dir = options.data_dir,
                                               .bootstrap_servers = salesd->kafka_bootstrap_},
                                              &salesd->executor_));
    salesd->contexts_.push_back(std::move(side));
  }

  if (runtime::WriteSide* leads = salesd->context("leads"); leads != nullptr) {
    RETURN_IF_ERROR(salesd->StartLeads(*leads));
    if (options.read_side) RETURN_IF_ERROR(salesd->StartReadSide(*leads));
  }

  ASSIGN_OR_RETURN(salesd->http_,
                   metrics::MetricsHttpServer::Start(&metrics::MetricsRegistry::Default(),
                                                     options.host, options.http_port));

  std::vector<grpc::Service*> services;
  for (const auto& side : salesd->contexts_) services.push_back(side->feed_service());
  if (salesd->leads_ != nullptr) services.push_back(salesd->leads_->service());
  if (salesd->funnel_ != nullptr) {
    services.insert(services.end(),
                    {salesd->funnel_->service(), salesd->audit_->service(), salesd->admin_.get()});
  }
  ASSIGN_OR_RETURN(salesd->grpc_, grpc_server::GrpcServer::Start(
                                      {.host = options.host, .port = options.grpc_port}, services));
  if (salesd->leads_ != nullptr) salesd->grpc_->SetServing(leads::LeadsHost::kServiceName, true);
  if (salesd->funnel_ != nullptr) {
    for (const char* name : {funnel::FunnelHost::kServiceName, audit::AuditHost::kServiceName,
                             projections::ProjectionAdminService::kServiceName}) {
      salesd->grpc_->SetServing(name, true);
    }
  }
  metrics::MetricsRegistry& registry = metrics::MetricsRegistry::Default();
  registry
      .GetGauge("process_start_time_seconds", "Start time of the process since the Unix epoch.")
      ->Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  registry.GetGauge("salesd_embedded_broker", "1 when salesd runs its embedded Kafka broker.")
      ->Set(salesd->embedded_broker() ? 1 : 0);
  log::Info("salesd.started", {{"grpc", salesd->grpc_address()},
                               {"kafka", salesd->kafka_bootstrap_},
                               {"embedded_broker", salesd->embedded_broker()},
                               {"metrics", salesd->metrics_url()},
                               {"data_dir", options.data_dir}});
  return salesd;
}

absl::Status Salesd::StartLeads(runtime::WriteSide& side) {
  const bool empty = side.store()->HeadPosition() == 0;
  ASSIGN_OR_RETURN(leads_, leads::LeadsHost::Open({.data_dir = options_.data_dir,
                                                   .store = side.store(),
                                                   .executor = &executor_,
                                                   .clock = [this] { return clock_.Now(); }}));
  if (!options_.demo_data || !empty) return absl::OkStatus();
  // Demo data is a convenience: a failure is logged loudly but does not stop the platform.
  absl::StatusOr<int> seeded = SeedDemoData(*leads_->app(), clock_);
  if (!seeded.ok()) {
    log::Error("salesd.demo_data.failed", {{"error", seeded.status().ToString()}});
    return absl::OkStatus();
  }
  demo_leads_seeded_ = *seeded;
  side.relay()->Wake();
  log::Info("salesd.demo_data.seeded", {{"leads", *seeded}});
  return absl::OkStatus();
}

absl::Status Salesd::StartReadSide(runtime::WriteSide& leads) {
  leads_feed_ = std::make_unique<feed::LocalEventFeedReader>(leads.store());
  ASSIGN_OR_RETURN(dead_letters_, kafka::DeadLetterPublisher::Create(
                                      kafka_bootstrap_, std::string(runtime::kDeadLetterTopic)));
  const std::vector<projection::ProjectionSource> sources = {
      {.topic = leads.topic(), .feed = leads_feed_.get()}};
  metrics::MetricsRegistry* metrics = &metrics::MetricsRegistry::Default();
  ASSIGN_OR_RETURN(funnel_, funnel::FunnelHost::Open({.data_dir = options_.data_dir,
                                                      .bootstrap_servers = kafka_bootstrap_,
                                                      .sources = sources,
                                                      .dead_letters = dead_letters_.get(),
                                                      .executor = &executor_,
                                                      .metrics = metrics}));
  ASSIGN_OR_RETURN(audit_, audit::AuditHost::Open({.data_dir = options_.data_dir,
                                                   .bootstrap_servers = kafka_bootstrap_,
                                                   .sources = sources,
                                                   .stores = {{"leads", leads.store()}},
                                                   .folders = {{"leads", &lead_folder_}},
                                                   .dead_letters = dead_letters_.get(),
                                                   .executor = &executor_,
                                                   .metrics = metrics}));
  admin_ = std::make_unique<projections::ProjectionAdminService>(
      &executor_, absl::StrCat(options_.data_dir, "/projections"));
  admin_->Register(funnel_->administered());
  admin_->Register(audit_->administered());
  return absl::OkStatus();
}

Salesd::~Salesd() { Shutdown(); }

void Salesd::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Order: stop taking calls, then the read side, then the write sides (relays publish what they
  // can), then the broker they publish to.
  const bool was_serving = grpc_ != nullptr;
  if (funnel_ != nullptr) funnel_->EndWatches();  // open watches would hold the shutdown
  if (was_serving) grpc_->Shutdown(absl::Now() + absl::Seconds(5));
  admin_.reset();
  audit_.reset();  // the read side reads the leads store through its feed
  funnel_.reset();
  dead_letters_.reset();
  leads_feed_.reset();
  leads_.reset();  // uses the leads store
  contexts_.clear();
  http_.reset();
  broker_.reset();
  if (was_serving) log::Info("salesd.stopped", {{"data_dir", options_.data_dir}});
}

std::string Salesd::metrics_url() const {
  return absl::StrCat("http://", options_.host, ":", http_->port(), "/metrics");
}

runtime::WriteSide* Salesd::context(absl::string_view name) const {
  for (size_t i = 0; i < contexts_.size(); ++i) {
    if (options_.contexts[i] == name) return contexts_[i].get();
  }
  return nullptr;
}

}  // namespace sales::salesd
