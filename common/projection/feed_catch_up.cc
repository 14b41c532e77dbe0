#include "common/projection/feed_catch_up.h"

#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::projection {

absl::Status CatchUpFromFeed(ProjectionStore& store, EventApplier& applier,
                             const ProjectionSource& source, const CatchUpOptions& options,
                             const CommitPage& commit) {
  ASSIGN_OR_RETURN(uint64_t position, store.FeedPosition(source.topic));
  StoreBatch batch = store.NewBatch();  // emptied by each commit and reused
  bool read_ahead = false;              // options.read_ahead reads the page from `position`
  // Any early return (an error, a stop) waits for the read ahead and drops it.
  absl::Cleanup drop_read_ahead = [&] {
    if (read_ahead) options.read_ahead->Drop();
  };
  while (position <= options.last_position) {
    if (options.stopping()) {
      return absl::CancelledError(absl::StrCat("catch-up of ", source.topic, " stopped"));
    }
    ASSIGN_OR_RETURN(std::vector<eventstore::SharedEvent> page,
                     read_ahead ? options.read_ahead->Take()
                                : source.feed->ReadAllShared(position, options.page_size));
    if (page.empty()) return absl::OkStatus();
    // A full page short of the last position: the next one is read while this one is applied.
    const uint64_t next_page_from = page.back()->global_position() + 1;
    read_ahead = options.read_ahead != nullptr && page.size() == options.page_size &&
                 next_page_from <= options.last_position;
    if (read_ahead) options.read_ahead->Start(*source.feed, next_page_from, options.page_size);
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
