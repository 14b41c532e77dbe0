#include "services/audit/audit_host.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace sales::audit {

absl::StatusOr<std::unique_ptr<AuditHost>> AuditHost::Open(AuditHostOptions options) {
  if (options.executor == nullptr || options.sources.empty()) {
    return absl::InvalidArgumentError("AuditHost: executor and at least one source are required");
  }
  auto host = std::unique_ptr<AuditHost>(new AuditHost());
  AuditAppOptions app_options{.sources = std::move(options.feeds),
                              .folders = std::move(options.folders)};
  host->sources_ = options.sources;
  absl::StatusOr<std::unique_ptr<projection::ProjectionRunner>> runner =
      projection::ProjectionRunner::Create(
          &host->projection_,
          {.path = absl::StrCat(options.data_dir, "/projections/", DealHistoryProjection::kName),
           .bootstrap_servers = std::move(options.bootstrap_servers),
           .sources = std::move(options.sources),
           .dead_letters = options.dead_letters,
           .metrics = options.metrics,
           .store = {.memory = options.memory},
           .wake_batch_delay = projection::kBackgroundWakeBatchDelay});
  if (!runner.ok()) return runner.status();
  host->runner_ = *std::move(runner);
  app_options.index = &host->runner_->store();
  host->app_ = std::make_unique<AuditApp>(std::move(app_options));
  host->service_ = std::make_unique<AuditServiceImpl>(host->app_.get(), options.executor);
  host->runner_->Start();
  return host;
}

projection::AdministeredProjection AuditHost::administered() const {
  return {.name = DealHistoryProjection::kName,
          .runner = runner_.get(),
          .sources = sources_,
          .make_projection = [] { return std::make_unique<DealHistoryProjection>(); }};
}

AuditHost::~AuditHost() {
  if (runner_ != nullptr) runner_->Stop();
}

}  // namespace sales::audit
