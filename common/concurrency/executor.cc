#include "common/concurrency/executor.h"

#include <algorithm>
#include <utility>

namespace sales::concurrency {

Executor::Executor(size_t num_threads) : num_threads_(std::max<size_t>(num_threads, 1)) {
  absl::MutexLock lock(&join_mu_);
  workers_.reserve(num_threads_);
  for (size_t i = 0; i < num_threads_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

Executor::~Executor() { Shutdown(); }

absl::Status Executor::Schedule(Task task) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) return absl::UnavailableError("executor is shut down");
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

void Executor::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
  }
  absl::MutexLock lock(&join_mu_);
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

bool Executor::HasTaskOrShuttingDown() const { return shutting_down_ || !queue_.empty(); }

void Executor::WorkerLoop() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &Executor::HasTaskOrShuttingDown));
      // Exit only once the queue is empty: queued tasks run even after Shutdown() has begun.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace sales::concurrency
