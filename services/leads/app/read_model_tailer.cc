#include "services/leads/app/read_model_tailer.h"

#include <vector>

#include "common/log/log.h"
#include "common/metrics/metrics_registry.h"
#include "common/status/status_macros.h"

namespace sales::leads {
namespace {

constexpr size_t kPageSize = 512;

}  // namespace

ReadModelTailer::ReadModelTailer(LeadsReadModel* model, feed::EventFeedReader* feed,
                                 absl::Duration poll, absl::Duration batch_delay)
    : model_(model),
      feed_(feed),
      poll_(poll),
      batch_delay_(batch_delay),
      lag_(metrics::MetricsRegistry::Default().GetGauge(
          "sales_leads_read_model_lag_events",
          "Events committed to the leads store and not yet applied to its read model.")),
      applied_(model->applied_position()),
      thread_([this] { Run(); }) {}

ReadModelTailer::~ReadModelTailer() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void ReadModelTailer::Wake() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

absl::Status ReadModelTailer::WaitFor(uint64_t position, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  woken_ = true;
  urgent_ = true;
  auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return applied_ >= position; };
  if (!mu_.AwaitWithTimeout(absl::Condition(&reached), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("read model at position ", applied_, ", waited for ", position));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ReadModelTailer::Step() {
  ASSIGN_OR_RETURN(std::vector<eventstore::EventEnvelope> page,
                   feed_->ReadAll(model_->applied_position() + 1, kPageSize));
  if (!page.empty()) RETURN_IF_ERROR(model_->Apply(page));
  ASSIGN_OR_RETURN(uint64_t head, feed_->HeadPosition());
  const uint64_t applied = model_->applied_position();
  lag_->Set(head > applied ? static_cast<double>(head - applied) : 0);
  absl::MutexLock lock(&mu_);
  applied_ = applied;
  return page.size() == kPageSize;
}

void ReadModelTailer::AwaitBatch() {
  auto cut_short = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || urgent_; };
  mu_.AwaitWithTimeout(absl::Condition(&cut_short), batch_delay_);
}

void ReadModelTailer::Run() {
  while (true) {
    wake_pending_.exchange(false, std::memory_order_acq_rel);  // acquire: see the waker's commit
    absl::StatusOr<bool> more = Step();
    if (!more.ok()) {
      log::Error("leads.read_model.apply_failed", {{"position", model_->applied_position() + 1},
                                                   {"error", more.status().ToString()}});
    }
    absl::MutexLock lock(&mu_);
    if (more.ok() && *more && !stop_) continue;
    // Caught up: what was committed after the read began has set woken_ (see Wake).
    auto wake = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || woken_; };
    mu_.AwaitWithTimeout(absl::Condition(&wake), poll_);
    if (woken_ && more.ok()) AwaitBatch();
    if (stop_) return;
    woken_ = false;
    urgent_ = false;
  }
}

}  // namespace sales::leads
