#include "common/projection/feed_catch_up.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::projection {

absl::Status CatchUpFromFeed(ProjectionStore& store, EventApplier& applier,
                             const ProjectionSource& source, const CatchUpOptions& options,
                             const CommitPage& commit) {
  ASSIGN_OR_RETURN(uint64_t position, store.FeedPosition(source.topic));
  StoreBatch batch = store.NewBatch();  // emptied by each commit and reused
  while (position <= options.last_position) {
    if (options.stopping()) {
      return absl::CancelledError(absl::StrCat("catch-up of ", source.topic, " stopped"));
    }
    ASSIGN_OR_RETURN(std::vector<eventstore::SharedEvent> page,
                     source.feed->ReadAllShared(position, options.page_size));
    if (page.empty()) return absl::OkStatus();
    BatchOutcome outcome;
    for (eventstore::SharedEvent& event : page) {
      if (event->global_position() < position) {
        return absl::DataLossError(absl::StrCat("event feed of ", source.topic,
                                                " returned position ", event->global_position(),
                                                " when asked from ", position));
      }
      const uint64_t next_position = event->global_position() + 1;
      RETURN_IF_ERROR(applier.Offer(source, std::move(event), /*origin=*/nullptr, batch, outcome));
      position = next_position;
    }
    batch.SetFeedPosition(source.topic, position);
    RETURN_IF_ERROR(commit(batch, outcome));
  }
  return absl::OkStatus();
}

}  // namespace sales::projection
