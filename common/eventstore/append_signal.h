// AppendSignal: tells the in-process followers of an event store that it has new events, so that
// they read now rather than at their next poll (a projection in feed-only mode, see
// ProjectionRunner). NotifyingEventStore raises it after every successful append.
//
//   eventstore::AppendSignal appended;
//   auto store = std::make_unique<NotifyingEventStore>(std::move(rocks_store), &appended);
//   AppendSignal::Subscription wake = appended.Subscribe([&runner] { runner.Wake(); });
//   ... store->Append(...) calls runner.Wake() ...
//   wake.Cancel();  // or let it go out of scope: no call after Cancel returns
//
// A subscriber runs on the appending thread, after the append is durable as the store's
// durability promises, so it must be cheap and must not append to the same store.
//
// Thread-safety: every member may be called from any thread. The signal must outlive its
// subscriptions.
#ifndef SALES_COMMON_EVENTSTORE_APPEND_SIGNAL_H_
#define SALES_COMMON_EVENTSTORE_APPEND_SIGNAL_H_

#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sales::eventstore {

class AppendSignal {
 public:
  // Move-only; cancels itself when destroyed.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { Cancel(); }

    // Once it returns, the subscriber is not running and will not run again.
    void Cancel();

   private:
    friend class AppendSignal;
    Subscription(AppendSignal* signal, uint64_t id) : signal_(signal), id_(id) {}
    AppendSignal* signal_ = nullptr;
    uint64_t id_ = 0;
  };

  AppendSignal() = default;
  AppendSignal(const AppendSignal&) = delete;
  AppendSignal& operator=(const AppendSignal&) = delete;

  [[nodiscard]] Subscription Subscribe(std::function<void()> on_append);
  // Calls every subscriber on this thread.
  void Notify() const;

 private:
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, std::function<void()>> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sales::eventstore

#endif  // SALES_COMMON_EVENTSTORE_APPEND_SIGNAL_H_
