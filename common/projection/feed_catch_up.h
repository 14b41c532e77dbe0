// CatchUpFromFeed: applies a source's log of record (EventFeedReader::ReadAll) from the stored
// feed position to its end (or to a given position), through the EventApplier's exactly-once rule,
// one StoreBatch per page. Each batch also stores the next feed position, so an interrupted
// catch-up resumes where it stopped and events already applied (via Kafka or an earlier catch-up)
// are skipped by the dedupe marks.
//
//   RETURN_IF_ERROR(CatchUpFromFeed(store, applier, source, {.page_size = 1000},
//                                   [&](StoreBatch& b, BatchOutcome& o) { return Commit(b, o); }));
//
// Used by ProjectionRunner (when Kafka cannot give a contiguous history) and by Rebuild.
//
// Thread-safety: call from one thread per store.
#ifndef SALES_COMMON_PROJECTION_FEED_CATCH_UP_H_
#define SALES_COMMON_PROJECTION_FEED_CATCH_UP_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"
#include "common/projection/event_applier.h"
#include "common/projection/internal/page_read_ahead.h"
#include "common/projection/projection_store.h"

namespace sales::projection {

struct CatchUpOptions {
  size_t page_size = 1000;
  // The catch-up ends with the page that reaches this position (or with an empty page). A
  // follower passes the feed's head as it was when woken: what is appended meanwhile then
  // gathers into its next batch instead of trickling into a page each time one is applied.
  uint64_t last_position = UINT64_MAX;
  // Polled between pages; when it returns true the catch-up ends with CANCELLED.
  std::function<bool()> stopping = [] { return false; };
  // Reads the next page while one is applied (when pages are full); null: pages are read one
  // after the other on the calling thread. A catch-up that ends early (an error, a stop) waits
  // for the page being read and drops it.
  internal::PageReadAhead* read_ahead = nullptr;
};

// Commits one page: the caller publishes dead letters and commits (and may notify observers).
using CommitPage = std::function<absl::Status(StoreBatch& batch, BatchOutcome& outcome)>;

absl::Status CatchUpFromFeed(ProjectionStore& store, EventApplier& applier,
                             const ProjectionSource& source, const CatchUpOptions& options,
                             const CommitPage& commit);

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_FEED_CATCH_UP_H_
