#include "common/feed/grpc_event_feed_reader.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"

namespace sales::feed {
namespace {

using ::sales::common::v1::EventPage;

// Drains a page stream into one vector; the call's status decides the result.
absl::StatusOr<std::vector<EventEnvelope>> CollectPages(grpc::ClientReader<EventPage>& reader) {
  std::vector<EventEnvelope> events;
  EventPage page;
  while (reader.Read(&page)) {
    for (EventEnvelope& event : *page.mutable_events()) events.push_back(std::move(event));
  }
  grpc::Status status = reader.Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return events;
}

}  // namespace

GrpcEventFeedReader::GrpcEventFeedReader(std::shared_ptr<grpc::Channel> channel,
                                         GrpcEventFeedReaderOptions options)
    : stub_(sales::common::v1::EventFeed::NewStub(std::move(channel))),
      options_(std::move(options)) {}

void GrpcEventFeedReader::SetDeadline(grpc::ClientContext* context) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
}

absl::StatusOr<std::vector<EventEnvelope>> GrpcEventFeedReader::ReadAll(uint64_t from_position,
                                                                        size_t max_count) {
  // On the wire max_events 0 means "no bound"; here 0 means "nothing".
  if (max_count == 0) return std::vector<EventEnvelope>();
  sales::common::v1::ReadAllRequest request;
  request.set_from_position(from_position);
  request.set_max_events(max_count);
  request.set_page_size(options_.page_size);
  request.set_context(options_.context);
  grpc::ClientContext context;
  SetDeadline(&context);
  return CollectPages(*stub_->ReadAll(&context, request));
}

absl::StatusOr<std::vector<EventEnvelope>> GrpcEventFeedReader::ReadStream(
    const std::string& stream_id, uint64_t from_version, uint64_t to_version) {
  sales::common::v1::ReadStreamRequest request;
  request.set_stream_id(stream_id);
  request.set_from_version(from_version);
  request.set_to_version(to_version);
  request.set_page_size(options_.page_size);
  request.set_context(options_.context);
  grpc::ClientContext context;
  SetDeadline(&context);
  return CollectPages(*stub_->ReadStream(&context, request));
}

absl::StatusOr<std::vector<eventstore::StoredEvent>> GrpcEventFeedReader::ReadStreamStored(
    const std::string& stream_id, uint64_t from_version, size_t max_count) {
  if (max_count == 0) return std::vector<eventstore::StoredEvent>();
  const uint64_t first = std::max<uint64_t>(from_version, 1);
  sales::common::v1::ReadStreamRequest request;
  request.set_stream_id(stream_id);
  request.set_from_version(first);
  // to_version is inclusive; a count that reaches past uint64 means "to the end" (0).
  request.set_to_version(
      max_count > std::numeric_limits<uint64_t>::max() - first ? 0 : first + max_count - 1);
  request.set_page_size(options_.page_size);
  request.set_context(options_.context);
  grpc::ClientContext context;
  SetDeadline(&context);
  std::unique_ptr<grpc::ClientReader<sales::common::v1::StoredEventPage>> reader =
      stub_->ReadStreamStored(&context, request);
  std::vector<eventstore::StoredEvent> events;
  sales::common::v1::StoredEventPage page;
  while (reader->Read(&page)) {
    for (sales::common::v1::StoredEvent& event : *page.mutable_events()) {
      events.push_back({.position = event.position(),
                        .stream_id = std::move(*event.mutable_stream_id()),
                        .stream_version = event.stream_version(),
                        .bytes = std::move(*event.mutable_bytes())});
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return events;
}

absl::StatusOr<eventstore::StreamHead> GrpcEventFeedReader::GetStreamHead(
    const std::string& stream_id) {
  sales::common::v1::GetStreamHeadRequest request;
  request.set_stream_id(stream_id);
  request.set_context(options_.context);
  grpc::ClientContext context;
  SetDeadline(&context);
  sales::common::v1::GetStreamHeadResponse response;
  grpc::Status status = stub_->GetStreamHead(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return eventstore::StreamHead{.version = response.version(),
                                .last_event_hash = std::move(*response.mutable_last_event_hash())};
}

absl::StatusOr<uint64_t> GrpcEventFeedReader::HeadPosition() {
  grpc::ClientContext context;
  SetDeadline(&context);
  sales::common::v1::GetHeadRequest request;
  request.set_context(options_.context);
  sales::common::v1::GetHeadResponse response;
  grpc::Status status = stub_->GetHead(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.head_position();
}

}  // namespace sales::feed
