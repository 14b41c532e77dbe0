#include "common/feed/event_feed_service.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/feed/feed_requests.h"
#include "common/grpc/unary_call.h"
#include "common/status/errors.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"

namespace sales::feed {
namespace {

using ::sales::common::v1::EventPage;
using ::sales::common::v1::GetHeadRequest;
using ::sales::common::v1::GetHeadResponse;
using ::sales::common::v1::GetStreamHeadRequest;
using ::sales::common::v1::GetStreamHeadResponse;
using ::sales::common::v1::ReadAllRequest;
using ::sales::common::v1::ReadStreamRequest;
using ::sales::common::v1::StoredEventPage;
using ::sales::eventstore::EventStore;
using ::sales::eventstore::StoredEvent;

constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();

// Decodes stored bytes straight into the page: the only decode an event goes through here.
absl::Status AddToPage(const std::vector<StoredEvent>& stored, EventPage* page) {
  page->mutable_events()->Reserve(static_cast<int>(stored.size()));
  for (const StoredEvent& event : stored) {
    if (!page->add_events()->ParseFromString(event.bytes)) {
      return absl::DataLossError(
          absl::StrCat("stored event at position ", event.position, " does not decode"));
    }
  }
  return absl::OkStatus();
}

// Copies stored events into the page as they are: no decode, the bytes the hash chain covers.
absl::Status AddToPage(const std::vector<StoredEvent>& stored, StoredEventPage* page) {
  page->mutable_events()->Reserve(static_cast<int>(stored.size()));
  for (const StoredEvent& event : stored) {
    sales::common::v1::StoredEvent* out = page->add_events();
    out->set_position(event.position);
    out->set_stream_id(event.stream_id);
    out->set_stream_version(event.stream_version);
    out->set_bytes(event.bytes);
  }
  return absl::OkStatus();
}

// Where a call is in the log and where it stops. Used by one page task at a time.
template <typename Page>
class PageCursor {
 public:
  virtual ~PageCursor() = default;
  // Fills the empty `page` with the next events (none at the end). Returns whether this is the
  // call's last page. May block on the store: call it on an executor only.
  virtual absl::StatusOr<bool> ReadNext(Page* page) = 0;
};

class ReadAllCursor final : public PageCursor<EventPage> {
 public:
  ReadAllCursor(EventStore* store, const ReadAllRequest& request)
      : store_(store),
        next_position_(std::max<uint64_t>(request.from_position(), 1)),
        last_position_(store->HeadPosition()),
        remaining_(request.max_events() == 0 ? kUnbounded : request.max_events()),
        page_size_(EffectivePageSize(request.page_size())) {}

  absl::StatusOr<bool> ReadNext(EventPage* page) override {
    if (next_position_ > last_position_ || remaining_ == 0) return true;
    const uint64_t count =
        std::min<uint64_t>({page_size_, remaining_, last_position_ - next_position_ + 1});
    ASSIGN_OR_RETURN(std::vector<StoredEvent> stored, store_->ReadAllRaw(next_position_, count));
    RETURN_IF_ERROR(AddToPage(stored, page));
    page->set_head_position(store_->HeadPosition());
    if (stored.size() < count) return true;
    next_position_ = stored.back().position + 1;
    remaining_ -= stored.size();
    return next_position_ > last_position_ || remaining_ == 0;
  }

 private:
  EventStore* const store_;
  uint64_t next_position_;
  // The head when the call started: the call ends there even if appends continue.
  const uint64_t last_position_;
  uint64_t remaining_;
  const uint64_t page_size_;
};

// Serves decoded envelopes (EventPage) or stored bytes (StoredEventPage).
template <typename Page>
class ReadStreamCursor final : public PageCursor<Page> {
 public:
  ReadStreamCursor(EventStore* store, const ReadStreamRequest& request)
      : store_(store),
        stream_id_(request.stream_id()),
        next_version_(std::max<uint64_t>(request.from_version(), 1)),
        last_version_(request.to_version() == 0 ? kUnbounded : request.to_version()),
        page_size_(EffectivePageSize(request.page_size())) {}

  absl::StatusOr<bool> ReadNext(Page* page) override {
    const uint64_t count = std::min<uint64_t>(page_size_, last_version_ - next_version_ + 1);
    ASSIGN_OR_RETURN(std::vector<StoredEvent> stored,
                     store_->ReadStreamRaw(stream_id_, next_version_, count));
    RETURN_IF_ERROR(AddToPage(stored, page));
    page->set_head_position(store_->HeadPosition());
    if (stored.size() < count) return true;
    next_version_ = stored.back().stream_version + 1;
    return next_version_ > last_version_;
  }

 private:
  EventStore* const store_;
  const std::string stream_id_;
  uint64_t next_version_;  // ≤ last_version_ whenever ReadNext is called
  const uint64_t last_version_;
  const uint64_t page_size_;
};

// Streams a cursor's pages, one in flight: read on the executor → StartWrite → OnWriteDone →
// schedule the next read. Deletes itself in OnDone.
template <typename Page>
class PageWriter final : public grpc::ServerWriteReactor<Page> {
 public:
  // Starts streaming, or refuses the call with `cursor`'s error.
  PageWriter(concurrency::Executor* executor,
             absl::StatusOr<std::unique_ptr<PageCursor<Page>>> cursor)
      : executor_(executor) {
    if (!cursor.ok()) {
      Finish(ToGrpcStatus(cursor.status()));
      return;
    }
    cursor_ = std::move(cursor).value();
    ScheduleNextPage();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    ScheduleNextPage();
  }

  void OnCancel() override { cancelled_.store(true); }

  void OnDone() override { delete this; }

 private:
  void ScheduleNextPage() {
    absl::Status scheduled = executor_->Schedule([this] { WriteNextPage(); });
    if (!scheduled.ok()) Finish(ToGrpcStatus(scheduled));
  }

  // Runs on the executor. Touches no member after StartWrite*/Finish: from then on gRPC may run
  // OnWriteDone, or OnDone (which deletes this), on another thread.
  void WriteNextPage() {
    if (cancelled_.load()) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    page_.Clear();
    absl::StatusOr<bool> last_page = cursor_->ReadNext(&page_);
    if (!last_page.ok()) {
      Finish(ToGrpcStatus(last_page.status()));
    } else if (page_.events_size() == 0) {
      Finish(grpc::Status::OK);
    } else if (*last_page) {
      StartWriteAndFinish(&page_, grpc::WriteOptions(), grpc::Status::OK);
    } else {
      StartWrite(&page_);
    }
  }

  using grpc::ServerWriteReactor<Page>::Finish;
  using grpc::ServerWriteReactor<Page>::StartWrite;
  using grpc::ServerWriteReactor<Page>::StartWriteAndFinish;

  concurrency::Executor* const executor_;
  std::unique_ptr<PageCursor<Page>> cursor_;
  Page page_;  // the page in flight; reused (Clear keeps its allocations)
  std::atomic<bool> cancelled_{false};
};

}  // namespace

absl::StatusOr<EventStore*> EventFeedService::StoreFor(const std::string& context) const {
  if (context.empty()) {
    if (stores_.size() == 1) return stores_.begin()->second;
    std::vector<std::string> names;
    for (const auto& [name, store] : stores_) names.push_back(name);
    return InvalidField("context",
                        absl::StrCat("required: this server hosts ", absl::StrJoin(names, ", ")));
  }
  auto it = stores_.find(context);
  if (it == stores_.end()) {
    return absl::NotFoundError(absl::StrCat("context ", Quoted(context), " is not hosted here"));
  }
  return it->second;
}

absl::StatusOr<EventStore*> EventFeedService::StoreForStream(
    const ReadStreamRequest& request) const {
  RETURN_IF_ERROR(
      ValidateStreamRange(request.stream_id(), request.from_version(), request.to_version()));
  return StoreFor(request.context());
}

grpc::ServerWriteReactor<EventPage>* EventFeedService::ReadAll(grpc::CallbackServerContext*,
                                                               const ReadAllRequest* request) {
  absl::StatusOr<EventStore*> store = StoreFor(request->context());
  if (!store.ok()) return new PageWriter<EventPage>(executor_, store.status());
  return new PageWriter<EventPage>(executor_, std::make_unique<ReadAllCursor>(*store, *request));
}

grpc::ServerWriteReactor<EventPage>* EventFeedService::ReadStream(
    grpc::CallbackServerContext*, const ReadStreamRequest* request) {
  absl::StatusOr<EventStore*> store = StoreForStream(*request);
  if (!store.ok()) return new PageWriter<EventPage>(executor_, store.status());
  return new PageWriter<EventPage>(executor_,
                                   std::make_unique<ReadStreamCursor<EventPage>>(*store, *request));
}

grpc::ServerWriteReactor<StoredEventPage>* EventFeedService::ReadStreamStored(
    grpc::CallbackServerContext*, const ReadStreamRequest* request) {
  absl::StatusOr<EventStore*> store = StoreForStream(*request);
  if (!store.ok()) return new PageWriter<StoredEventPage>(executor_, store.status());
  return new PageWriter<StoredEventPage>(
      executor_, std::make_unique<ReadStreamCursor<StoredEventPage>>(*store, *request));
}

grpc::ServerUnaryReactor* EventFeedService::GetStreamHead(grpc::CallbackServerContext* context,
                                                          const GetStreamHeadRequest* request,
                                                          GetStreamHeadResponse* response) {
  absl::Status valid = eventstore::ValidateStreamId(request->stream_id());
  absl::StatusOr<EventStore*> store =
      valid.ok() ? StoreFor(request->context()) : absl::StatusOr<EventStore*>(valid);
  // A RocksDB point read: on the executor, never on the reaction thread.
  return grpc_server::FinishUnaryOnExecutor(
      context, executor_, store.status(), [store, request, response]() -> absl::Status {
        ASSIGN_OR_RETURN(eventstore::StreamHead head,
                         (*store)->GetStreamHead(request->stream_id()));
        response->set_version(head.version);
        response->set_last_event_hash(head.last_event_hash);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* EventFeedService::GetHead(grpc::CallbackServerContext* context,
                                                    const GetHeadRequest* request,
                                                    GetHeadResponse* response) {
  absl::StatusOr<EventStore*> store = StoreFor(request->context());
  if (store.ok()) response->set_head_position((*store)->HeadPosition());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(store.status()));
  return reactor;
}

}  // namespace sales::feed
