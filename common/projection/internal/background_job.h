// BackgroundJob: runs one fixed job on its own thread, one run at a time, while the owner goes
// on with other work. ProjectionStore uses it to write batch N to RocksDB while the runner builds
// batch N+1; PageReadAhead to read a feed's next page while a catch-up applies one.
//
//   BackgroundJob write([&] { return WriteInFlightBatch(); });
//   write.Start();                    // returns at once
//   ... build the next batch ...
//   absl::Status status = write.Wait();  // the run's result
//
// Thread-safety: Start, Finished and Wait are for one owner thread; the job runs on the job's
// thread, and whatever it reads or writes must not be touched by the owner between Start and
// the end of Wait (reading what the job only reads is fine). The destructor waits for a started
// run.
#ifndef SALES_COMMON_PROJECTION_INTERNAL_BACKGROUND_JOB_H_
#define SALES_COMMON_PROJECTION_INTERNAL_BACKGROUND_JOB_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/concurrency/thread_cpu_time.h"
#include "common/concurrency/thread_name.h"

namespace sales::projection::internal {

class BackgroundJob {
 public:
  // `thread_name`: see concurrency::NameThisThread.
  BackgroundJob(std::function<absl::Status()> job, std::string thread_name)
      : job_(std::move(job)), thread_([this, name = std::move(thread_name)] {
          concurrency::NameThisThread(name);
          Loop();
        }) {}

  ~BackgroundJob() {
    Wait().IgnoreError();  // a run's result is its owner's business; here it is only awaited
    {
      absl::MutexLock lock(&mu_);
      exiting_ = true;
    }
    wake_.Signal();
    thread_.join();
  }

  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Starts a run. Precondition: no run since the last Wait (the owner keeps to it).
  void Start() {
    started_ = true;
    running_.store(true, std::memory_order_relaxed);
    {
      absl::MutexLock lock(&mu_);
      requested_ = true;
    }
    wake_.Signal();
  }

  // True when Wait would not block: no run started, or the started run has returned. Lock-free:
  // the owner may ask after every unit of its own work.
  bool Finished() const { return !running_.load(std::memory_order_acquire); }

  // Waits for the started run and returns its status (OK when none was started).
  absl::Status Wait() {
    if (!started_) return absl::OkStatus();
    started_ = false;
    absl::MutexLock lock(&mu_);
    while (running_.load(std::memory_order_acquire)) done_.Wait(&mu_);
    return std::exchange(status_, absl::OkStatus());
  }

  // CPU the job's thread has used in its runs so far (any thread may ask).
  absl::Duration cpu() const { return cpu_.total(); }

 private:
  void Loop() {
    absl::MutexLock lock(&mu_);
    while (true) {
      while (!requested_ && !exiting_) wake_.Wait(&mu_);
      if (exiting_) return;
      requested_ = false;
      mu_.Unlock();
      absl::Status status = cpu_.Count(job_);
      mu_.Lock();
      status_ = std::move(status);
      running_.store(false, std::memory_order_release);
      done_.Signal();
    }
  }

  const std::function<absl::Status()> job_;
  bool started_ = false;              // owner thread only
  std::atomic<bool> running_{false};  // from Start until the run has returned
  concurrency::CpuTally cpu_;         // see cpu()
  absl::Mutex mu_;
  absl::CondVar wake_;  // requested_ or exiting_ was set
  absl::CondVar done_;  // a run returned
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  bool exiting_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;  // last: starts after the members above are initialized
};

}  // namespace sales::projection::internal

#endif  // SALES_COMMON_PROJECTION_INTERNAL_BACKGROUND_JOB_H_
