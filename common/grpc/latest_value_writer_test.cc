// LatestValueWriter on a real gRPC server (127.0.0.1, ephemeral port), fed by a WatchHub. The
// test service reuses EventFeed.ReadAll as a watch: each EventPage's head_position is the value
// of a counter (the "read model"), padded with request.page_size bytes so that a client that
// does not read soon exhausts HTTP/2 flow control; request.from_position == kFailingPosition
// makes the view's computation fail.
#include "common/grpc/latest_value_writer.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/grpc/grpc_server.h"
#include "common/projection/watch_hub.h"
#include "common/status/grpc_status.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "sales/common/v1/feed.grpc.pb.h"

namespace sales::grpc_server {
namespace {

using ::sales::common::v1::EventFeed;
using ::sales::common::v1::EventPage;
using ::sales::common::v1::ReadAllRequest;
using ::sales::projection::AppliedBatch;
using ::sales::projection::WatchHub;
using ::sales::projection::WatchSent;

constexpr absl::Duration kDeadline = absl::Seconds(20);
constexpr uint64_t kFailingPosition = 13;

bool Eventually(const std::function<bool()>& condition) {
  const absl::Time deadline = absl::Now() + kDeadline;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

class CounterWatchService final : public EventFeed::CallbackService {
 public:
  CounterWatchService(WatchHub<EventPage>* hub, std::atomic<uint64_t>* counter)
      : hub_(hub), counter_(counter) {}

  grpc::ServerWriteReactor<EventPage>* ReadAll(grpc::CallbackServerContext*,
                                               const ReadAllRequest* request) override {
    auto* writer = new LatestValueWriter<EventPage>();
    const uint64_t id = hub_->Subscribe(
        {.compute = [counter = counter_, request = *request]() -> absl::StatusOr<EventPage> {
           if (request.from_position() == kFailingPosition) {
             return absl::NotFoundError("no such position");
           }
           EventPage page;
           page.set_head_position(counter->load());
           if (request.page_size() > 0) {
             page.add_events()->set_event_id(std::string(request.page_size(), 'x'));
           }
           return page;
         },
         .deliver = [writer](EventPage page,
                             WatchSent sent) { writer->Offer(std::move(page), std::move(sent)); },
         .end = [writer](const absl::Status& status) { writer->Close(ToGrpcStatus(status)); }});
    writer->set_on_done([hub = hub_, id] { hub->Unsubscribe(id); });
    return writer;
  }

 private:
  WatchHub<EventPage>* const hub_;
  std::atomic<uint64_t>* const counter_;
};

class LatestValueWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = GrpcServer::Start({}, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = EventFeed::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  // A watch call: its context (with a deadline) and its reader.
  struct Watch {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<EventPage>> reader;
  };
  Watch StartWatch(uint32_t padding_bytes, uint64_t from_position = 0) {
    Watch watch{.context = std::make_unique<grpc::ClientContext>()};
    watch.context->set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
    ReadAllRequest request;
    request.set_page_size(padding_bytes);
    request.set_from_position(from_position);
    watch.reader = stub_->ReadAll(watch.context.get(), request);
    return watch;
  }

  // Reads whatever is left, then the call's status.
  static grpc::Status DrainAndFinish(Watch& watch) {
    EventPage page;
    while (watch.reader->Read(&page)) {
    }
    return watch.reader->Finish();
  }

  void Publish(uint64_t value) {
    counter_.store(value);
    hub_.OnBatch(AppliedBatch{.applied_total = value});
  }

  // Declared before the server: calls in flight unsubscribe from the hub as the server ends.
  WatchHub<EventPage> hub_;
  std::atomic<uint64_t> counter_{0};
  CounterWatchService service_{&hub_, &counter_};
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<EventFeed::Stub> stub_;
};

TEST_F(LatestValueWriterTest, SlowClientGetsCoalescedValuesEndingWithTheLatest) {
  constexpr uint64_t kUpdates = 30;
  Watch slow = StartWatch(/*padding_bytes=*/1 << 20);  // 30 MiB if nothing coalesced
  Watch prompt = StartWatch(/*padding_bytes=*/0);
  EventPage page;
  ASSERT_TRUE(slow.reader->Read(&page));
  EXPECT_EQ(page.head_position(), 0);
  ASSERT_TRUE(prompt.reader->Read(&page));
  EXPECT_EQ(page.head_position(), 0);

  // The prompt client sees every value while the slow one reads nothing.
  for (uint64_t value = 1; value <= kUpdates; ++value) {
    Publish(value);
    ASSERT_TRUE(prompt.reader->Read(&page));
    ASSERT_EQ(page.head_position(), value);
  }

  std::vector<uint64_t> seen;
  while (seen.empty() || seen.back() != kUpdates) {
    ASSERT_TRUE(slow.reader->Read(&page)) << "stream ended after " << seen.size() << " values";
    ASSERT_EQ(page.events(0).event_id().size(), 1u << 20);
    seen.push_back(page.head_position());
  }
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()) &&
              std::adjacent_find(seen.begin(), seen.end()) == seen.end())
      << ::testing::PrintToString(seen);
  EXPECT_LT(seen.size(), kUpdates) << ::testing::PrintToString(seen);
  RecordProperty("slow_client_values", ::testing::PrintToString(seen));
}

TEST_F(LatestValueWriterTest, ClientCancellationEndsTheWatch) {
  Watch watch = StartWatch(/*padding_bytes=*/0);
  EventPage page;
  ASSERT_TRUE(watch.reader->Read(&page));
  ASSERT_EQ(hub_.size(), 1);

  watch.context->TryCancel();
  EXPECT_EQ(DrainAndFinish(watch).error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(Eventually([&] { return hub_.size() == 0; }));
  Publish(1);  // nothing left to deliver to
}

TEST_F(LatestValueWriterTest, ComputeErrorEndsTheCallWithItsStatus) {
  Watch watch = StartWatch(/*padding_bytes=*/0, kFailingPosition);
  EventPage page;
  EXPECT_FALSE(watch.reader->Read(&page));
  const grpc::Status status = watch.reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no such position");
  EXPECT_TRUE(Eventually([&] { return hub_.size() == 0; }));
}

TEST_F(LatestValueWriterTest, HubShutdownEndsTheCallWithUnavailable) {
  Watch watch = StartWatch(/*padding_bytes=*/0);
  EventPage page;
  ASSERT_TRUE(watch.reader->Read(&page));
  hub_.Shutdown();
  EXPECT_FALSE(watch.reader->Read(&page));
  EXPECT_EQ(watch.reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(LatestValueWriterTest, ServerShutdownEndsWatchesAndUnsubscribes) {
  Watch stalled = StartWatch(/*padding_bytes=*/1 << 20);
  Watch idle = StartWatch(/*padding_bytes=*/0);
  EventPage page;
  ASSERT_TRUE(idle.reader->Read(&page));
  ASSERT_TRUE(Eventually([&] { return hub_.size() == 2; }));
  Publish(1);  // a second 1 MiB write the stalled client never reads

  server_->Shutdown(absl::Now());  // cancels the calls at once
  EXPECT_TRUE(Eventually([&] { return hub_.size() == 0; }));
  // CANCELLED or UNAVAILABLE, depending on whether the client sees the stream or the
  // connection end first.
  EXPECT_FALSE(DrainAndFinish(stalled).ok());
  EXPECT_FALSE(DrainAndFinish(idle).ok());
}

}  // namespace
}  // namespace sales::grpc_server
