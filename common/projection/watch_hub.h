// WatchHub: the server side of streaming dashboards ("Watch*" RPCs). Each subscriber gets a
// snapshot of its view of the read model at once, then a new view each time a committed batch
// changes what it sees. A slow or stuck client never slows the projection or other subscribers:
// its updates coalesce to the latest.
//
//   WatchHub<FunnelReport> hub;
//   const uint64_t observer = runner->Subscribe([&hub](const AppliedBatch& b) { hub.OnBatch(b); });
//   const uint64_t id = hub.Subscribe({
//       .compute = [&] { return BuildReport(runner->store(), filter); },
//       .deliver = [writer](FunnelReport report, WatchSent sent) {
//         writer->Offer(std::move(report), std::move(sent));
//       },
//       .end = [writer](absl::Status status) { writer->Close(ToGrpcStatus(status)); },
//       .affected = [filter](const AppliedBatch& batch) { return Touches(batch, filter); }});
//   ...
//   hub.Unsubscribe(id);                // e.g. from the stream's OnDone
//   runner->Unsubscribe(observer);
//   hub.Shutdown();                     // ends the remaining subscribers with UNAVAILABLE
//
// How it runs. OnBatch (on the runner thread) only asks each clean subscriber's `affected`
// whether the batch may change its view, marks those dirty and wakes the hub thread. The hub
// thread takes dirty subscribers in FIFO order, calls `compute` (which reads the committed read
// model) and, if the view differs from the last one delivered (`Equal`; for protobuf messages
// their deterministic serialized bytes), calls `deliver`. A subscriber has at most one delivery
// in flight: until its sink calls `sent`, new batches only leave it dirty, and once `sent` comes
// its view is recomputed from the read model as it is then. So a slow client costs neither
// memory (no queue of views, only the last one delivered) nor computation, and receives the
// latest view when it catches up. A subscriber is also refreshed at once when it subscribes
// (the snapshot, always delivered).
//
// Errors: when `compute` fails, `end` gets the error and the subscriber is dropped (the client
// sees the status and may watch again).
//
// Thread-safety: every public method may be called from any thread, except that no callback of
// a subscriber may call Subscribe/Unsubscribe/Shutdown (the hub thread or runner thread would
// wait for itself). `compute`, `deliver` and `end` run on the hub thread, one at a time (`end`
// also inside Shutdown, and inside Subscribe once the hub is shut down); `affected` runs on the
// OnBatch caller's thread under the hub's lock, so it must be cheap and must not call the hub.
// `deliver` must not block. The hub must outlive every `sent` callback it handed out (shut a gRPC
// server down before destroying its hub).
#ifndef SALES_COMMON_PROJECTION_WATCH_HUB_H_
#define SALES_COMMON_PROJECTION_WATCH_HUB_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/projection/projection_runner.h"
#include "google/protobuf/message_lite.h"

namespace sales::projection {

// Handed to `deliver` with each view: call it (once, from any thread) when the view has gone
// out to the client. Calling it after Unsubscribe is harmless; not calling it stalls the
// subscriber (and only it).
using WatchSent = absl::AnyInvocable<void()>;

template <typename View>
struct WatchSubscriber {
  // Builds the subscriber's current view from the committed read model. Hub thread; may read
  // RocksDB.
  absl::AnyInvocable<absl::StatusOr<View>()> compute;
  // Takes a view that differs from the previous one. Hub thread; must not block.
  absl::AnyInvocable<void(View view, WatchSent sent)> deliver;
  // The subscription is over: `compute` failed, or the hub shut down. Called at most once;
  // nothing is delivered after it. Never called because of Unsubscribe.
  absl::AnyInvocable<void(absl::Status status)> end;
  // Optional: whether `batch` may change the view (cheap, no I/O; see the threading note).
  // Unset: every batch may.
  absl::AnyInvocable<bool(const AppliedBatch& batch)> affected;
};

namespace internal {

// A message's deterministic serialization (map fields in key order).
std::string DeterministicBytes(const google::protobuf::MessageLite& message);

// The view-independent part of WatchHub: subscribers' states, the hub thread, batches and acks.
// A subscriber here is a `refresh` step that recomputes its view and delivers it if it changed.
class WatchHubCore {
 public:
  // Recomputes and, if the view changed, delivers it with `sent` and returns true. An error
  // ends the subscriber.
  using Refresh = absl::AnyInvocable<absl::StatusOr<bool>(WatchSent& sent)>;
  using End = absl::AnyInvocable<void(absl::Status status)>;
  using Affected = absl::AnyInvocable<bool(const AppliedBatch& batch)>;

  WatchHubCore();
  WatchHubCore(const WatchHubCore&) = delete;
  WatchHubCore& operator=(const WatchHubCore&) = delete;
  ~WatchHubCore();  // Shutdown()

  uint64_t Subscribe(Refresh refresh, End end, Affected affected);
  void Unsubscribe(uint64_t id);
  void OnBatch(const AppliedBatch& batch);
  void Shutdown();
  size_t size() const;

 private:
  struct Subscriber;

  void Run();
  void RefreshOne(uint64_t id, Subscriber& subscriber);
  void MarkSent(uint64_t id, uint64_t delivery);
  // Queues `subscriber` for the hub thread if it is dirty, idle and not queued yet.
  void MaybeQueue(uint64_t id, Subscriber& subscriber) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // Ordered by id, so that one batch queues its subscribers in subscription order.
  std::map<uint64_t, std::shared_ptr<Subscriber>> subscribers_ ABSL_GUARDED_BY(mu_);
  std::deque<uint64_t> due_ ABSL_GUARDED_BY(mu_);  // ids for the hub thread, FIFO
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Held for the whole of Shutdown(), so that concurrent calls all return after it.
  absl::Mutex shutdown_mu_;
  std::thread thread_;
};

}  // namespace internal

// Equal views are not delivered again. Protobuf messages compare by their deterministic bytes,
// anything else by operator==.
template <typename View>
struct ViewEqual {
  bool operator()(const View& a, const View& b) const {
    if constexpr (std::is_base_of_v<google::protobuf::MessageLite, View>) {
      return internal::DeterministicBytes(a) == internal::DeterministicBytes(b);
    } else {
      return a == b;
    }
  }
};

template <typename View, typename Equal = ViewEqual<View>>
class WatchHub {
 public:
  explicit WatchHub(Equal equal = Equal()) : equal_(std::move(equal)) {}
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;
  // Shutdown(): ends the remaining subscribers with UNAVAILABLE.
  ~WatchHub() = default;

  // Adds a subscriber (`compute`, `deliver` and `end` are required) and schedules its snapshot
  // on the hub thread at once. Returns its id for Unsubscribe. After Shutdown, calls `end`
  // with UNAVAILABLE before returning.
  uint64_t Subscribe(WatchSubscriber<View> subscriber) {
    return core_.Subscribe(
        [compute = std::move(subscriber.compute), deliver = std::move(subscriber.deliver),
         last = std::optional<View>(),
         equal = &equal_](WatchSent& sent) mutable -> absl::StatusOr<bool> {
          absl::StatusOr<View> view = compute();
          if (!view.ok()) return view.status();
          if (last.has_value() && (*equal)(*last, *view)) return false;
          last = *view;
          deliver(*std::move(view), std::move(sent));
          return true;
        },
        std::move(subscriber.end), std::move(subscriber.affected));
  }

  // Once it returns, none of the subscriber's callbacks is running or will run again, and they
  // have been destroyed. Unknown or already ended ids are ignored. Waits at most for the
  // subscriber's refresh in progress, if any (one `compute` and `deliver`).
  void Unsubscribe(uint64_t id) { core_.Unsubscribe(id); }

  // Marks the subscribers that `batch` may affect dirty and wakes the hub thread; never waits
  // for a computation or a client. Meant as a ProjectionRunner BatchObserver.
  void OnBatch(const AppliedBatch& batch) { core_.OnBatch(batch); }

  // Stops the hub thread (after the refresh in progress), then ends every remaining subscriber
  // with UNAVAILABLE. Idempotent; OnBatch does nothing afterwards.
  void Shutdown() { core_.Shutdown(); }

  // Number of live subscribers.
  size_t size() const { return core_.size(); }

 private:
  Equal equal_;
  internal::WatchHubCore core_;  // after equal_: its refresh steps use equal_
};

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_WATCH_HUB_H_
