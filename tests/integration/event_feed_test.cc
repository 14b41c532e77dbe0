// The EventFeed end to end: a real EventStore on a temp dir, the real EventFeedService hosted
// by GrpcServer on 127.0.0.1:<ephemeral>, read through GrpcEventFeedReader and the raw stub.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/concurrency/executor.h"
#include "common/eventstore/event_store.h"
#include "common/feed/event_feed_service.h"
#include "common/feed/grpc_event_feed_reader.h"
#include "common/grpc/grpc_server.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace sales::feed {
namespace {

using ::sales::common::v1::EventFeed;
using ::sales::common::v1::EventPage;
using ::sales::common::v1::ReadAllRequest;
using ::sales::common::v1::ReadStreamRequest;
using ::sales::testing::TempDir;
using ::sales::testing::TextEvent;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class EventFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "test"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    service_ = std::make_unique<EventFeedService>(EventFeedService::Stores{{"test", store_.get()}},
                                                  &executor_);
    auto server = grpc_server::GrpcServer::Start({}, {service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    stub_ = EventFeed::NewStub(channel_);
  }

  // Appends `count` single-event commits, round-robin over `streams` streams ("stream-<k>").
  void Fill(int count, int streams = 7) {
    for (int i = 0; i < count; ++i) {
      eventstore::AppendRequest request{.stream_id = absl::StrCat("stream-", i % streams)};
      request.events.push_back(TextEvent(absl::StrCat("event-", i)));
      ASSERT_TRUE(store_->Append(std::move(request)).ok());
    }
  }

  // Appends `count` events to one stream, in commits of up to 100.
  void FillStream(const std::string& stream, int count) {
    for (int done = 0; done < count;) {
      eventstore::AppendRequest request{.stream_id = stream};
      for (int i = 0; i < 100 && done < count; ++i, ++done) {
        request.events.push_back(TextEvent(absl::StrCat(stream, "-", done + 1)));
      }
      ASSERT_TRUE(store_->Append(std::move(request)).ok());
    }
  }

  GrpcEventFeedReader Reader(uint32_t page_size) {
    return GrpcEventFeedReader(channel_,
                               {.call_timeout = absl::Seconds(20), .page_size = page_size});
  }

  // The sizes of the pages a raw ReadAll call receives, and its final status.
  std::vector<int> ReadAllPageSizes(const ReadAllRequest& request, grpc::Status* status) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    auto reader = stub_->ReadAll(&context, request);
    std::vector<int> sizes;
    EventPage page;
    while (reader->Read(&page)) sizes.push_back(page.events_size());
    *status = reader->Finish();
    return sizes;
  }

  // The store's own view of the log, as bytes, to compare the feed against.
  std::vector<std::string> StoredLog(uint64_t from, size_t count) {
    auto events = store_->ReadAll(from, count);
    EXPECT_TRUE(events.ok()) << events.status();
    std::vector<std::string> bytes;
    for (const auto& event : *events) bytes.push_back(event.SerializeAsString());
    return bytes;
  }

  static std::vector<std::string> Serialized(const std::vector<EventEnvelope>& events) {
    std::vector<std::string> bytes;
    bytes.reserve(events.size());
    for (const auto& event : events) bytes.push_back(event.SerializeAsString());
    return bytes;
  }

  // Destroyed bottom-up: the server shuts down before the service, executor and store go.
  TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  concurrency::Executor executor_{2};
  std::unique_ptr<EventFeedService> service_;
  std::unique_ptr<grpc_server::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<EventFeed::Stub> stub_;
};

TEST_F(EventFeedTest, ReadAllOverManyPagesReturnsExactlyTheStoreInOrder) {
  Fill(2345);
  auto events = Reader(100).ReadAll(0, 100'000);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2345u);
  EXPECT_EQ(Serialized(*events), StoredLog(0, 100'000));
  for (size_t i = 0; i < events->size(); ++i) {
    ASSERT_EQ((*events)[i].global_position(), i + 1);
  }

  grpc::Status status;
  ReadAllRequest request;
  request.set_page_size(100);
  std::vector<int> pages = ReadAllPageSizes(request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(pages.size(), 24u);
  EXPECT_EQ(pages.front(), 100);
  EXPECT_EQ(pages.back(), 45);
}

TEST_F(EventFeedTest, PageSizeDefaultsTo500AndIsCappedAt5000) {
  FillStream("big", 5001);
  grpc::Status status;
  EXPECT_THAT(ReadAllPageSizes(ReadAllRequest(), &status).front(), 500);
  EXPECT_TRUE(status.ok());

  ReadAllRequest huge;
  huge.set_page_size(1'000'000);
  EXPECT_THAT(ReadAllPageSizes(huge, &status), ElementsAre(5000, 1));
  EXPECT_TRUE(status.ok());
}

TEST_F(EventFeedTest, ReadAllFromTheMiddleHonoursMaxEvents) {
  Fill(2345);
  auto events = Reader(100).ReadAll(1000, 250);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 250u);
  EXPECT_EQ(Serialized(*events), StoredLog(1000, 250));
  EXPECT_EQ(events->front().global_position(), 1000u);
  EXPECT_EQ(events->back().global_position(), 1249u);

  // A bound that is not a multiple of the page size ends mid-page.
  grpc::Status status;
  ReadAllRequest request;
  request.set_from_position(2000);
  request.set_max_events(250);
  request.set_page_size(100);
  EXPECT_THAT(ReadAllPageSizes(request, &status), ElementsAre(100, 100, 50));
  EXPECT_TRUE(status.ok());

  auto tail = Reader(100).ReadAll(2300, 1000);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->size(), 46u);  // 2300..2345: the end of the log comes first
}

TEST_F(EventFeedTest, ReadAllOfAnEmptyStoreOrPastTheHeadIsEmpty) {
  auto empty = Reader(0).ReadAll(0, 100);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->empty());
  Fill(10);
  auto past = Reader(0).ReadAll(11, 100);
  ASSERT_TRUE(past.ok()) << past.status();
  EXPECT_TRUE(past->empty());
}

TEST_F(EventFeedTest, ReadStreamHonoursFromAndToVersionsAcrossPages) {
  FillStream("lead-1", 1200);
  FillStream("lead-2", 30);
  GrpcEventFeedReader reader = Reader(100);

  auto whole = reader.ReadStream("lead-1", 0, 0);
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_EQ(whole->size(), 1200u);

  auto range = reader.ReadStream("lead-1", 150, 1049);
  ASSERT_TRUE(range.ok()) << range.status();
  ASSERT_EQ(range->size(), 900u);
  for (size_t i = 0; i < range->size(); ++i) {
    ASSERT_EQ((*range)[i].stream_id(), "lead-1");
    ASSERT_EQ((*range)[i].stream_version(), 150 + i);
  }

  auto to_past_end = reader.ReadStream("lead-2", 25, 1000);
  ASSERT_TRUE(to_past_end.ok());
  EXPECT_EQ(to_past_end->size(), 6u);

  auto unknown = reader.ReadStream("lead-404", 0, 0);
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->empty());
}

TEST_F(EventFeedTest, ReadStreamRejectsBadArgumentsNamingTheField) {
  GrpcEventFeedReader reader = Reader(0);
  auto no_id = reader.ReadStream("", 0, 0);
  EXPECT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_id.status().message(), HasSubstr("stream_id"));

  auto control = reader.ReadStream(std::string("bad\0id", 6), 0, 0);
  EXPECT_EQ(control.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(control.status().message(), HasSubstr("stream_id"));

  auto backwards = reader.ReadStream("lead-1", 10, 9);
  EXPECT_EQ(backwards.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(backwards.status().message(), HasSubstr("to_version"));
}

TEST_F(EventFeedTest, StoredBytesAndStreamHeadsAreTheStoresOwn) {
  FillStream("deal-1", 250);
  GrpcEventFeedReader reader = Reader(/*page_size=*/100);
  auto remote = reader.ReadStreamStored("deal-1", 2, 1000);
  ASSERT_TRUE(remote.ok()) << remote.status();
  auto local = store_->ReadStreamRaw("deal-1", 2, 1000);
  ASSERT_TRUE(local.ok()) << local.status();
  ASSERT_EQ(remote->size(), 249u);
  for (size_t i = 0; i < local->size(); ++i) {
    EXPECT_EQ((*remote)[i].bytes, (*local)[i].bytes);
    EXPECT_EQ((*remote)[i].position, (*local)[i].position);
    EXPECT_EQ((*remote)[i].stream_version, i + 2);
  }
  auto bounded = reader.ReadStreamStored("deal-1", 1, 10);
  ASSERT_TRUE(bounded.ok()) << bounded.status();
  EXPECT_EQ(bounded->size(), 10u);

  auto head = reader.GetStreamHead("deal-1");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->version, 250u);
  EXPECT_EQ(head->last_event_hash, eventstore::EventHash(local->back().bytes));
  auto unknown = reader.GetStreamHead("nobody");
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->version, 0u);
  EXPECT_EQ(reader.GetStreamHead("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EventFeedStoresTest, OneServiceServesSeveralStoresByContext) {
  TempDir dir;
  auto leads = eventstore::EventStore::Open({.path = dir.path() + "/leads", .service = "leads"});
  auto org = eventstore::EventStore::Open({.path = dir.path() + "/org", .service = "org"});
  ASSERT_TRUE(leads.ok() && org.ok());
  for (int i = 0; i < 3; ++i) {
    eventstore::AppendRequest request{.stream_id = "lead-1"};
    request.events.push_back(TextEvent(absl::StrCat("lead ", i)));
    ASSERT_TRUE((*leads)->Append(std::move(request)).ok());
  }
  eventstore::AppendRequest request{.stream_id = "org"};
  request.events.push_back(TextEvent("org 0"));
  ASSERT_TRUE((*org)->Append(std::move(request)).ok());

  concurrency::Executor executor(2);
  EventFeedService service({{"leads", leads->get()}, {"org", org->get()}}, &executor);
  auto server = grpc_server::GrpcServer::Start({}, {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  GrpcEventFeedReader leads_feed(channel, {.context = "leads"});
  GrpcEventFeedReader org_feed(channel, {.context = "org"});
  auto lead_events = leads_feed.ReadAll(0, 100);
  ASSERT_TRUE(lead_events.ok()) << lead_events.status();
  EXPECT_EQ(lead_events->size(), 3u);
  auto org_events = org_feed.ReadAll(0, 100);
  ASSERT_TRUE(org_events.ok()) << org_events.status();
  ASSERT_EQ(org_events->size(), 1u);
  EXPECT_EQ(sales::testing::TextOf(org_events->front()), "org 0");
  EXPECT_EQ(*org_feed.HeadPosition(), 1u);

  // Unnamed while several are served: the caller must say which, and is told the choice.
  GrpcEventFeedReader unnamed(channel);
  EXPECT_EQ(unnamed.ReadAll(0, 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unnamed.HeadPosition().status().message(), HasSubstr("leads, org"));
  // A context not served here is NOT_FOUND, and a huge name is not echoed whole.
  GrpcEventFeedReader elsewhere(channel, {.context = std::string(9000, 'x')});
  absl::Status missing = elsewhere.ReadStream("lead-1", 1, 0).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_LT(missing.message().size(), 200u);
  (*server)->Shutdown(absl::Now() + absl::Seconds(5));
}

TEST_F(EventFeedTest, GetHeadReportsTheLastCommittedPosition) {
  GrpcEventFeedReader reader = Reader(0);
  auto empty = reader.HeadPosition();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, 0u);
  Fill(42);
  auto head = reader.HeadPosition();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, 42u);
}

TEST_F(EventFeedTest, ConcurrentReadersEachGetTheWholeLog) {
  Fill(1500);
  const std::vector<std::string> expected = StoredLog(0, 10'000);
  std::vector<std::thread> readers;
  readers.reserve(4);
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      auto events = Reader(64).ReadAll(0, 10'000);
      ASSERT_TRUE(events.ok()) << events.status();
      EXPECT_EQ(Serialized(*events), expected);
    });
  }
  for (std::thread& reader : readers) reader.join();
}

TEST_F(EventFeedTest, ClientCancellingMidStreamDoesNotHangTheServer) {
  Fill(2345);
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    ReadAllRequest request;
    request.set_page_size(10);
    auto reader = stub_->ReadAll(&context, request);
    EventPage page;
    ASSERT_TRUE(reader->Read(&page));
    EXPECT_EQ(page.events_size(), 10);
    context.TryCancel();
    while (reader->Read(&page)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  auto head = Reader(0).HeadPosition();  // the server goes on serving others
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(*head, 2345u);
  // A graceful shutdown (no forced cancellation) returns only once every call's reactor has
  // finished, so a reactor left dangling by the cancellation would block it forever.
  absl::Notification shut_down;
  std::thread shutdown([&] {
    server_->Shutdown(absl::InfiniteFuture());
    shut_down.Notify();
  });
  if (!shut_down.WaitForNotificationWithTimeout(absl::Seconds(20))) {
    ADD_FAILURE() << "server shutdown hangs after a cancelled ReadAll";
    shutdown.detach();
    (void)server_.release();  // leaked on purpose: destroying it would hang the test too
    return;
  }
  shutdown.join();
}

}  // namespace
}  // namespace sales::feed
