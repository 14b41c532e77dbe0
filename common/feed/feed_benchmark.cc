// ReadAll throughput of the event feed: 100k events (≈250-byte envelopes) read over gRPC on
// loopback through GrpcEventFeedReader, at several page sizes, against the same read straight
// from the store (LocalEventFeedReader) as the baseline.
//
//   ninja -C build feed_benchmark && build/common/feed/feed_benchmark
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "common/concurrency/executor.h"
#include "common/eventstore/event_store.h"
#include "common/feed/event_feed_service.h"
#include "common/feed/grpc_event_feed_reader.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/grpc/grpc_server.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace sales::feed {
namespace {

constexpr int kEvents = 100'000;

// One store of kEvents events served on 127.0.0.1:<ephemeral>, shared by every benchmark.
struct FeedFixture {
  FeedFixture() {
    store = *eventstore::EventStore::Open({.path = dir.path() + "/events", .service = "bench"});
    const std::string payload(200, 'x');
    for (int i = 0; i < kEvents; i += 100) {
      eventstore::AppendRequest request{.stream_id = absl::StrCat("stream-", i % 1000)};
      for (int j = 0; j < 100; ++j) request.events.push_back(testing::TextEvent(payload));
      if (!store->Append(std::move(request)).ok()) std::abort();
    }
    service = std::make_unique<EventFeedService>(EventFeedService::Stores{{"bench", store.get()}},
                                                 &executor);
    server = *grpc_server::GrpcServer::Start({}, {service.get()});
    channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  }

  testing::TempDir dir;
  std::unique_ptr<eventstore::EventStore> store;
  concurrency::Executor executor{2};
  std::unique_ptr<EventFeedService> service;
  std::unique_ptr<grpc_server::GrpcServer> server;
  std::shared_ptr<grpc::Channel> channel;
};

FeedFixture& Fixture() {
  static FeedFixture fixture;  // destroyed at exit, which removes its directory
  return fixture;
}

void ReportRate(benchmark::State& state) {
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(kEvents) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_ReadAllOverGrpc(benchmark::State& state) {
  GrpcEventFeedReader reader(
      Fixture().channel,
      {.call_timeout = absl::Seconds(120), .page_size = static_cast<uint32_t>(state.range(0))});
  for (auto _ : state) {
    auto events = reader.ReadAll(0, kEvents);
    if (!events.ok() || events->size() != kEvents) {
      state.SkipWithError("ReadAll over gRPC failed");
      return;
    }
    benchmark::DoNotOptimize(events->data());
  }
  ReportRate(state);
}
BENCHMARK(BM_ReadAllOverGrpc)
    ->Arg(100)
    ->Arg(500)
    ->Arg(5000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ReadAllLocal(benchmark::State& state) {
  LocalEventFeedReader reader(Fixture().store.get());
  for (auto _ : state) {
    auto events = reader.ReadAll(0, kEvents);
    if (!events.ok() || events->size() != kEvents) {
      state.SkipWithError("local ReadAll failed");
      return;
    }
    benchmark::DoNotOptimize(events->data());
  }
  ReportRate(state);
}
BENCHMARK(BM_ReadAllLocal)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sales::feed

BENCHMARK_MAIN();
