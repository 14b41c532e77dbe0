#include "common/projection/watch_hub.h"

#include <utility>
#include <vector>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace sales::projection::internal {

std::string DeterministicBytes(const google::protobuf::MessageLite& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message.SerializePartialToCodedStream(&out);
  }  // `out` flushes into `bytes` when destroyed
  return bytes;
}

// The flags are guarded by WatchHubCore::mu_. Invariant: a dirty subscriber that has no
// delivery in flight is queued or being refreshed.
struct WatchHubCore::Subscriber {
  Refresh refresh;
  End end;
  Affected affected;
  bool dirty = true;       // its view may have changed since it was last computed
  bool in_flight = false;  // being refreshed, or a delivery awaits its `sent`
  bool queued = false;     // in due_
  bool removed = false;    // unsubscribed or ended: never run again
  uint64_t delivery = 0;   // number of the latest delivery, so a stale `sent` is ignored
  // Held while `refresh` or `end` runs, so that Unsubscribe can wait for them.
  absl::Mutex run_mu;
};

WatchHubCore::WatchHubCore() : thread_([this] { Run(); }) {}

WatchHubCore::~WatchHubCore() { Shutdown(); }

uint64_t WatchHubCore::Subscribe(Refresh refresh, End end, Affected affected) {
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->refresh = std::move(refresh);
  subscriber->end = std::move(end);
  subscriber->affected = std::move(affected);
  uint64_t id;
  {
    absl::MutexLock lock(&mu_);
    id = next_id_++;
    if (!stopping_) {
      subscribers_.emplace(id, subscriber);
      MaybeQueue(id, *subscriber);
      return id;
    }
  }
  subscriber->end(absl::UnavailableError("the watch hub is shut down"));
  return id;
}

void WatchHubCore::Unsubscribe(uint64_t id) {
  std::shared_ptr<Subscriber> subscriber;
  {
    absl::MutexLock lock(&mu_);
    auto it = subscribers_.find(id);
    if (it == subscribers_.end()) return;
    subscriber = std::move(it->second);
    subscriber->removed = true;
    subscribers_.erase(it);
  }
  // Waits for a refresh in progress; later ones see `removed`. The callbacks are destroyed here,
  // not on the hub thread after we return.
  absl::MutexLock run(&subscriber->run_mu);
  subscriber->refresh = nullptr;
  subscriber->end = nullptr;
  subscriber->affected = nullptr;
}

void WatchHubCore::OnBatch(const AppliedBatch& batch) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  for (auto& [id, subscriber] : subscribers_) {
    if (subscriber->dirty) continue;  // will be recomputed anyway
    if (subscriber->affected && !subscriber->affected(batch)) continue;
    subscriber->dirty = true;
    MaybeQueue(id, *subscriber);
  }
}

void WatchHubCore::Shutdown() {
  absl::MutexLock shutdown(&shutdown_mu_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  std::vector<std::shared_ptr<Subscriber>> remaining;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, subscriber] : subscribers_) {
      subscriber->removed = true;
      remaining.push_back(std::move(subscriber));
    }
    subscribers_.clear();
    due_.clear();
  }
  for (const std::shared_ptr<Subscriber>& subscriber : remaining) {
    absl::MutexLock run(&subscriber->run_mu);
    subscriber->end(absl::UnavailableError("the watch hub is shutting down"));
    subscriber->refresh = nullptr;
    subscriber->end = nullptr;
    subscriber->affected = nullptr;
  }
}

size_t WatchHubCore::size() const {
  absl::MutexLock lock(&mu_);
  return subscribers_.size();
}

void WatchHubCore::Run() {
  while (true) {
    uint64_t id;
    std::shared_ptr<Subscriber> subscriber;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WatchHubCore::HasWorkOrStopping));
      if (stopping_) return;
      id = due_.front();
      due_.pop_front();
      auto it = subscribers_.find(id);
      if (it == subscribers_.end()) continue;
      subscriber = it->second;
      subscriber->queued = false;
      subscriber->dirty = false;
      subscriber->in_flight = true;
    }
    RefreshOne(id, *subscriber);
  }
}

void WatchHubCore::RefreshOne(uint64_t id, Subscriber& subscriber) {
  absl::MutexLock run(&subscriber.run_mu);
  uint64_t delivery;
  {
    absl::MutexLock lock(&mu_);
    if (subscriber.removed) return;
    delivery = ++subscriber.delivery;
  }
  WatchSent sent = [this, id, delivery] { MarkSent(id, delivery); };
  absl::StatusOr<bool> delivered = subscriber.refresh(sent);
  if (!delivered.ok()) {
    // Still registered while `end` runs, so that a concurrent Unsubscribe waits for it.
    subscriber.end(delivered.status());
    absl::MutexLock lock(&mu_);
    subscriber.removed = true;
    subscribers_.erase(id);
    return;
  }
  if (!*delivered) MarkSent(id, delivery);  // nothing went out: idle again
}

void WatchHubCore::MarkSent(uint64_t id, uint64_t delivery) {
  absl::MutexLock lock(&mu_);
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return;
  Subscriber& subscriber = *it->second;
  if (subscriber.delivery != delivery || !subscriber.in_flight) return;
  subscriber.in_flight = false;
  MaybeQueue(id, subscriber);
}

void WatchHubCore::MaybeQueue(uint64_t id, Subscriber& subscriber) {
  if (!subscriber.dirty || subscriber.in_flight || subscriber.queued) return;
  subscriber.queued = true;
  due_.push_back(id);
}

bool WatchHubCore::HasWorkOrStopping() const { return stopping_ || !due_.empty(); }

}  // namespace sales::projection::internal
