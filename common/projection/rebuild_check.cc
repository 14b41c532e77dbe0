#include "common/projection/rebuild_check.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/concurrency/thread_cpu_time.h"
#include "common/projection/feed_catch_up.h"
#include "common/status/status_macros.h"

namespace sales::projection {

absl::StatusOr<RebuildComparison> RebuildAndCompare(Projection& projection, ProjectionStore& live,
                                                    const std::string& path,
                                                    const std::vector<ProjectionSource>& sources,
                                                    const RebuildCompareOptions& options) {
  if (std::filesystem::exists(path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("rebuild target ", path, " already exists; rebuild into a fresh directory"));
  }
  ProjectionStoreOptions store_options = live.options();
  store_options.name += "-rebuild";
  ASSIGN_OR_RETURN(std::unique_ptr<ProjectionStore> rebuilt,
                   ProjectionStore::Open(path, store_options));
  // A live store fed from Kafka keeps dedupe marks (see DedupeMarks): the rebuild keeps them too,
  // and the two are compared by them. One that only followed its feeds in order keeps none: its
  // feed positions say what it has applied.
  ASSIGN_OR_RETURN(const std::optional<std::string> broker, live.BrokerIdentity());
  const bool by_marks = broker.has_value();
  EventApplier applier(projection, by_marks ? DedupeMarks::kKeep : DedupeMarks::kNone);
  RebuildComparison result;
  auto commit = [&](StoreBatch& batch, BatchOutcome& outcome) {
    RETURN_IF_ERROR(rebuilt->Commit(batch));
    result.events_applied += outcome.applied.size();
    return absl::OkStatus();
  };
  const absl::Time deadline = absl::Now() + options.max_wait;
  internal::PageReadAhead read_ahead(absl::StrCat("read:", projection.name()));
  while (true) {
    const absl::Duration cpu_before = concurrency::ThreadCpuTime();
    for (const ProjectionSource& source : sources) {
      RETURN_IF_ERROR(CatchUpFromFeed(*rebuilt, applier, source,
                                      {.page_size = options.page_size,
                                       .stopping = options.cancelled,
                                       .read_ahead = &read_ahead},
                                      commit));
    }
    result.cpu += concurrency::ThreadCpuTime() - cpu_before;
    ASSIGN_OR_RETURN(StoreDigest rebuilt_digest, rebuilt->Digest());
    ASSIGN_OR_RETURN(StoreDigest live_digest, live.Digest());
    const bool same_events = by_marks ? live_digest.marks == rebuilt_digest.marks
                                      : live_digest.feed_positions == rebuilt_digest.feed_positions;
    if (same_events) {
      result.cpu += rebuilt->CommitterCpu() + read_ahead.cpu();
      result.streams = rebuilt_digest.streams;
      result.feed_positions = rebuilt_digest.feed_positions;
      result.live_checksum = live_digest.model;
      result.rebuilt_checksum = rebuilt_digest.model;
      result.identical = live_digest.model == rebuilt_digest.model;
      return result;
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the live read model did not reach the rebuilt one's events within ",
          absl::FormatDuration(options.max_wait), " (live: ",
          by_marks ? absl::StrCat(live_digest.streams, " streams") : live_digest.feed_positions,
          "; rebuilt: ",
          by_marks ? absl::StrCat(rebuilt_digest.streams, " streams")
                   : rebuilt_digest.feed_positions,
          "); it may be under constant load or stuck — see its consumer lag and last error"));
    }
    absl::SleepFor(options.poll_interval);
    if (options.cancelled()) return absl::CancelledError("rebuild cancelled");
  }
}

}  // namespace sales::projection
