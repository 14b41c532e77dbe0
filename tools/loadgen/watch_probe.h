// WatchProbe: measures command-ack → visible in WatchFunnel while the load runs (issue 5's
// freshness target). It watches the funnel filtered to a channel only its own leads use, then,
// one at a time, captures a lead through that channel and times from the capture's OK until the
// watch delivers a report whose captured-entries count includes it. Because no other lead is in
// that slice, each report's count says exactly which probe captures it reflects.
//
//   WatchProbe probe(channel, org);
//   probe.Start();
//   ... the measured phase ...
//   probe.Stop();
//   KindSummary visible = probe.stats().Summarize("ack_to_watch");
//
// A probe capture whose report does not come within `patience` is counted as an error
// (DEADLINE_EXCEEDED) and the probe goes on.
//
// Thread-safety: Start/Stop from one thread; stats() after Stop().
#ifndef SALES_TOOLS_LOADGEN_WATCH_PROBE_H_
#define SALES_TOOLS_LOADGEN_WATCH_PROBE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tools/loadgen/latency_stats.h"
#include "tools/loadgen/lead_workload.h"

namespace sales::loadgen {

struct WatchProbeOptions {
  absl::Duration interval = absl::Milliseconds(100);  // between one probe's report and the next
  absl::Duration patience = absl::Seconds(10);
};

class WatchProbe {
 public:
  WatchProbe(std::shared_ptr<grpc::Channel> channel, Organisation org,
             WatchProbeOptions options = {});
  ~WatchProbe();  // Stop()

  void Start();
  void Stop();
  const LatencyStats& stats() const { return stats_; }

 private:
  void ReadWatch();  // the watch reader thread
  void RunProbes();  // the capturing thread
  // Captures probe lead `n`; OK when acknowledged.
  grpc::Status Capture(int64_t n);

  const std::shared_ptr<grpc::Channel> channel_;
  const Organisation org_;
  const WatchProbeOptions options_;
  const std::string probe_channel_;  // the channel id only probe leads carry
  grpc::ClientContext watch_context_;
  std::thread reader_;
  std::thread prober_;
  LatencyStats stats_;  // prober thread until joined

  absl::Mutex mu_;
  int64_t visible_ ABSL_GUARDED_BY(mu_) = -1;  // captured entries in the last report; -1: none yet
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool watch_ended_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_WATCH_PROBE_H_
