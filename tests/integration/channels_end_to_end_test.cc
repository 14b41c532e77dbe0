// The channels context as deployed in salesd: ChannelService on the process's gRPC server with the
// demo (every channel type, a flagged price, an open conflict between two distributors) read
// through the real stub, its events on the Kafka topic sales.channels.v1.events, the demo
// partner leads of the leads context claimed by the auto-claim process manager — and after a
// restart nothing claimed twice, while a new partner lead is claimed.
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/kafka/test_consumer.h"
#include "common/testing/grpc_probes.h"
#include "common/testing/run_command.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sales/channels/v1/channels.grpc.pb.h"
#include "sales/common/v1/envelope.pb.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "services/channels/channels_module.h"
#include "tests/integration/platform_for_test.h"

namespace sales {
namespace {

namespace v1 = ::sales::channels::v1;
using Stub = v1::ChannelService::Stub;

constexpr absl::Duration kPatience = absl::Seconds(30);

template <typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  return (stub.*method)(&context, request, response);
}

channels::ChannelsModule& ChannelsOf(const runtime::ModuleHost& host) {
  return *host.module<channels::ChannelsModule>();
}

// The claims on a lead, once `count` are there (or what there is after the patience).
v1::ClaimLedger ClaimsOnLead(Stub& stub, const std::string& lead_id, int count) {
  v1::GetClaimsRequest request;
  request.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_LEAD);
  request.mutable_subject()->set_id(lead_id);
  v1::ClaimLedger ledger;
  for (const absl::Time until = absl::Now() + kPatience; absl::Now() < until;) {
    EXPECT_TRUE(Call(stub, &Stub::GetClaims, request, &ledger).ok());
    if (ledger.claims_size() >= count) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return ledger;
}

TEST(ChannelsEndToEndTest, SalesdServesTheDemoPublishesItAndClaimsPartnerLeadsOnce) {
  testing::TempDir dir;
  uint64_t head_before_restart = 0;
  {
    auto salesd = testing::StartPlatform(testing::PlatformOptions(dir.path(), /*demo_data=*/true));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    const std::string address = (*salesd)->grpc_address();
    EXPECT_EQ(testing::HealthCheck(address, "sales.channels.v1.ChannelService").second, 1);
    auto stub = v1::ChannelService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    ASSERT_TRUE(ChannelsOf(**salesd).app()->WaitForReadModel(kPatience).ok());

    v1::ListChannelsResponse channels;
    ASSERT_TRUE(Call(*stub, &Stub::ListChannels, v1::ListChannelsRequest(), &channels).ok());
    std::set<int> types;
    for (const auto& item : channels.channels()) types.insert(item.channel().type());
    EXPECT_EQ(types.size(), 9u) << "a channel of every type";

    v1::ListConflictsRequest open;
    open.set_status(v1::CONFLICT_STATUS_OPEN);
    v1::ListConflictsResponse conflicts;
    ASSERT_TRUE(Call(*stub, &Stub::ListConflicts, open, &conflicts).ok());
    ASSERT_EQ(conflicts.conflicts_size(), 1);
    EXPECT_EQ(conflicts.conflicts(0).claims(0).channel_id(), "partner-huadong-it");
    EXPECT_EQ(conflicts.conflicts(0).claims(1).channel_id(), "partner-lingnan");

    v1::GetPriceConsistencyRequest violations;
    violations.set_violations_only(true);
    v1::PriceConsistencyReport report;
    ASSERT_TRUE(Call(*stub, &Stub::GetPriceConsistency, violations, &report).ok());
    ASSERT_EQ(report.skus_size(), 1);
    EXPECT_EQ(report.skus(0).sku(), "ERP-CORE");

    // salesctl, the built binary: a check's problems name the --lines from 1, as a reader counts.
    const auto [code, check] = testing::RunCommand(
        absl::StrCat(SALESCTL_PATH, " --server ", address,
                     " channels check --channel partner-huadong-it --region east --date ",
                     absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()),
                     " --lines CRM-PRO:2:2600,NOPE-1:1:10,CRM-STD:1:100 2>&1"));
    EXPECT_EQ(code, 0) << check;
    EXPECT_THAT(check, ::testing::HasSubstr("NOT eligible"));
    EXPECT_THAT(check, ::testing::ContainsRegex("\n2 +unknown_sku +SKU \"NOPE-1\""));
    EXPECT_THAT(check, ::testing::ContainsRegex("\n3 +flagged"));

    // The deal's audit history lists the auto-claim after the capture that caused it, though both
    // carry the capture's instant and "channels" sorts before "leads".
    const std::string history = testing::RunCommandUntil(
        absl::StrCat(SALESCTL_PATH, " --server ", address, " audit history D-2026-004 2>&1"),
        "ClaimedLeadConverted", kPatience);
    ASSERT_THAT(history, ::testing::HasSubstr("ClaimRegistered"));
    EXPECT_LT(history.find("LeadCaptured"), history.find("ClaimRegistered")) << history;

    // The demo's partner leads (two through each distributor) are claimed for their channels.
    for (const char* lead : {"L-004", "L-013", "L-018", "L-025"}) {
      EXPECT_EQ(ClaimsOnLead(*stub, lead, 1).claims_size(), 1) << lead;
    }
    EXPECT_EQ(ClaimsOnLead(*stub, "L-004", 1).deal_id(), "D-2026-004");
    ASSERT_TRUE(ChannelsOf(**salesd).auto_claim_runner()->AwaitFeedHeads(kPatience).ok());

    // Every event of the channels store is on its topic.
    const outbox::OutboxRelay& relay = *(*salesd)->write_side("channels")->relay();
    for (const absl::Time until = absl::Now() + kPatience;
         relay.backlog() > 0 && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    head_before_restart = (*salesd)->write_side("channels")->store()->HeadPosition();
    auto published = kafka::ReadTopic((*salesd)->kafka_bootstrap(), "sales.channels.v1.events",
                                      {.min_messages = head_before_restart, .timeout = kPatience});
    ASSERT_TRUE(published.ok()) << published.status();
    int registered = 0;
    for (const kafka::KafkaRecord& record : *published) {
      common::v1::EventEnvelope envelope;
      ASSERT_TRUE(envelope.ParseFromString(record.value));
      EXPECT_EQ(record.key, envelope.stream_id());
      if (envelope.payload().type_url().ends_with("ChannelRegistered")) ++registered;
    }
    EXPECT_EQ(registered, 10);
  }  // salesd stops

  auto salesd = testing::StartPlatform(testing::PlatformOptions(dir.path(), /*demo_data=*/true));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  ASSERT_TRUE(ChannelsOf(**salesd).auto_claim_runner()->AwaitFeedHeads(kPatience).ok());
  EXPECT_EQ((*salesd)->write_side("channels")->store()->HeadPosition(), head_before_restart)
      << "a restart claims nothing again and seeds no demo twice";

  // A new partner lead after the restart is claimed.
  auto leads = leads::v1::LeadService::NewStub(
      grpc::CreateChannel((*salesd)->grpc_address(), grpc::InsecureChannelCredentials()));
  leads::v1::CaptureLeadRequest capture;
  capture.mutable_meta()->set_actor("user:test");
  capture.set_lead_id("L-700");
  capture.set_source(leads::v1::LEAD_SOURCE_PARTNER_CHANNEL);
  capture.set_channel_id("partner-lingnan");
  leads::v1::LeadDetails& details = *capture.mutable_details();
  details.mutable_contact()->set_name("钱七");
  details.mutable_contact()->set_email("qian.qi@after-restart.example");
  details.mutable_company()->set_name("重启之后有限公司");
  details.mutable_company()->set_size(leads::v1::COMPANY_SIZE_SMALL);
  details.mutable_company()->set_region_id("south");
  details.set_product_line_id("erp");
  details.set_segment_id("smb");
  capture.set_need_match(50);
  capture.set_purchase_intent(50);
  grpc::ClientContext context;
  leads::v1::CaptureLeadResponse captured;
  const grpc::Status status = leads->CaptureLead(&context, capture, &captured);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto stub = v1::ChannelService::NewStub(
      grpc::CreateChannel((*salesd)->grpc_address(), grpc::InsecureChannelCredentials()));
  const v1::ClaimLedger ledger = ClaimsOnLead(*stub, "L-700", 1);
  ASSERT_EQ(ledger.claims_size(), 1);
  EXPECT_EQ(ledger.claims(0).channel_id(), "partner-lingnan");
  EXPECT_EQ(ledger.claims(0).region_ids(0), "south");
}

}  // namespace
}  // namespace sales
