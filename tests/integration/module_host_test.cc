// ModuleHost end to end: a process's composition (data-dir lock, embedded broker, the write side
// of a hosted module, gRPC feed with health/reflection, /metrics), its restart onto a new, empty
// broker, and its refusals. The module here is a test module, so nothing in it is leads-specific.
#include "common/runtime/module_host.h"

#include "absl/strings/str_cat.h"
#include "common/feed/grpc_event_feed_reader.h"
#include "common/kafka/test_consumer.h"
#include "common/testing/grpc_probes.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace sales::runtime {
namespace {

using ::testing::HasSubstr;

// A context with a store and nothing else.
class DemoModule final : public ContextModule {
 public:
  absl::string_view name() const override { return "demo"; }
  bool owns_store() const override { return true; }
  absl::Status Start(const ModuleEnvironment&) override { return absl::OkStatus(); }
  std::vector<HostedService> services() const override { return {}; }
  void Stop() override {}
};

// A read side that needs the demo context's feed.
class ReaderModule final : public ContextModule {
 public:
  absl::string_view name() const override { return "reader"; }
  absl::Status Start(const ModuleEnvironment& env) override {
    return env.contexts->Find("demo").status();
  }
  std::vector<HostedService> services() const override { return {}; }
  void Stop() override {}
};

std::vector<std::unique_ptr<ContextModule>> TestModules() {
  std::vector<std::unique_ptr<ContextModule>> modules;
  modules.push_back(std::make_unique<DemoModule>());
  modules.push_back(std::make_unique<ReaderModule>());
  return modules;
}

ModuleHostOptions TestOptions(const std::string& data_dir,
                              std::vector<std::string> contexts = {"demo"}) {
  return {.data_dir = data_dir,
          .grpc_port = 0,
          .http_port = 0,
          .kafka_partitions = 4,
          .contexts = std::move(contexts)};
}

absl::StatusOr<std::unique_ptr<ModuleHost>> StartHost(ModuleHostOptions options) {
  return ModuleHost::Start(std::move(options), TestModules());
}

absl::Status AppendDemo(ModuleHost& host, const std::string& stream, int count) {
  WriteSide* demo = host.write_side("demo");
  if (demo == nullptr) return absl::NotFoundError("no demo context");
  for (int i = 0; i < count; ++i) {
    eventstore::AppendRequest request{.stream_id = stream};
    request.events.push_back(testing::TextEvent(absl::StrCat(stream, "#", i)));
    auto result = demo->store()->Append(std::move(request));
    if (!result.ok()) return result.status();
  }
  demo->relay()->Wake();
  return absl::OkStatus();
}

TEST(ModuleHostTest, HostsAWriteSideEndToEndAndSurvivesARestartOntoANewBroker) {
  testing::TempDir dir;
  {
    auto salesd = StartHost(TestOptions(dir.path()));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    EXPECT_TRUE((*salesd)->embedded_broker());
    EXPECT_THAT((*salesd)->grpc_address(), HasSubstr("127.0.0.1:"));
    EXPECT_THAT((*salesd)->metrics_url(), HasSubstr("http://127.0.0.1:"));
    EXPECT_EQ(testing::HealthCheck((*salesd)->grpc_address(), "sales.common.v1.EventFeed").second,
              testing::kServing);

    ASSERT_TRUE(AppendDemo(**salesd, "deal-1", 5).ok());
    auto published =
        kafka::ReadTopic((*salesd)->kafka_bootstrap(), "sales.demo.v1.events", {.min_messages = 5});
    ASSERT_TRUE(published.ok()) << published.status();
    for (const kafka::KafkaRecord& record : *published) EXPECT_EQ(record.key, "deal-1");

    feed::GrpcEventFeedReader reader(
        grpc::CreateChannel((*salesd)->grpc_address(), grpc::InsecureChannelCredentials()));
    auto all = reader.ReadAll(0, 100);
    ASSERT_TRUE(all.ok()) << all.status();
    ASSERT_EQ(all->size(), 5u);
    EXPECT_EQ(testing::TextOf((*all)[4]), "deal-1#4");

    // A second process on the same data directory is refused, naming it.
    auto second = StartHost(TestOptions(dir.path()));
    EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(second.status().message(), HasSubstr(dir.path()));
  }
  // Restart: the store is still there; the new embedded broker is empty and receives only
  // what is published from now on (projections catch up from the feed for the rest).
  auto salesd = StartHost(TestOptions(dir.path()));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  ASSERT_TRUE(AppendDemo(**salesd, "deal-2", 2).ok());
  feed::GrpcEventFeedReader reader(
      grpc::CreateChannel((*salesd)->grpc_address(), grpc::InsecureChannelCredentials()));
  auto all = reader.ReadAll(0, 100);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 7u);
  EXPECT_EQ((*all)[6].stream_version(), 2u);
  auto published =
      kafka::ReadTopic((*salesd)->kafka_bootstrap(), "sales.demo.v1.events", {.min_messages = 2});
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->size(), 2u);
  EXPECT_EQ(published->front().key, "deal-2");
}

TEST(ModuleHostTest, TakenPortIsAClearStartError) {
  testing::TempDir first_dir;
  testing::TempDir second_dir;
  auto first = StartHost(TestOptions(first_dir.path()));
  ASSERT_TRUE(first.ok()) << first.status();
  ModuleHostOptions options = TestOptions(second_dir.path());
  const std::string address = (*first)->grpc_address();
  options.grpc_port = std::stoi(address.substr(address.rfind(':') + 1));
  auto second = StartHost(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(address));
}

TEST(ModuleHostTest, ABrokerAloneHostsNoContextAndServesEveryTopic) {
  testing::TempDir dir;
  auto broker = StartHost(TestOptions(dir.path(), {}));
  ASSERT_TRUE(broker.ok()) << broker.status();
  EXPECT_TRUE((*broker)->hosted().empty());
  // A second process hosts the context against the first one's broker, and its relay publishes
  // to the topic the broker created for it.
  testing::TempDir context_dir;
  ModuleHostOptions options = TestOptions(context_dir.path());
  options.kafka_brokers = (*broker)->kafka_bootstrap();
  auto context = StartHost(options);
  ASSERT_TRUE(context.ok()) << context.status();
  EXPECT_FALSE((*context)->embedded_broker());
  ASSERT_TRUE(AppendDemo(**context, "deal-1", 3).ok());
  auto published =
      kafka::ReadTopic((*broker)->kafka_bootstrap(), "sales.demo.v1.events", {.min_messages = 3});
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->size(), 3u);
}

TEST(ModuleHostTest, AModuleFindsAContextHostedElsewhereThroughItsPeerFeed) {
  testing::TempDir dir;
  auto owner = StartHost(TestOptions(dir.path()));
  ASSERT_TRUE(owner.ok()) << owner.status();
  ASSERT_TRUE(AppendDemo(**owner, "deal-1", 2).ok());

  testing::TempDir reader_dir;
  ModuleHostOptions options = TestOptions(reader_dir.path(), {"reader"});
  options.kafka_brokers = (*owner)->kafka_bootstrap();
  // Without the peer the reader cannot start, and says how to fix it.
  auto unreachable = StartHost(options);
  EXPECT_EQ(unreachable.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(unreachable.status().message(), HasSubstr("--peers=demo="));
  options.peers = {{"demo", (*owner)->grpc_address()}};
  auto reader = StartHost(options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->hosted(), std::vector<std::string>{"reader"});
}

TEST(ModuleHostTest, RefusesUnknownContextsAndPeers) {
  testing::TempDir dir;
  auto unknown = StartHost(TestOptions(dir.path(), {"nosuch"}));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("known: demo, reader"));

  ModuleHostOptions options = TestOptions(dir.path(), {"reader"});
  options.peers = {{"reader", "127.0.0.1:1"}};
  auto not_a_store = StartHost(options);
  EXPECT_EQ(not_a_store.status().code(), absl::StatusCode::kInvalidArgument);

  options = TestOptions(dir.path());
  options.peers = {{"demo", "127.0.0.1:1"}};
  auto both = StartHost(options);
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sales::runtime
