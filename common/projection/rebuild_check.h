// RebuildAndCompare: proves a live read model right by rebuilding it from the logs of record.
//
// It rebuilds `projection` from the beginning of the sources' event feeds into a fresh store at
// `path`, then brings the two to the same applied events before comparing their checksums: a
// store fed from Kafka keeps a dedupe mark per stream (the last applied version), and so does the
// rebuild beside it, so when their marks are equal they have applied exactly the same events; a
// store that follows its feeds in order keeps none, and equal feed positions say the same. A
// correct projection must then have the same read model byte for byte. Until they agree it
// alternates between catching the
// rebuilt copy up to the feeds' heads (the live one may have moved on) and waiting for the live
// runner (which may still be behind the feeds: the outbox or Kafka not drained yet).
//
//   ASSIGN_OR_RETURN(RebuildComparison result,
//                    RebuildAndCompare(*fresh_funnel, runner->store(), "/data/funnel.rebuild",
//                                      sources, {.max_wait = absl::Seconds(30)}));
//   if (!result.identical) ...
//
// The live store is only read (one consistent snapshot per comparison). `projection` must be an
// object the live runner is not using (projections hold no state, so a second instance is
// equivalent). Errors: FAILED_PRECONDITION if `path` exists; DEADLINE_EXCEEDED when they do
// not agree within max_wait; CANCELLED when `cancelled` says so (constant load, or a live runner
// that is stuck — see its stats). Thread-safety: a free function; run one per `path`.
#ifndef SALES_COMMON_PROJECTION_REBUILD_CHECK_H_
#define SALES_COMMON_PROJECTION_REBUILD_CHECK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/projection/event_applier.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"

namespace sales::projection {

struct RebuildCompareOptions {
  absl::Duration max_wait = absl::Seconds(30);
  absl::Duration poll_interval = absl::Milliseconds(50);
  size_t page_size = 20000;  // events per feed page and commit, as a runner's catch-up
  // Polled between steps; when it returns true the rebuild ends with CANCELLED (e.g. the client
  // went away or the server is shutting down).
  std::function<bool()> cancelled = [] { return false; };
};

struct RebuildComparison {
  uint64_t events_applied = 0;  // by the rebuild, poison events excluded
  uint64_t streams = 0;         // dedupe marks compared (0 when the feed positions were)
  std::string feed_positions;   // the sources' feed positions at the comparison (StoreDigest)
  std::string live_checksum;
  std::string rebuilt_checksum;
  bool identical = false;
  // CPU the catch-ups took (the calling thread's, its page reader's and the rebuilt store's
  // committer's; the comparisons excluded): a projection's catch-up cost per event is
  // cpu / events_applied.
  absl::Duration cpu;
};

absl::StatusOr<RebuildComparison> RebuildAndCompare(Projection& projection, ProjectionStore& live,
                                                    const std::string& path,
                                                    const std::vector<ProjectionSource>& sources,
                                                    const RebuildCompareOptions& options = {});

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_REBUILD_CHECK_H_
