// PageReadAhead: reads a feed's next page (EventFeedReader::ReadAllShared: the store's scan and
// the envelopes' decoding) on a second thread while a catch-up applies the page before
// (CatchUpFromFeed). The thread is started by the first read, so a follower whose reads are
// all short (one page reaches the feed's head) never has one.
//
//   read_ahead.Start(feed, next_position, page_size);
//   ... apply the current page ...
//   ASSIGN_OR_RETURN(std::vector<eventstore::SharedEvent> page, read_ahead.Take());
//
// Thread-safety: one owner thread.
#ifndef SALES_COMMON_PROJECTION_INTERNAL_PAGE_READ_AHEAD_H_
#define SALES_COMMON_PROJECTION_INTERNAL_PAGE_READ_AHEAD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/eventstore/event_store.h"
#include "common/feed/event_feed_reader.h"
#include "common/projection/internal/background_job.h"

namespace sales::projection::internal {

class PageReadAhead {
 public:
  // `thread_name`: see concurrency::NameThisThread.
  explicit PageReadAhead(std::string thread_name) : thread_name_(std::move(thread_name)) {}

  // Starts reading up to `max_count` events from `from_position`. A page started before and not
  // taken (or dropped) is waited for and dropped.
  void Start(feed::EventFeedReader& feed, uint64_t from_position, size_t max_count) {
    if (!reader_.has_value()) {
      reader_.emplace(
          [this] {
            page_ = feed_->ReadAllShared(from_position_, max_count_);
            return absl::OkStatus();
          },
          thread_name_);
    }
    reader_->Wait().IgnoreError();  // the read reports through page_
    feed_ = &feed;
    from_position_ = from_position;
    max_count_ = max_count;
    reader_->Start();
  }

  // The page last started, once read. Precondition: Start was called since the last Take.
  absl::StatusOr<std::vector<eventstore::SharedEvent>> Take() {
    reader_->Wait().IgnoreError();
    return std::exchange(page_, std::vector<eventstore::SharedEvent>());
  }

  // Waits for a read in flight and drops its page: a catch-up that ends early (an error, a stop)
  // leaves no read going on behind it.
  void Drop() {
    if (!reader_.has_value()) return;
    reader_->Wait().IgnoreError();
    page_ = std::vector<eventstore::SharedEvent>();
  }

  // CPU the reading thread has used.
  absl::Duration cpu() const { return reader_.has_value() ? reader_->cpu() : absl::ZeroDuration(); }

 private:
  const std::string thread_name_;
  // What the reading thread reads, set before each run; the page it read.
  feed::EventFeedReader* feed_ = nullptr;
  uint64_t from_position_ = 0;
  size_t max_count_ = 0;
  absl::StatusOr<std::vector<eventstore::SharedEvent>> page_;
  std::optional<BackgroundJob> reader_;  // last: its thread reads the members above
};

}  // namespace sales::projection::internal

#endif  // SALES_COMMON_PROJECTION_INTERNAL_PAGE_READ_AHEAD_H_
