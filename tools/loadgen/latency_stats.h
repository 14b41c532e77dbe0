// LatencyStats: the latencies and error codes one client thread saw during a measured phase,
// per command kind, and the merge of every thread's stats into the phase's totals. Latencies are
// kept as a plain vector of nanoseconds and sorted once at report time: a run records at most a
// few hundred thousand calls, so exact percentiles cost less than a bucketed histogram's code.
//
//   LatencyStats stats;                       // one per client thread
//   stats.RecordOk("capture", elapsed);
//   stats.RecordError("assign", grpc::StatusCode::ABORTED);
//   ...
//   LatencyStats total;
//   for (const LatencyStats& s : per_thread) total.MergeFrom(s);
//   KindSummary all = total.SummarizeAll();
//
// Thread-safety: thread-compatible; give each thread its own instance and merge after joining.
#ifndef SALES_TOOLS_LOADGEN_LATENCY_STATS_H_
#define SALES_TOOLS_LOADGEN_LATENCY_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace sales::loadgen {

// Percentiles of successful calls of one kind (or of all kinds), in milliseconds.
struct KindSummary {
  int64_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
};

class LatencyStats {
 public:
  void RecordOk(const std::string& kind, absl::Duration latency);
  void RecordError(const std::string& kind, grpc::StatusCode code);
  void MergeFrom(const LatencyStats& other);

  // Kinds seen (successes or errors), in name order.
  std::vector<std::string> Kinds() const;
  KindSummary Summarize(const std::string& kind) const;
  KindSummary SummarizeAll() const;
  int64_t ok_count() const;
  int64_t error_count() const;
  // (kind, status code) → number of failed calls.
  const std::map<std::pair<std::string, grpc::StatusCode>, int64_t>& errors() const {
    return errors_;
  }

 private:
  static KindSummary SummarizeNanos(std::vector<int64_t> nanos);

  std::map<std::string, std::vector<int64_t>> nanos_by_kind_;
  std::map<std::pair<std::string, grpc::StatusCode>, int64_t> errors_;
};

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_LATENCY_STATS_H_
