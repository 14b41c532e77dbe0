#include "common/eventstore/append_signal.h"

#include <utility>

namespace sales::eventstore {

AppendSignal::Subscription::Subscription(Subscription&& other) noexcept
    : signal_(std::exchange(other.signal_, nullptr)), id_(other.id_) {}

AppendSignal::Subscription& AppendSignal::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    Cancel();
    signal_ = std::exchange(other.signal_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

void AppendSignal::Subscription::Cancel() {
  if (signal_ == nullptr) return;
  // The writer lock waits for every Notify in progress (they hold it shared).
  absl::MutexLock lock(&signal_->mu_);
  signal_->subscribers_.erase(id_);
  signal_ = nullptr;
}

AppendSignal::Subscription AppendSignal::Subscribe(std::function<void()> on_append) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  subscribers_.emplace(id, std::move(on_append));
  return Subscription(this, id);
}

void AppendSignal::Notify() const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [id, on_append] : subscribers_) on_append();
}

}  // namespace sales::eventstore
