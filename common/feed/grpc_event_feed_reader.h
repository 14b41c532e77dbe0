// GrpcEventFeedReader: an EventFeedReader over the EventFeed gRPC service of a write service
// (remote, or in the same process through a loopback channel). The shipped path for
// projections catching up from the log of record.
//
//   auto channel = grpc::CreateChannel("127.0.0.1:50051", grpc::InsecureChannelCredentials());
//   feed::GrpcEventFeedReader reader(channel, {.call_timeout = absl::Seconds(30)});
//   ASSIGN_OR_RETURN(std::vector<EventEnvelope> events, reader.ReadAll(from, 10'000));
//
// Each method is one RPC with its own deadline (call_timeout from the start of the call); a
// streaming read collects every page before returning. Errors are the server's, mapped back
// with FromGrpcStatus; an unreachable server or an exceeded deadline surfaces as UNAVAILABLE or
// DEADLINE_EXCEEDED. Blocking: never call it on a gRPC reaction thread.
//
// Thread-safety: every method may be called concurrently (each call has its own context).
#ifndef SALES_COMMON_FEED_GRPC_EVENT_FEED_READER_H_
#define SALES_COMMON_FEED_GRPC_EVENT_FEED_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/feed/event_feed_reader.h"
#include "grpcpp/channel.h"
#include "sales/common/v1/feed.grpc.pb.h"

namespace sales::feed {

struct GrpcEventFeedReaderOptions {
  // Deadline of each RPC, measured from its start; it covers all pages of a streaming read.
  absl::Duration call_timeout = absl::Seconds(30);
  // Events per page asked of the server; 0 leaves it to the server (500, at most 5000).
  uint32_t page_size = 0;
  // The context whose store to read, when the server hosts several ("" = its only one).
  std::string context;
};

class GrpcEventFeedReader final : public EventFeedReader {
 public:
  explicit GrpcEventFeedReader(std::shared_ptr<grpc::Channel> channel,
                               GrpcEventFeedReaderOptions options = {});

  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position,
                                                     size_t max_count) override;
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const std::string& stream_id,
                                                        uint64_t from_version,
                                                        uint64_t to_version) override;
  absl::StatusOr<uint64_t> HeadPosition() override;
  absl::StatusOr<std::vector<eventstore::StoredEvent>> ReadStreamStored(
      const std::string& stream_id, uint64_t from_version, size_t max_count) override;
  absl::StatusOr<eventstore::StreamHead> GetStreamHead(const std::string& stream_id) override;

 private:
  void SetDeadline(grpc::ClientContext* context) const;

  std::unique_ptr<sales::common::v1::EventFeed::Stub> stub_;
  const GrpcEventFeedReaderOptions options_;
};

}  // namespace sales::feed

#endif  // SALES_COMMON_FEED_GRPC_EVENT_FEED_READER_H_
