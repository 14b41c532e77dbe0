// The leads service end to end, as deployed: salesd (embedded broker, the leads write side,
// LeadService on its gRPC server) driven through the real gRPC stub and the built `salesctl`
// binary; the demo data; and the `leads` process role (reading the org process) against a broker.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/kafka/embedded_broker.h"
#include "common/kafka/test_consumer.h"
#include "common/testing/grpc_probes.h"
#include "common/testing/run_command.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sales/common/v1/envelope.pb.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "sales/org/v1/org.grpc.pb.h"
#include "services/leads/demo_data.h"
#include "tests/integration/platform_for_test.h"

namespace sales {
namespace {

using ::sales::testing::RunCommand;

namespace v1 = ::sales::leads::v1;
namespace org_v1 = ::sales::org::v1;
using ::testing::HasSubstr;

constexpr absl::Duration kPatience = absl::Seconds(20);

std::unique_ptr<v1::LeadService::Stub> Connect(const std::string& address) {
  return v1::LeadService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

// The ServingStatus of `service` (1 = SERVING), or -1 when the call failed.
int HealthStatus(const std::string& address, const std::string& service) {
  auto [status, serving] = testing::HealthCheck(address, service);
  return status.ok() ? serving : -1;
}

common::v1::CommandMeta Meta() {
  common::v1::CommandMeta meta;
  meta.set_actor("user:test");
  return meta;
}

// One call with a deadline; the status and, in `correlation_id`, the echoed correlation id.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response,
                  std::string* correlation_id = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  grpc::Status status = (stub.*method)(&context, request, response);
  if (correlation_id != nullptr) {
    auto it = context.GetServerTrailingMetadata().find("x-correlation-id");
    *correlation_id = it == context.GetServerTrailingMetadata().end()
                          ? ""
                          : std::string(it->second.data(), it->second.size());
  }
  return status;
}

// The organisation of the journey (through the OrgService of the process at `address`): one
// region, product line, segment, team of two reps and a
// rule routing everything to the team.
void SetUpOrganisation(const std::string& address) {
  auto stub =
      org_v1::OrgService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  org_v1::OrgCommandResponse done;
  org_v1::AddRegionRequest region;
  *region.mutable_meta() = Meta();
  region.mutable_region()->set_region_id("east");
  region.mutable_region()->set_name("East China");
  ASSERT_TRUE(Call(*stub, &org_v1::OrgService::Stub::AddRegion, region, &done).ok());
  org_v1::AddProductLineRequest line;
  *line.mutable_meta() = Meta();
  line.mutable_product_line()->set_product_line_id("crm");
  line.mutable_product_line()->set_name("CRM");
  ASSERT_TRUE(Call(*stub, &org_v1::OrgService::Stub::AddProductLine, line, &done).ok());
  org_v1::AddCustomerSegmentRequest segment;
  *segment.mutable_meta() = Meta();
  segment.mutable_segment()->set_segment_id("smb");
  segment.mutable_segment()->set_name("SMB");
  ASSERT_TRUE(Call(*stub, &org_v1::OrgService::Stub::AddCustomerSegment, segment, &done).ok());
  org_v1::CreateTeamRequest team;
  *team.mutable_meta() = Meta();
  team.mutable_team()->set_team_id("team-east");
  team.mutable_team()->set_name("East");
  ASSERT_TRUE(Call(*stub, &org_v1::OrgService::Stub::CreateTeam, team, &done).ok());
  for (const char* rep_id : {"rep-a", "rep-b"}) {
    org_v1::AddRepRequest rep;
    *rep.mutable_meta() = Meta();
    rep.mutable_rep()->set_rep_id(rep_id);
    rep.mutable_rep()->set_name(rep_id);
    rep.mutable_rep()->set_team_id("team-east");
    ASSERT_TRUE(Call(*stub, &org_v1::OrgService::Stub::AddRep, rep, &done).ok());
  }
  org_v1::AddTerritoryRuleRequest rule;
  *rule.mutable_meta() = Meta();
  rule.mutable_rule()->set_rule_id("all-east");
  rule.mutable_rule()->set_region_id("east");
  rule.mutable_rule()->set_product_line_id("*");
  rule.mutable_rule()->set_segment_id("*");
  rule.mutable_rule()->set_team_id("team-east");
  grpc::Status status = Call(*stub, &org_v1::OrgService::Stub::AddTerritoryRule, rule, &done);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

v1::CaptureLeadRequest Capture() {
  v1::CaptureLeadRequest capture;
  *capture.mutable_meta() = Meta();
  capture.set_lead_id("L-1");
  capture.set_source(v1::LEAD_SOURCE_REFERRAL);
  capture.set_channel_id("ref-1");
  v1::LeadDetails& details = *capture.mutable_details();
  details.mutable_contact()->set_name("王磊");
  details.mutable_contact()->set_email("wang.lei@example.cn");
  details.mutable_company()->set_name("杭州云帆科技有限公司");
  details.mutable_company()->set_size(v1::COMPANY_SIZE_MEDIUM);
  details.mutable_company()->set_region_id("east");
  details.set_product_line_id("crm");
  details.set_segment_id("smb");
  details.mutable_estimated_value()->set_units(12'345'600);
  details.mutable_estimated_value()->set_currency("CNY");
  capture.set_need_match(80);
  capture.set_purchase_intent(70);
  return capture;
}

// The stream versions of `stream_id`'s events on Kafka, in the order they were read.
std::vector<uint64_t> VersionsOnKafka(const std::vector<kafka::KafkaRecord>& records,
                                      const std::string& stream_id) {
  std::vector<uint64_t> versions;
  for (const kafka::KafkaRecord& record : records) {
    if (record.key != stream_id) continue;
    common::v1::EventEnvelope envelope;
    EXPECT_TRUE(envelope.ParseFromString(record.value));
    EXPECT_EQ(envelope.stream_id(), stream_id);
    versions.push_back(envelope.stream_version());
  }
  return versions;
}

runtime::ModuleHostOptions SalesdTestOptions(const std::string& data_dir, bool demo_data) {
  return testing::PlatformOptions(data_dir, demo_data, {"org", "leads"});
}

TEST(LeadsEndToEndTest, LeadToWonDealThroughSalesdAndSalesctl) {
  testing::TempDir dir;
  auto salesd = testing::StartPlatform(SalesdTestOptions(dir.path(), /*demo_data=*/false));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  const std::string address = (*salesd)->grpc_address();
  EXPECT_EQ(HealthStatus(address, "sales.leads.v1.LeadService"), 1);
  auto stub = Connect(address);
  SetUpOrganisation(address);

  using Stub = v1::LeadService::Stub;
  v1::CaptureLeadResponse captured;
  std::string correlation_id;
  ASSERT_TRUE(Call(*stub, &Stub::CaptureLead, Capture(), &captured, &correlation_id).ok());
  EXPECT_EQ(captured.lead_id(), "L-1");
  EXPECT_FALSE(captured.merged_as_duplicate());
  EXPECT_FALSE(correlation_id.empty());

  v1::CommandResponse done;
  v1::AssignLeadRequest assign;
  *assign.mutable_meta() = Meta();
  assign.set_lead_id("L-1");
  ASSERT_TRUE(Call(*stub, &Stub::AssignLead, assign, &done).ok());
  v1::LogActivityRequest activity;
  *activity.mutable_meta() = Meta();
  activity.set_lead_id("L-1");
  activity.set_type(v1::ACTIVITY_TYPE_VISIT);
  activity.set_notes("met the CIO");
  ASSERT_TRUE(Call(*stub, &Stub::LogActivity, activity, &done).ok());
  v1::MoveLeadStageRequest qualify;
  *qualify.mutable_meta() = Meta();
  qualify.set_lead_id("L-1");
  qualify.set_to_stage(v1::LEAD_STAGE_QUALIFIED);
  ASSERT_TRUE(Call(*stub, &Stub::MoveLeadStage, qualify, &done).ok());
  v1::ConvertToOpportunityRequest convert;
  *convert.mutable_meta() = Meta();
  convert.set_lead_id("L-1");
  convert.set_deal_id("D-1");
  ASSERT_TRUE(Call(*stub, &Stub::ConvertToOpportunity, convert, &done).ok());
  EXPECT_EQ(done.deal_id(), "D-1");
  v1::ChangeSalesStepRequest step;
  *step.mutable_meta() = Meta();
  step.set_lead_id("L-1");
  step.set_to_step(v1::SALES_STEP_QUOTE);
  ASSERT_TRUE(Call(*stub, &Stub::ChangeSalesStep, step, &done).ok());
  v1::WinDealRequest win;
  *win.mutable_meta() = Meta();
  win.set_lead_id("L-1");
  ASSERT_TRUE(Call(*stub, &Stub::WinDeal, win, &done).ok());

  // Refusals keep their code: a closed deal, a command without actor.
  grpc::Status refused = Call(*stub, &Stub::MoveLeadStage, qualify, &done);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("lead_closed"));
  v1::CaptureLeadRequest anonymous = Capture();
  anonymous.set_lead_id("L-2");
  anonymous.mutable_meta()->clear_actor();
  v1::CaptureLeadResponse not_captured;
  refused = Call(*stub, &Stub::CaptureLead, anonymous, &not_captured);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message(), "field meta.actor: required");

  v1::GetLeadRequest get;
  get.set_lead_id("L-1");
  v1::GetLeadResponse lead;
  ASSERT_TRUE(Call(*stub, &Stub::GetLead, get, &lead).ok());
  EXPECT_EQ(lead.lead().stage(), v1::LEAD_STAGE_WON);
  EXPECT_EQ(lead.lead().deal_id(), "D-1");
  EXPECT_EQ(lead.lead().team_id(), "team-east");
  EXPECT_EQ(lead.lead().rep_id(), "rep-a");  // equal loads: the smallest rep id
  v1::GetLeadRequest missing;
  missing.set_lead_id("L-404");
  EXPECT_EQ(Call(*stub, &Stub::GetLead, missing, &lead).error_code(), grpc::StatusCode::NOT_FOUND);

  // Every event is published, keyed by the lead's stream.
  const uint64_t appended = (*salesd)->write_side("leads")->store()->HeadPosition();
  auto published = kafka::ReadTopic((*salesd)->kafka_bootstrap(), "sales.leads.v1.events",
                                    {.min_messages = appended, .timeout = kPatience});
  ASSERT_TRUE(published.ok()) << published.status();
  // … in the stream's order: versions 1, 2, 3, … with none missing (one partition per key).
  const std::vector<uint64_t> versions = VersionsOnKafka(*published, "lead-L-1");
  ASSERT_GE(versions.size(), 7u);
  for (size_t i = 0; i < versions.size(); ++i) EXPECT_EQ(versions[i], i + 1);

  // salesctl, the built binary, against the same server. The list comes from the read model,
  // a few milliseconds behind the commands.
  ASSERT_TRUE(testing::LeadsAppOf(**salesd)->WaitForReadModel(kPatience).ok());
  const std::string salesctl = absl::StrCat(SALESCTL_PATH, " --server ", address);
  auto [json_exit, json] = RunCommand(salesctl + " --json leads list --stage won");
  ASSERT_EQ(json_exit, 0) << json;
  v1::ListLeadsResponse listed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &listed).ok()) << json;
  ASSERT_EQ(listed.leads_size(), 1) << json;
  EXPECT_EQ(listed.leads(0).lead().lead_id(), "L-1");
  EXPECT_EQ(listed.leads(0).lead().deal_id(), "D-1");

  auto [table_exit, table] = RunCommand(salesctl + " leads list");
  EXPECT_EQ(table_exit, 0);
  EXPECT_THAT(table, HasSubstr("L-1"));
  EXPECT_THAT(table, HasSubstr("123,456.00 CNY"));
  EXPECT_THAT(table, HasSubstr("won"));
  EXPECT_EQ(RunCommand(salesctl + " leads get L-404 2>/dev/null").first, 1);
  EXPECT_EQ(RunCommand(salesctl + " leads list --stage nowhere 2>/dev/null").first, 2);

  // Details and source of an open lead: flags left out keep their values.
  v1::CaptureLeadRequest second = Capture();
  second.set_lead_id("L-3");
  second.mutable_details()->mutable_contact()->set_email("li.na@example.cn");
  second.mutable_details()->mutable_company()->set_name("苏州青禾贸易有限公司");
  ASSERT_TRUE(Call(*stub, &Stub::CaptureLead, second, &captured).ok());
  ASSERT_FALSE(captured.merged_as_duplicate());
  auto [details_exit, details_out] =
      RunCommand(salesctl + " leads update-details L-3 --phone \"+86 138 0013 8000\"");
  EXPECT_EQ(details_exit, 0) << details_out;
  EXPECT_THAT(details_out,
              HasSubstr(absl::StrCat("lead L-3 at version ", captured.stream_version() + 1)));
  auto [source_exit, source_json] =
      RunCommand(salesctl + " --json leads change-source L-3 --source web");
  ASSERT_EQ(source_exit, 0) << source_json;
  v1::CommandResponse changed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(source_json, &changed).ok())
      << source_json;
  EXPECT_GT(changed.stream_version(), captured.stream_version() + 1);  // a rescore may follow
  get.set_lead_id("L-3");
  ASSERT_TRUE(Call(*stub, &Stub::GetLead, get, &lead).ok());
  EXPECT_EQ(lead.lead().details().contact().phone(), "+86 138 0013 8000");
  EXPECT_EQ(lead.lead().details().contact().email(), "li.na@example.cn");
  EXPECT_EQ(lead.lead().source(), v1::LEAD_SOURCE_WEB);
  EXPECT_EQ(RunCommand(salesctl + " leads change-source L-3 --source nowhere 2>/dev/null").first,
            2);

  // An expected close date: given at conversion, moved, shown, cleared.
  auto [convert_exit, convert_out] = RunCommand(
      salesctl + " leads convert L-3 --deal-id D-3 --amount 80000.00 --close-date 2026-12-20");
  EXPECT_EQ(convert_exit, 0) << convert_out;
  auto [move_exit, move_out] = RunCommand(
      salesctl + " leads close-date L-3 --date 2027-01-15 --reason \"board meets in January\"");
  EXPECT_EQ(move_exit, 0) << move_out;
  auto [show_exit, shown] = RunCommand(salesctl + " leads get L-3");
  EXPECT_EQ(show_exit, 0);
  EXPECT_THAT(shown, HasSubstr("2027-01-15"));
  ASSERT_TRUE(Call(*stub, &Stub::GetLead, get, &lead).ok());
  EXPECT_EQ(lead.lead().expected_close_date().year(), 2027);
  EXPECT_EQ(RunCommand(salesctl + " leads close-date L-3 --clear").first, 0);
  ASSERT_TRUE(Call(*stub, &Stub::GetLead, get, &lead).ok());
  EXPECT_FALSE(lead.lead().has_expected_close_date());
  EXPECT_EQ(RunCommand(salesctl + " leads close-date L-3 2>/dev/null").first, 2);  // no flag
  v1::ChangeDealCloseDateRequest bad_date;
  bad_date.mutable_meta()->set_actor("tester");
  bad_date.set_lead_id("L-3");
  bad_date.mutable_expected_close_date()->set_year(2026);
  bad_date.mutable_expected_close_date()->set_month(2);
  bad_date.mutable_expected_close_date()->set_day(30);
  const grpc::Status bad_date_refused = Call(*stub, &Stub::ChangeDealCloseDate, bad_date, &changed);
  EXPECT_EQ(bad_date_refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad_date_refused.error_message(), "field expected_close_date: 2026-2-30 is not a date");
}

// salesd stops mid-journey and starts again on the same data directory (with a new, empty
// embedded broker): the lead, its history and the read model are intact, the journey goes on,
// and what is published after the restart is still in the stream's order.
TEST(LeadsEndToEndTest, RestartMidJourneyLosesNothing) {
  using Stub = v1::LeadService::Stub;
  testing::TempDir dir;
  v1::CommandResponse done;
  uint64_t version_before_restart = 0;
  {
    auto salesd = testing::StartPlatform(SalesdTestOptions(dir.path(), /*demo_data=*/false));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    auto stub = Connect((*salesd)->grpc_address());
    SetUpOrganisation((*salesd)->grpc_address());
    v1::CaptureLeadResponse captured;
    ASSERT_TRUE(Call(*stub, &Stub::CaptureLead, Capture(), &captured).ok());
    v1::AssignLeadRequest assign;
    *assign.mutable_meta() = Meta();
    assign.set_lead_id("L-1");
    const grpc::Status assigned = Call(*stub, &Stub::AssignLead, assign, &done);
    ASSERT_TRUE(assigned.ok()) << assigned.error_message();
    v1::LogActivityRequest activity;
    *activity.mutable_meta() = Meta();
    activity.set_lead_id("L-1");
    activity.set_type(v1::ACTIVITY_TYPE_CALL);
    ASSERT_TRUE(Call(*stub, &Stub::LogActivity, activity, &done).ok());
    version_before_restart = done.stream_version();
  }  // salesd shuts down here

  auto salesd = testing::StartPlatform(SalesdTestOptions(dir.path(), /*demo_data=*/false));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  auto stub = Connect((*salesd)->grpc_address());
  v1::GetLeadRequest get;
  get.set_lead_id("L-1");
  v1::GetLeadResponse lead;
  ASSERT_TRUE(Call(*stub, &Stub::GetLead, get, &lead).ok());
  EXPECT_EQ(lead.stream_version(), version_before_restart);
  EXPECT_EQ(lead.lead().rep_id(), "rep-a");
  EXPECT_EQ(lead.lead().team_id(), "team-east");
  ASSERT_TRUE(testing::LeadsAppOf(**salesd)->WaitForReadModel(kPatience).ok());
  v1::ListLeadsRequest list;
  list.set_rep_id("rep-a");
  v1::ListLeadsResponse listed;
  ASSERT_TRUE(Call(*stub, &Stub::ListLeads, list, &listed).ok());
  ASSERT_EQ(listed.leads_size(), 1);
  EXPECT_EQ(listed.leads(0).lead().lead_id(), "L-1");

  v1::ConvertToOpportunityRequest convert;
  *convert.mutable_meta() = Meta();
  convert.set_lead_id("L-1");
  convert.set_deal_id("D-1");
  ASSERT_TRUE(Call(*stub, &Stub::ConvertToOpportunity, convert, &done).ok());
  v1::WinDealRequest win;
  *win.mutable_meta() = Meta();
  win.set_lead_id("L-1");
  ASSERT_TRUE(Call(*stub, &Stub::WinDeal, win, &done).ok());
  EXPECT_GT(done.stream_version(), version_before_restart);

  // The new broker holds what was published since the restart (and any row the old relay had
  // not yet seen acknowledged): a contiguous, ordered run of the stream's versions that ends
  // with the last one.
  // Every row acknowledged by the broker first (the relay's outbox empty), then the whole topic.
  const outbox::OutboxRelay& relay = *(*salesd)->write_side("leads")->relay();
  const absl::Time deadline = absl::Now() + kPatience;
  while (relay.backlog() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  ASSERT_EQ(relay.backlog(), 0u) << "the relay did not publish the leads store within "
                                 << kPatience;
  auto published = kafka::ReadTopic((*salesd)->kafka_bootstrap(), "sales.leads.v1.events",
                                    {.timeout = kPatience});
  ASSERT_TRUE(published.ok()) << published.status();
  const std::vector<uint64_t> versions = VersionsOnKafka(*published, "lead-L-1");
  ASSERT_FALSE(versions.empty());
  EXPECT_LE(versions.front(), version_before_restart + 1);
  for (size_t i = 1; i < versions.size(); ++i) EXPECT_EQ(versions[i], versions[i - 1] + 1);
  EXPECT_EQ(versions.back(), done.stream_version());
}

TEST(LeadsEndToEndTest, DemoDataSeedsAnEmptyStoreOnlyOnce) {
  testing::TempDir dir;
  {
    auto salesd = testing::StartPlatform(SalesdTestOptions(dir.path(), /*demo_data=*/true));
    ASSERT_TRUE(salesd.ok()) << salesd.status();
    EXPECT_THAT((*salesd)->demo_seeded(), ::testing::Contains("30 leads"));
    auto stub = Connect((*salesd)->grpc_address());

    auto org_stub = org_v1::OrgService::NewStub(
        grpc::CreateChannel((*salesd)->grpc_address(), grpc::InsecureChannelCredentials()));
    org_v1::ListTerritoryGapsResponse gaps;
    ASSERT_TRUE(Call(*org_stub, &org_v1::OrgService::Stub::ListTerritoryGaps,
                     org_v1::ListTerritoryGapsRequest(), &gaps)
                    .ok());
    ASSERT_EQ(gaps.gaps_size(), 1);
    EXPECT_EQ(gaps.gaps(0).region_id(), "south");
    EXPECT_EQ(gaps.gaps(0).product_line_id(), "erp");
    EXPECT_EQ(gaps.gaps(0).segment_id(), "enterprise");

    v1::GetLeadRequest get;
    get.set_lead_id("L-001");
    v1::GetLeadResponse first;
    ASSERT_TRUE(Call(*stub, &v1::LeadService::Stub::GetLead, get, &first).ok());
    EXPECT_EQ(first.lead().stage(), v1::LEAD_STAGE_WON);
    EXPECT_EQ(first.lead().merged_duplicates_size(), 1);  // the duplicate capture
    // The history spans weeks: captured long before it was won.
    EXPECT_GT(first.lead().closed_at().seconds() - first.lead().captured_at().seconds(),
              14 * 24 * 3600);

    ASSERT_TRUE(testing::LeadsAppOf(**salesd)->WaitForReadModel(kPatience).ok());
    v1::ListLeadsRequest all;
    all.set_page_size(500);
    v1::ListLeadsResponse listed;
    ASSERT_TRUE(Call(*stub, &v1::LeadService::Stub::ListLeads, all, &listed).ok());
    EXPECT_EQ(listed.leads_size(), leads::kDemoLeadCount);
    int stages_seen[8] = {};
    for (const v1::GetLeadResponse& item : listed.leads()) ++stages_seen[item.lead().stage()];
    for (int stage = v1::LEAD_STAGE_CAPTURED; stage <= v1::LEAD_STAGE_LOST; ++stage) {
      EXPECT_GT(stages_seen[stage], 0) << v1::LeadStage_Name(stage);
    }
  }
  // Restart: the store is not empty, nothing is seeded twice.
  auto salesd = testing::StartPlatform(SalesdTestOptions(dir.path(), /*demo_data=*/true));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  EXPECT_TRUE((*salesd)->demo_seeded().empty());
  ASSERT_TRUE(testing::LeadsAppOf(**salesd)->WaitForReadModel(kPatience).ok());
  v1::ListLeadsRequest all;
  all.set_page_size(500);
  v1::ListLeadsResponse listed;
  ASSERT_TRUE(
      Call(*Connect((*salesd)->grpc_address()), &v1::LeadService::Stub::ListLeads, all, &listed)
          .ok());
  EXPECT_EQ(listed.leads_size(), leads::kDemoLeadCount);
}

TEST(LeadsEndToEndTest, LeadsRunsAsItsOwnProcessAgainstABroker) {
  auto broker = kafka::EmbeddedBroker::Start(
      {.topics = {{"sales.org.v1.events", 4}, {"sales.leads.v1.events", 4}}});
  ASSERT_TRUE(broker.ok()) << broker.status();
  // The org context in one process, leads in another reading it through its EventFeed.
  testing::TempDir org_dir;
  runtime::ModuleHostOptions org_options =
      testing::PlatformOptions(org_dir.path(), /*demo_data=*/false, {"org"});
  org_options.kafka_brokers = (*broker)->bootstrap_servers();
  auto org_server = testing::StartPlatform(org_options);
  ASSERT_TRUE(org_server.ok()) << org_server.status();
  testing::TempDir dir;
  runtime::ModuleHostOptions options =
      testing::PlatformOptions(dir.path(), /*demo_data=*/false, {"leads"});
  options.kafka_brokers = (*broker)->bootstrap_servers();
  options.peers = {{"org", (*org_server)->grpc_address()}};
  auto server = testing::StartPlatform(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(HealthStatus((*server)->grpc_address(), "sales.leads.v1.LeadService"), 1);
  EXPECT_EQ(HealthStatus((*server)->grpc_address(), "sales.common.v1.EventFeed"), 1);
  EXPECT_EQ(HealthStatus((*org_server)->grpc_address(), "sales.org.v1.OrgService"), 1);
  // The organisation is set up in the org process; the capture and the assignment right after
  // name what the leads process's replica may not hold yet: it catches up instead of NOT_FOUND.
  SetUpOrganisation((*org_server)->grpc_address());
  auto stub = Connect((*server)->grpc_address());
  v1::CaptureLeadResponse captured;
  ASSERT_TRUE(Call(*stub, &v1::LeadService::Stub::CaptureLead, Capture(), &captured).ok());
  v1::AssignLeadRequest assign;
  *assign.mutable_meta() = Meta();
  assign.set_lead_id("L-1");
  assign.set_rep_id("rep-b");
  v1::CommandResponse assigned;
  grpc::Status status = Call(*stub, &v1::LeadService::Stub::AssignLead, assign, &assigned);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto published = kafka::ReadTopic((*broker)->bootstrap_servers(), "sales.leads.v1.events",
                                    {.min_messages = 1, .timeout = kPatience});
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_FALSE(published->empty());
  (*server)->Shutdown();
  (*org_server)->Shutdown();
}

}  // namespace
}  // namespace sales
