#include "tools/loadgen/latency_stats.h"

#include <algorithm>
#include <utility>

namespace sales::loadgen {
namespace {

// Nearest-rank percentile of sorted values, in milliseconds.
double PercentileMs(const std::vector<int64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(fraction * static_cast<double>(sorted.size()));
  rank = std::min(rank, sorted.size() - 1);
  return static_cast<double>(sorted[rank]) / 1e6;
}

}  // namespace

void LatencyStats::RecordOk(const std::string& kind, absl::Duration latency) {
  nanos_by_kind_[kind].push_back(absl::ToInt64Nanoseconds(latency));
}

void LatencyStats::RecordError(const std::string& kind, grpc::StatusCode code) {
  nanos_by_kind_[kind];  // the kind shows in the table even if every call failed
  ++errors_[{kind, code}];
}

void LatencyStats::MergeFrom(const LatencyStats& other) {
  for (const auto& [kind, nanos] : other.nanos_by_kind_) {
    std::vector<int64_t>& mine = nanos_by_kind_[kind];
    mine.insert(mine.end(), nanos.begin(), nanos.end());
  }
  for (const auto& [key, count] : other.errors_) errors_[key] += count;
}

std::vector<std::string> LatencyStats::Kinds() const {
  std::vector<std::string> kinds;
  for (const auto& [kind, nanos] : nanos_by_kind_) kinds.push_back(kind);
  return kinds;
}

KindSummary LatencyStats::Summarize(const std::string& kind) const {
  auto it = nanos_by_kind_.find(kind);
  if (it == nanos_by_kind_.end()) return {};
  return SummarizeNanos(it->second);
}

KindSummary LatencyStats::SummarizeAll() const {
  std::vector<int64_t> all;
  for (const auto& [kind, nanos] : nanos_by_kind_) {
    all.insert(all.end(), nanos.begin(), nanos.end());
  }
  return SummarizeNanos(std::move(all));
}

int64_t LatencyStats::ok_count() const {
  int64_t count = 0;
  for (const auto& [kind, nanos] : nanos_by_kind_) count += static_cast<int64_t>(nanos.size());
  return count;
}

int64_t LatencyStats::error_count() const {
  int64_t count = 0;
  for (const auto& [key, n] : errors_) count += n;
  return count;
}

KindSummary LatencyStats::SummarizeNanos(std::vector<int64_t> nanos) {
  std::sort(nanos.begin(), nanos.end());
  return {.count = static_cast<int64_t>(nanos.size()),
          .p50_ms = PercentileMs(nanos, 0.50),
          .p99_ms = PercentileMs(nanos, 0.99),
          .p999_ms = PercentileMs(nanos, 0.999)};
}

}  // namespace sales::loadgen
