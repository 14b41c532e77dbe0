// Executor: a fixed-size pool of worker threads that runs scheduled tasks in FIFO order.
//
// Its job here is to keep long work — RocksDB reads, synced appends, waits on Kafka — off
// gRPC's callback reaction threads, which must never block (see common/grpc/grpc_server.h).
// A reaction schedules the work and returns; the task does the work and then calls the
// reactor's Finish()/StartWrite().
//
//   sales::concurrency::Executor executor(/*num_threads=*/4);
//   absl::Status scheduled = executor.Schedule([reactor] { reactor->ReadNextPage(); });
//   if (!scheduled.ok()) reactor->Finish(sales::ToGrpcStatus(scheduled));
//   ...
//   executor.Shutdown();  // runs what is queued, then joins the workers
//
// Shutdown drains: every task accepted by Schedule() runs before Shutdown() returns. This is
// deliberate — a queued task is often the only thing that will ever call a reactor's Finish(),
// and dropping it would leave a gRPC call (and the server's shutdown) hanging. After Shutdown()
// has begun, Schedule() refuses new tasks with UNAVAILABLE.
//
// Thread-safety: Schedule() may be called from any thread, including from a running task.
// Shutdown() may be called from any thread except a worker of this executor (it would wait
// for itself); the destructor calls it.
#ifndef SALES_COMMON_CONCURRENCY_EXECUTOR_H_
#define SALES_COMMON_CONCURRENCY_EXECUTOR_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace sales::concurrency {

class Executor {
 public:
  using Task = absl::AnyInvocable<void()>;

  // Starts `num_threads` workers (at least 1).
  explicit Executor(size_t num_threads);
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  // Equivalent to Shutdown().
  ~Executor();

  // Queues `task` to run once on a worker. UNAVAILABLE (and `task` is destroyed unrun) once
  // Shutdown() has begun.
  absl::Status Schedule(Task task);

  // Refuses new tasks (from any thread, workers included), runs every task already queued, then
  // joins the workers. Idempotent.
  void Shutdown();

  size_t num_threads() const { return num_threads_; }

 private:
  void WorkerLoop();
  bool HasTaskOrShuttingDown() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t num_threads_;
  absl::Mutex mu_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  // Held while joining, so that concurrent Shutdown() calls all return after the drain.
  absl::Mutex join_mu_;
  std::vector<std::thread> workers_ ABSL_GUARDED_BY(join_mu_);
};

}  // namespace sales::concurrency

#endif  // SALES_COMMON_CONCURRENCY_EXECUTOR_H_
