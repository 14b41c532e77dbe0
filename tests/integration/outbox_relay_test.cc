// The outbox relay against a real EventStore (RocksDB on a temp dir) and the embedded broker:
// ordering, outages, a crashed relay, permanent errors, and an independent client (kcat).
#include "common/outbox/outbox_relay.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/eventstore/event_store.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/test_consumer.h"
#include "common/metrics/metrics_registry.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace sales::outbox {
namespace {

using ::testing::ElementsAreArray;

constexpr char kTopic[] = "sales.test.v1";
constexpr absl::Duration kDeadline = absl::Seconds(20);

// Polls `condition` until it holds or kDeadline passes; returns its last value.
bool Eventually(const std::function<bool()>& condition) {
  const absl::Time deadline = absl::Now() + kDeadline;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

std::vector<uint64_t> OneTo(uint64_t n) {
  std::vector<uint64_t> versions;
  for (uint64_t v = 1; v <= n; ++v) versions.push_back(v);
  return versions;
}

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("outbox_relay_test_", getpid(), "_", absl::ToUnixNanos(absl::Now()));
    auto store = eventstore::EventStore::Open({.path = dir_.string(), .service = "test"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto broker = kafka::EmbeddedBroker::Start({.topics = {{kTopic, 6}}});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = std::move(*broker);
  }

  void TearDown() override {
    relay_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  OutboxRelayOptions Options() {
    return {.bootstrap_servers = broker_->bootstrap_servers(),
            .topic = kTopic,
            .initial_backoff = absl::Milliseconds(10),
            .metrics = &metrics_};
  }

  void StartRelay(OutboxRelayOptions options) {
    auto relay = OutboxRelay::Start(store_.get(), std::move(options));
    ASSERT_TRUE(relay.ok()) << relay.status();
    relay_ = std::move(*relay);
  }

  // Appends `per_stream` events to each stream, round-robin, and wakes the relay if any.
  void Append(const std::vector<std::string>& streams, int per_stream, int payload_size = 20) {
    for (int i = 0; i < per_stream; ++i) {
      for (const std::string& stream : streams) {
        google::protobuf::StringValue value;
        value.set_value(std::string(payload_size, 'x'));
        eventstore::AppendRequest request{.stream_id = stream};
        request.events.emplace_back().mutable_payload()->PackFrom(value);
        auto result = store_->Append(std::move(request));
        ASSERT_TRUE(result.ok()) << result.status();
        if (relay_ != nullptr) relay_->Wake();
      }
    }
  }

  // Reads the topic (at least `count` messages) and checks every message against its envelope.
  // Returns the versions of each stream in the order they arrived.
  std::map<std::string, std::vector<uint64_t>> ReadVersions(size_t count) {
    auto records = kafka::ReadTopic(broker_->bootstrap_servers(), kTopic, {.min_messages = count});
    std::map<std::string, std::vector<uint64_t>> versions;
    EXPECT_TRUE(records.ok()) << records.status();
    if (!records.ok()) return versions;
    std::map<std::string, int32_t> partition_of;
    for (const kafka::KafkaRecord& record : *records) {
      eventstore::EventEnvelope envelope;
      EXPECT_TRUE(envelope.ParseFromString(record.value));
      EXPECT_EQ(record.key, envelope.stream_id());
      EXPECT_EQ(record.Header(std::string(kEventTypeHeader)), "google.protobuf.StringValue");
      auto [it, inserted] = partition_of.emplace(record.key, record.partition);
      EXPECT_EQ(it->second, record.partition) << "a stream must stay on one partition";
      versions[record.key].push_back(envelope.stream_version());
    }
    return versions;
  }

  // What a consumer applying "skip anything at or below the last applied version" ends up with.
  static std::vector<uint64_t> Applied(const std::vector<uint64_t>& arrived) {
    std::vector<uint64_t> applied;
    for (uint64_t v : arrived) {
      if (applied.empty() ? v >= 1 : v > applied.back()) applied.push_back(v);
    }
    return applied;
  }

  std::filesystem::path dir_;
  metrics::MetricsRegistry metrics_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<OutboxRelay> relay_;
};

TEST_F(OutboxRelayTest, PublishesEveryStreamInVersionOrderAndEmptiesTheOutbox) {
  const std::vector<std::string> streams = {"lead-1", "lead-2", "lead-3"};
  Append(streams, 50);
  StartRelay(Options());
  ASSERT_TRUE(Eventually([&] { return relay_->backlog() == 0; })) << relay_->backlog();
  EXPECT_EQ(relay_->published(), 150);
  EXPECT_EQ(relay_->delivery_errors(), 0);
  EXPECT_EQ(store_->OutboxSize(), 0);

  auto versions = ReadVersions(150);
  ASSERT_EQ(versions.size(), 3);
  for (const std::string& stream : streams) {
    EXPECT_THAT(versions[stream], ElementsAreArray(OneTo(50))) << stream;  // in order, once
  }
  EXPECT_TRUE(relay_->Stop().ok());
}

TEST_F(OutboxRelayTest, BrokerOutageDelaysPublicationWithoutFailingAppends) {
  StartRelay(Options());
  ASSERT_TRUE(broker_->SetDown().ok());
  const std::vector<std::string> streams = {"order-1", "order-2", "order-3"};
  Append(streams, 30);  // every append succeeds (asserted inside)
  ASSERT_TRUE(Eventually([&] { return relay_->in_flight() == 90; }));
  EXPECT_EQ(relay_->published(), 0);
  EXPECT_EQ(relay_->backlog(), 90);

  ASSERT_TRUE(broker_->SetUp().ok());
  ASSERT_TRUE(Eventually([&] { return relay_->backlog() == 0; })) << relay_->backlog();
  auto versions = ReadVersions(90);
  for (const std::string& stream : streams) {
    EXPECT_THAT(Applied(versions[stream]), ElementsAreArray(OneTo(30))) << stream;
  }
}

TEST_F(OutboxRelayTest, InFlightIsBoundedWhileTheBrokerIsDown) {
  OutboxRelayOptions options = Options();
  options.max_in_flight = 25;
  StartRelay(options);
  ASSERT_TRUE(broker_->SetDown().ok());
  Append({"channel-1", "channel-2"}, 40);
  ASSERT_TRUE(Eventually([&] { return relay_->in_flight() == 25; }));
  // Give the relay a chance to overshoot, which it must not.
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(relay_->in_flight(), 25);

  ASSERT_TRUE(broker_->SetUp().ok());
  ASSERT_TRUE(Eventually([&] { return relay_->backlog() == 0; })) << relay_->backlog();
  auto versions = ReadVersions(80);
  EXPECT_THAT(Applied(versions["channel-1"]), ElementsAreArray(OneTo(40)));
  EXPECT_THAT(Applied(versions["channel-2"]), ElementsAreArray(OneTo(40)));
}

TEST_F(OutboxRelayTest, AbandonedRelayLeavesItsRowsForTheNextRelay) {
  ASSERT_TRUE(broker_->SetDown().ok());
  StartRelay(Options());
  const std::vector<std::string> streams = {"deal-1", "deal-2", "deal-3"};
  Append(streams, 20);
  ASSERT_TRUE(Eventually([&] { return relay_->in_flight() == 60; }));
  relay_->Abandon();  // a crash: no delivery report ever came, nothing was deleted
  EXPECT_EQ(store_->OutboxSize(), 60);
  relay_.reset();

  ASSERT_TRUE(broker_->SetUp().ok());
  StartRelay(Options());
  ASSERT_TRUE(Eventually([&] { return relay_->backlog() == 0; })) << relay_->backlog();
  auto versions = ReadVersions(60);
  for (const std::string& stream : streams) {
    EXPECT_THAT(Applied(versions[stream]), ElementsAreArray(OneTo(20))) << stream;
  }
}

TEST_F(OutboxRelayTest, PermanentErrorIsRetriedAndNothingIsLost) {
  // The producer refuses messages over 1000 bytes outright: a permanent error for the big row.
  OutboxRelayOptions options = Options();
  options.producer_overrides = {{"message.max.bytes", "1000"}};
  StartRelay(options);
  Append({"incentive-1"}, 2);
  Append({"incentive-1"}, 1, /*payload_size=*/2000);
  Append({"incentive-1"}, 2);
  // Rows before the big one are delivered; the relay rewinds to it and keeps retrying.
  ASSERT_TRUE(Eventually([&] { return relay_->delivery_errors() >= 2; }));
  EXPECT_EQ(relay_->published(), 2);
  EXPECT_EQ(store_->OutboxSize(), 3);
  EXPECT_TRUE(relay_->Stop().ok());
  relay_.reset();

  StartRelay(Options());  // without the limit: the rest goes through
  ASSERT_TRUE(Eventually([&] { return relay_->backlog() == 0; })) << relay_->backlog();
  auto versions = ReadVersions(5);
  EXPECT_THAT(Applied(versions["incentive-1"]), ElementsAreArray(OneTo(5)));
}

TEST_F(OutboxRelayTest, KcatReadsTheRelayedEvents) {
  if (access("/usr/bin/kcat", X_OK) != 0) {
    GTEST_SKIP() << "kcat is not installed at /usr/bin/kcat: the independent-client check "
                    "cannot run";
  }
  const std::vector<std::string> streams = {"lead-a", "lead-b", "lead-c"};
  Append(streams, 5);
  StartRelay(Options());
  ASSERT_TRUE(Eventually([&] { return relay_->backlog() == 0; }));

  const std::string command =
      absl::StrCat("timeout 20 /usr/bin/kcat -b ", broker_->bootstrap_servers(), " -C -t ", kTopic,
                   " -o beginning -e -q -X fetch.wait.max.ms=10 -f '%k\\n' 2>/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::map<std::string, int> count_by_key;
  char line[256];
  while (fgets(line, sizeof(line), pipe) != nullptr) {
    std::string key(line);
    if (!key.empty() && key.back() == '\n') key.pop_back();
    ++count_by_key[key];
  }
  EXPECT_EQ(pclose(pipe), 0) << command;
  EXPECT_EQ(count_by_key,
            (std::map<std::string, int>{{"lead-a", 5}, {"lead-b", 5}, {"lead-c", 5}}));
}

}  // namespace
}  // namespace sales::outbox
