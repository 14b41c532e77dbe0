#include "services/projections/funnel_host.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales::funnel {

absl::StatusOr<std::unique_ptr<FunnelHost>> FunnelHost::Open(const FunnelHostOptions& options) {
  if (options.sources.empty()) return InvalidField("sources", "at least one is required");
  if (options.dead_letters == nullptr) return InvalidField("dead_letters", "required");
  if (options.executor == nullptr) return InvalidField("executor", "required");
  auto host = std::unique_ptr<FunnelHost>(new FunnelHost());
  host->sources_ = options.sources;
  ASSIGN_OR_RETURN(
      host->runner_,
      projection::ProjectionRunner::Create(
          &host->projection_,
          {.path = absl::StrCat(options.data_dir, "/projections/", FunnelProjection::kName),
           .bootstrap_servers = options.bootstrap_servers,
           .sources = options.sources,
           .dead_letters = options.dead_letters,
           .metrics = options.metrics,
           .store = {.memory = options.memory},
           .wake_batch_delay = projection::kDashboardWakeBatchDelay}));
  host->query_ = std::make_unique<FunnelQuery>(&host->runner_->store());
  FunnelHost* raw = host.get();
  host->observer_ = host->runner_->Subscribe(
      [raw](const projection::AppliedBatch& batch) { raw->hub_.OnBatch(batch); });
  host->service_ =
      std::make_unique<FunnelServiceImpl>(host->query_.get(), options.executor, &host->hub_);
  host->runner_->Start();
  return host;
}

void FunnelHost::EndWatches() { hub_.Shutdown(); }

FunnelHost::~FunnelHost() {
  if (runner_ == nullptr) return;
  runner_->Unsubscribe(observer_);
  hub_.Shutdown();
  runner_->Stop();
}

projection::AdministeredProjection FunnelHost::administered() const {
  return {.name = FunnelProjection::kName,
          .runner = runner_.get(),
          .sources = sources_,
          .make_projection = [] { return std::make_unique<FunnelProjection>(); }};
}

}  // namespace sales::funnel
