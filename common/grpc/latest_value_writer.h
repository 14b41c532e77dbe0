// LatestValueWriter: a server-streaming reactor (gRPC callback API, gRFC L67) for "watch"
// streams, where only the latest value matters. It writes one message at a time; a value offered
// while a write is in flight replaces the one waiting (if any), so a slow client receives the
// latest value when it catches up and never a growing queue.
//
// With a projection::WatchHub (which offers a new value only once the previous one was sent):
//
//   grpc::ServerWriteReactor<FunnelUpdate>* FunnelService::WatchFunnel(
//       grpc::CallbackServerContext*, const WatchFunnelRequest* request) {
//     auto* writer = new grpc_server::LatestValueWriter<FunnelUpdate>();
//     const uint64_t id = hub_->Subscribe({
//         .compute = [this, filter = *request] { return BuildUpdate(filter); },
//         .deliver = [writer](FunnelUpdate update, projection::WatchSent sent) {
//           writer->Offer(std::move(update), std::move(sent));
//         },
//         .end = [writer](absl::Status status) { writer->Close(ToGrpcStatus(status)); }});
//     writer->set_on_done([hub = hub_, id] { hub->Unsubscribe(id); });
//     return writer;
//   }
//
// Lifetime: the writer deletes itself in OnDone, right after running `on_done`, which is where
// whoever offers values must be told to stop (above: Unsubscribe returns only once the hub can
// no longer call the writer). gRPC always dispatches OnDone to its own thread, never inside
// Offer/Close/Finish, so `on_done` may wait for a hub callback that is calling the writer. The call
// ends when the client cancels (or disconnects, or the server shuts down: status CANCELLED), when a
// write fails, or on Close(status) — each time after the write in flight, if any, has completed.
//
// Thread-safety: Offer() and Close() may be called from any thread, including before the method
// handler has returned the writer, and never block (they only take the writer's own lock).
// set_on_done() must be called before the handler returns the writer. `sent` callbacks and
// `on_done` run on gRPC's reaction threads (or inside Offer, for a superseded value) and must
// not block.
#ifndef SALES_COMMON_GRPC_LATEST_VALUE_WRITER_H_
#define SALES_COMMON_GRPC_LATEST_VALUE_WRITER_H_

#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace sales::grpc_server {

template <typename Message>
class LatestValueWriter final : public grpc::ServerWriteReactor<Message> {
 public:
  // Runs once `message` has been written, or at once when a newer value replaces it before it
  // was written. Not run when the call ends first.
  using Sent = absl::AnyInvocable<void()>;

  LatestValueWriter() = default;

  void set_on_done(absl::AnyInvocable<void()> on_done) {
    absl::MutexLock lock(&mu_);
    on_done_ = std::move(on_done);
  }

  // Writes `message` now if no write is in flight, else makes it the value written next
  // (replacing any value still waiting). Dropped once the call is ending.
  void Offer(Message message, Sent sent = nullptr) {
    Sent superseded;
    bool start_write = false;
    {
      absl::MutexLock lock(&mu_);
      if (finish_status_.has_value()) return;
      if (writing_) {
        superseded = std::move(pending_sent_);
        pending_ = std::move(message);
        pending_sent_ = std::move(sent);
      } else {
        writing_ = true;
        current_ = std::move(message);
        current_sent_ = std::move(sent);
        start_write = true;
      }
    }
    if (superseded) superseded();
    // The only write in flight: nobody touches current_ until OnWriteDone. Nothing after this
    // line touches the writer (OnDone may delete it as soon as the write completes).
    if (start_write) this->StartWrite(&current_);
  }

  // Ends the call with `status` once the write in flight (if any) completes; a value still
  // waiting is dropped. Only the first Close (or cancellation) counts.
  void Close(grpc::Status status) {
    {
      absl::MutexLock lock(&mu_);
      if (finish_status_.has_value()) return;
      finish_status_ = status;
      if (writing_) return;  // OnWriteDone finishes
    }
    this->Finish(std::move(status));
  }

  void OnWriteDone(bool ok) override {
    Sent sent;
    std::optional<grpc::Status> finish;
    bool write_next = false;
    {
      absl::MutexLock lock(&mu_);
      if (ok) sent = std::move(current_sent_);
      if (!ok && !finish_status_.has_value()) {
        finish_status_ = grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading");
      }
      if (finish_status_.has_value()) {
        writing_ = false;
        pending_.reset();
        pending_sent_ = nullptr;
        finish = finish_status_;
      } else if (pending_.has_value()) {
        current_ = std::move(*pending_);
        pending_.reset();
        current_sent_ = std::move(pending_sent_);
        write_next = true;
      } else {
        writing_ = false;
      }
    }
    if (sent) sent();
    if (finish.has_value()) {
      this->Finish(*std::move(finish));
    } else if (write_next) {
      this->StartWrite(&current_);
    }
  }

  void OnCancel() override { Close(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled")); }

  void OnDone() override {
    absl::AnyInvocable<void()> on_done;
    {
      absl::MutexLock lock(&mu_);
      on_done = std::move(on_done_);
    }
    if (on_done) on_done();
    delete this;
  }

 private:
  ~LatestValueWriter() override = default;  // only OnDone deletes

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;  // a write of current_ is in flight
  Message current_;                            // written by whoever set writing_
  Sent current_sent_ ABSL_GUARDED_BY(mu_);
  std::optional<Message> pending_ ABSL_GUARDED_BY(mu_);
  Sent pending_sent_ ABSL_GUARDED_BY(mu_);
  // Set by Close, cancellation or a failed write; the call finishes once no write is in flight.
  std::optional<grpc::Status> finish_status_ ABSL_GUARDED_BY(mu_);
  absl::AnyInvocable<void()> on_done_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sales::grpc_server

#endif  // SALES_COMMON_GRPC_LATEST_VALUE_WRITER_H_
