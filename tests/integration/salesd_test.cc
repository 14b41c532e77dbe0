// salesd end to end: the process's composition (data-dir lock, embedded broker, a hosted write
// side, gRPC feed with health/reflection, /metrics) and its restart onto a new, empty broker.
#include "services/salesd/salesd.h"

#include "absl/strings/str_cat.h"
#include "common/feed/grpc_event_feed_reader.h"
#include "common/kafka/test_consumer.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace sales::salesd {
namespace {

using ::testing::HasSubstr;

SalesdOptions TestOptions(const std::string& data_dir) {
  return {.data_dir = data_dir,
          .grpc_port = 0,
          .http_port = 0,
          .kafka_partitions = 4,
          .contexts = {"demo"}};
}

absl::Status AppendDemo(Salesd& salesd, const std::string& stream, int count) {
  runtime::WriteSide* demo = salesd.context("demo");
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

TEST(SalesdTest, HostsAWriteSideEndToEndAndSurvivesARestartOntoANewBroker) {
  testing::TempDir dir;
  {
    auto salesd = Salesd::Start(TestOptions(dir.path()));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    EXPECT_TRUE((*salesd)->embedded_broker());
    EXPECT_THAT((*salesd)->grpc_address(), HasSubstr("127.0.0.1:"));
    EXPECT_THAT((*salesd)->metrics_url(), HasSubstr("http://127.0.0.1:"));

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
    auto second = Salesd::Start(TestOptions(dir.path()));
    EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(second.status().message(), HasSubstr(dir.path()));
  }
  // Restart: the store is still there; the new embedded broker is empty and receives only
  // what is published from now on (projections catch up from the feed for the rest).
  auto salesd = Salesd::Start(TestOptions(dir.path()));
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

TEST(SalesdTest, TakenPortIsAClearStartError) {
  testing::TempDir first_dir;
  testing::TempDir second_dir;
  auto first = Salesd::Start(TestOptions(first_dir.path()));
  ASSERT_TRUE(first.ok()) << first.status();
  SalesdOptions options = TestOptions(second_dir.path());
  const std::string address = (*first)->grpc_address();
  options.grpc_port = std::stoi(address.substr(address.rfind(':') + 1));
  auto second = Salesd::Start(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(address));
}

}  // namespace
}  // namespace sales::salesd
