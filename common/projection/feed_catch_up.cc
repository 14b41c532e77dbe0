#include "common/projection/feed_catch_up.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::projection {

absl::Status CatchUpFromFeed(ProjectionStore& store, EventApplier& applier,
                             const ProjectionSource& source, const CatchUpOptions& options,
                             const CommitPage& commit) {
  ASSIGN_OR_RETURN(uint64_t position, store.FeedPosition(source.topic));
  while (true) {
    if (options.stopping()) {
      return absl::CancelledError(absl::StrCat("catch-up of ", source.topic, " stopped"));
    }
    ASSIGN_OR_RETURN(std::vector<EventEnvelope> page,
                     source.feed->ReadAll(position, options.page_size));
    if (page.empty()) return absl::OkStatus();
    StoreBatch batch = store.NewBatch();
    BatchOutcome outcome;
    for (const EventEnvelope& event : page) {
      if (event.global_position() < position) {
        return absl::DataLossError(absl::StrCat("event feed of ", source.topic,
                                                " returned position ", event.global_position(),
                                                " when asked from ", position));
      }
      RETURN_IF_ERROR(applier.Offer(source, event, /*origin=*/nullptr, batch, outcome));
      position = event.global_position() + 1;
    }
    batch.SetFeedPosition(source.topic, position);
    RETURN_IF_ERROR(commit(batch, outcome));
  }
}

}  // namespace sales::projection
