// The audit service against the real pieces: salesd (embedded broker, the leads write side and
// LeadsApp) and, beside it, an AuditHost whose deal-history index follows the leads topic, served
// on its own gRPC server. A deal's whole journey, then its history, as-of states, the tamper
// check (an event changed in RocksDB after shutdown), the index rebuild, and bad input.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/concurrency/executor.h"
#include "common/eventstore/internal/keys.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/grpc/grpc_server.h"
#include "common/projection/projection_runner.h"
#include "common/projection/projection_store.h"
#include "common/testing/run_command.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "sales/audit/v1/audit.grpc.pb.h"
#include "sales/leads/v1/events.pb.h"
#include "services/audit/audit_host.h"
#include "services/leads/domain/lead.h"
#include "tests/integration/platform_for_test.h"

namespace sales {
namespace {

using ::sales::testing::RunCommand;

namespace leads_v1 = ::sales::leads::v1;
namespace org_v1 = ::sales::org::v1;
namespace audit_v1 = ::sales::audit::v1;
using ::testing::HasSubstr;

constexpr absl::Duration kPatience = absl::Seconds(20);

google::protobuf::Timestamp ToProto(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

sales::common::v1::CommandMeta Meta() {
  sales::common::v1::CommandMeta meta;
  meta.set_actor("user:li");
  return meta;
}

// The instants between the journey's steps, for as-of checks.
struct Checkpoints {
  absl::Time before_capture;
  absl::Time after_assign;  // captured, scored and assigned to rep-a
  absl::Time after_quote;   // an opportunity at the QUOTE step
  absl::Time after_win;
};

// An organisation of one region, product line, segment and team with reps rep-a, rep-b, and a
// rule routing everything to the team.
void SetUpOrganisation(org::OrgApp& app, const eventsourcing::CallOrigin& origin) {
  org_v1::AddRegionRequest region;
  *region.mutable_meta() = Meta();
  region.mutable_region()->set_region_id("east");
  region.mutable_region()->set_name("East China");
  ASSERT_TRUE(app.AddRegion(region, origin).ok());
  org_v1::AddProductLineRequest line;
  *line.mutable_meta() = Meta();
  line.mutable_product_line()->set_product_line_id("crm");
  line.mutable_product_line()->set_name("CRM");
  ASSERT_TRUE(app.AddProductLine(line, origin).ok());
  org_v1::AddCustomerSegmentRequest segment;
  *segment.mutable_meta() = Meta();
  segment.mutable_segment()->set_segment_id("smb");
  segment.mutable_segment()->set_name("SMB");
  ASSERT_TRUE(app.AddCustomerSegment(segment, origin).ok());
  org_v1::CreateTeamRequest team;
  *team.mutable_meta() = Meta();
  team.mutable_team()->set_team_id("team-east");
  team.mutable_team()->set_name("East");
  ASSERT_TRUE(app.CreateTeam(team, origin).ok());
  for (const char* rep_id : {"rep-a", "rep-b"}) {
    org_v1::AddRepRequest rep;
    *rep.mutable_meta() = Meta();
    rep.mutable_rep()->set_rep_id(rep_id);
    rep.mutable_rep()->set_name(rep_id);
    rep.mutable_rep()->set_team_id("team-east");
    ASSERT_TRUE(app.AddRep(rep, origin).ok());
  }
  org_v1::AddTerritoryRuleRequest rule;
  *rule.mutable_meta() = Meta();
  rule.mutable_rule()->set_rule_id("all-east");
  rule.mutable_rule()->set_region_id("east");
  rule.mutable_rule()->set_product_line_id("*");
  rule.mutable_rule()->set_segment_id("*");
  rule.mutable_rule()->set_team_id("team-east");
  ASSERT_TRUE(app.AddTerritoryRule(rule, origin).ok());
}

// Capture → assign → activity → stage moves (one backward) → conversion into D-1 → sales steps
// (one backward) → won. Every command has its own correlation id "c-<n>".
void RunJourney(leads::LeadsApp& app, Checkpoints& at) {
  int command = 0;
  auto origin = [&] { return leads::CallOrigin{.correlation_id = absl::StrCat("c-", ++command)}; };
  auto tick = [] {
    absl::SleepFor(absl::Milliseconds(5));  // distinct instants between steps
    return absl::Now();
  };
  at.before_capture = absl::Now();
  absl::SleepFor(absl::Milliseconds(5));
  leads_v1::CaptureLeadRequest capture;
  *capture.mutable_meta() = Meta();
  capture.set_lead_id("L-1");
  capture.set_source(leads_v1::LEAD_SOURCE_REFERRAL);
  capture.set_channel_id("ref-1");
  leads_v1::LeadDetails& details = *capture.mutable_details();
  details.mutable_contact()->set_name("王磊");
  details.mutable_contact()->set_email("wang.lei@example.cn");
  details.mutable_company()->set_name("杭州云帆科技有限公司");
  details.mutable_company()->set_size(leads_v1::COMPANY_SIZE_MEDIUM);
  details.mutable_company()->set_region_id("east");
  details.set_product_line_id("crm");
  details.set_segment_id("smb");
  details.mutable_estimated_value()->set_units(12'345'600);
  details.mutable_estimated_value()->set_currency("CNY");
  capture.set_need_match(80);
  capture.set_purchase_intent(70);
  absl::StatusOr<leads_v1::CaptureLeadResponse> captured = app.CaptureLead(capture, origin());
  ASSERT_TRUE(captured.ok()) << captured.status();
  leads_v1::AssignLeadRequest assign;
  *assign.mutable_meta() = Meta();
  assign.set_lead_id("L-1");
  absl::StatusOr<leads_v1::CommandResponse> assigned = app.AssignLead(assign, origin());
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  at.after_assign = tick();

  leads_v1::LogActivityRequest activity;
  *activity.mutable_meta() = Meta();
  activity.set_lead_id("L-1");
  activity.set_type(leads_v1::ACTIVITY_TYPE_VISIT);
  activity.set_notes("met the CIO");
  ASSERT_TRUE(app.LogActivity(activity, origin()).ok());
  for (auto [stage, reason] : std::vector<std::pair<leads_v1::LeadStage, std::string>>{
           {leads_v1::LEAD_STAGE_QUALIFIED, ""},
           {leads_v1::LEAD_STAGE_NURTURING, "budget not confirmed"},
           {leads_v1::LEAD_STAGE_QUALIFIED, ""}}) {
    leads_v1::MoveLeadStageRequest move;
    *move.mutable_meta() = Meta();
    move.set_lead_id("L-1");
    move.set_to_stage(stage);
    move.set_reason(reason);
    absl::StatusOr<leads_v1::CommandResponse> moved = app.MoveLeadStage(move, origin());
    ASSERT_TRUE(moved.ok()) << moved.status();
  }
  leads_v1::ConvertToOpportunityRequest convert;
  *convert.mutable_meta() = Meta();
  convert.set_lead_id("L-1");
  convert.set_deal_id("D-1");
  ASSERT_TRUE(app.ConvertToOpportunity(convert, origin()).ok());
  leads_v1::ChangeSalesStepRequest quote;
  *quote.mutable_meta() = Meta();
  quote.set_lead_id("L-1");
  quote.set_to_step(leads_v1::SALES_STEP_QUOTE);
  ASSERT_TRUE(app.ChangeSalesStep(quote, origin()).ok());
  at.after_quote = tick();

  leads_v1::ChangeSalesStepRequest back = quote;
  back.set_to_step(leads_v1::SALES_STEP_NEEDS_ANALYSIS);
  back.set_reason("new decision maker");
  ASSERT_TRUE(app.ChangeSalesStep(back, origin()).ok());
  leads_v1::WinDealRequest win;
  *win.mutable_meta() = Meta();
  win.set_lead_id("L-1");
  win.set_reason("best fit");
  ASSERT_TRUE(app.WinDeal(win, origin()).ok());
  at.after_win = tick();
}

std::vector<audit_v1::DealHistoryEntry> History(audit_v1::AuditService::Stub& stub,
                                                const std::string& deal_id, grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  audit_v1::GetDealHistoryRequest request;
  request.set_deal_id(deal_id);
  request.set_payload_json(true);
  auto reader = stub.GetDealHistory(&context, request);
  std::vector<audit_v1::DealHistoryEntry> entries;
  audit_v1::DealHistoryPage page;
  while (reader->Read(&page)) {
    for (const audit_v1::DealHistoryEntry& entry : page.entries()) entries.push_back(entry);
  }
  *status = reader->Finish();
  return entries;
}

grpc::Status AsOf(audit_v1::AuditService::Stub& stub, const std::string& deal_id,
                  const google::protobuf::Timestamp& instant, leads_v1::Lead* lead) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
  audit_v1::GetDealAsOfRequest request;
  request.set_deal_id(deal_id);
  *request.mutable_as_of() = instant;
  audit_v1::GetDealAsOfResponse response;
  grpc::Status status = stub.GetDealAsOf(&context, request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.streams_size(), 1);
    EXPECT_TRUE(response.streams(0).folded());
    EXPECT_TRUE(response.streams(0).state().UnpackTo(lead));
  }
  return status;
}

// Changes the `reason` of the event at `position` in the leads store's log, behind the store's
// back (the store must be closed).
void TamperWithEvent(const std::string& store_path, uint64_t position) {
  rocksdb::Options options;
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, store_path, &families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(families.size());
  for (const std::string& name : families) descriptors.emplace_back(name, options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, store_path, descriptors, &handles, &db).ok());
  rocksdb::ColumnFamilyHandle* log = nullptr;
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i] == "log") log = handles[i];
  }
  ASSERT_NE(log, nullptr);
  const std::string key = eventstore::internal::EncodeBigEndian64(position);
  std::string bytes;
  ASSERT_TRUE(db->Get({}, log, key, &bytes).ok());
  common::v1::EventEnvelope event;
  ASSERT_TRUE(event.ParseFromString(bytes));
  leads_v1::SalesStepChanged moved;
  ASSERT_TRUE(event.payload().UnpackTo(&moved));
  moved.set_reason("nobody asked");  // rewriting history
  event.mutable_payload()->PackFrom(moved);
  ASSERT_TRUE(db->Put({}, log, key, event.SerializeAsString()).ok());
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

TEST(AuditTest, DealJourneyHistoryAsOfTamperAndRebuild) {
  sales::testing::TempDir dir;
  // Leads alone: this test composes its own AuditHost beside the write side, so that it can
  // tamper with the stores it reads.
  auto salesd = sales::testing::StartPlatform(sales::testing::PlatformOptions(
      dir.path() + "/salesd", /*demo_data=*/false, {"org", "leads"}));
  ASSERT_TRUE(salesd.ok()) << salesd.status();
  runtime::WriteSide* leads_side = (*salesd)->write_side("leads");
  ASSERT_NE(leads_side, nullptr);
  feed::LocalEventFeedReader leads_feed(leads_side->store());
  const std::vector<projection::ProjectionSource> sources = {
      {.topic = leads_side->topic(), .feed = &leads_feed}};
  concurrency::Executor executor(2);
  const eventsourcing::EvolveStateFolder<leads::v1::Lead, leads::v1::LeadEvent> lead_folder(
      &leads::Evolve);
  auto host = audit::AuditHost::Open({.data_dir = dir.path() + "/audit",
                                      .bootstrap_servers = (*salesd)->kafka_bootstrap(),
                                      .sources = sources,
                                      .feeds = {{"leads", &leads_feed}},
                                      .folders = {{"leads", &lead_folder}},
                                      .executor = &executor});
  ASSERT_TRUE(host.ok()) << host.status();
  auto server = grpc_server::GrpcServer::Start({.port = 0}, {(*host)->service()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = audit_v1::AuditService::NewStub(
      grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials()));

  leads::LeadsApp& leads = *sales::testing::LeadsAppOf(**salesd);
  SetUpOrganisation(*sales::testing::OrgAppOf(**salesd), {.correlation_id = "setup"});
  Checkpoints at;
  RunJourney(leads, at);
  // The index has caught up when it applied every stored event and the deal's history is whole.
  const uint64_t head = leads_side->store()->HeadPosition();
  const uint64_t stream_version = leads_side->store()->GetStreamHead("lead-L-1")->version;
  grpc::Status status;
  std::vector<audit_v1::DealHistoryEntry> history;
  const absl::Time deadline = absl::Now() + kPatience;
  while (absl::Now() < deadline) {
    history = History(*stub, "D-1", &status);
    if ((*host)->runner()->stats().applied >= head && history.size() == stream_version) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(status.ok()) << status.error_message() << " "
                           << (*host)->runner()->stats().last_error;

  // History: the whole lead stream, pre-conversion events included, in order, with who and why.
  ASSERT_EQ(history.size(), stream_version);
  for (size_t i = 0; i < history.size(); ++i) {
    const common::v1::EventEnvelope& event = history[i].event();
    EXPECT_EQ(history[i].sequence(), i + 1);
    EXPECT_EQ(event.stream_id(), "lead-L-1");
    EXPECT_EQ(event.stream_version(), i + 1);
    EXPECT_EQ(event.service(), "leads");
    EXPECT_EQ(event.actor(), "user:li");
    EXPECT_THAT(event.correlation_id(), HasSubstr("c-"));
    EXPECT_FALSE(history[i].payload_json().empty());
  }
  EXPECT_EQ(history.front().event().event_type(), "sales.leads.v1.LeadCaptured");
  EXPECT_TRUE(history.front().event().deal_id().empty());  // captured before it was a deal
  EXPECT_EQ(history.back().event().event_type(), "sales.leads.v1.DealWon");
  EXPECT_EQ(history.back().reason(), "best fit");
  std::vector<std::string> reasons;
  uint64_t backward_step_version = 0;
  for (const audit_v1::DealHistoryEntry& entry : history) {
    if (!entry.reason().empty()) reasons.push_back(entry.reason());
    if (entry.reason() == "new decision maker") {
      backward_step_version = entry.event().stream_version();
    }
  }
  EXPECT_THAT(reasons, ::testing::Contains("budget not confirmed"));
  EXPECT_THAT(reasons, ::testing::Contains("new decision maker"));
  ASSERT_GT(backward_step_version, 0u);

  // As of several instants.
  leads_v1::Lead lead;
  EXPECT_EQ(AsOf(*stub, "D-1", ToProto(at.before_capture), &lead).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(AsOf(*stub, "D-1", ToProto(at.after_assign), &lead).ok());
  EXPECT_EQ(lead.stage(), leads_v1::LEAD_STAGE_CAPTURED);
  EXPECT_EQ(lead.rep_id(), "rep-a");
  EXPECT_GT(lead.score(), 0);
  EXPECT_TRUE(lead.deal_id().empty());
  ASSERT_TRUE(AsOf(*stub, "D-1", ToProto(at.after_quote), &lead).ok());
  EXPECT_EQ(lead.stage(), leads_v1::LEAD_STAGE_OPPORTUNITY);
  EXPECT_EQ(lead.sales_step(), leads_v1::SALES_STEP_QUOTE);
  EXPECT_EQ(lead.deal_id(), "D-1");
  ASSERT_TRUE(AsOf(*stub, "D-1", ToProto(at.after_win), &lead).ok());
  EXPECT_EQ(lead.stage(), leads_v1::LEAD_STAGE_WON);

  // Bad input and unknown deals.
  google::protobuf::Timestamp malformed;
  malformed.set_seconds(1);
  malformed.set_nanos(-5);
  EXPECT_EQ(AsOf(*stub, "D-1", malformed, &lead).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  malformed.set_nanos(0);
  malformed.set_seconds(300'000'000'000);
  EXPECT_EQ(AsOf(*stub, "D-1", malformed, &lead).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(AsOf(*stub, "D-404", ToProto(at.after_win), &lead).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(History(*stub, "D-404", &status).empty());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  History(*stub, "", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The untouched chain verifies.
  {
    grpc::ClientContext context;
    audit_v1::VerifyDealRequest request;
    request.set_deal_id("D-1");
    audit_v1::VerifyResponse verified;
    ASSERT_TRUE(stub->VerifyDeal(&context, request, &verified).ok());
    EXPECT_TRUE(verified.intact());
    ASSERT_EQ(verified.streams_size(), 1);
    EXPECT_EQ(verified.streams(0).events_checked(), stream_version);
  }

  // salesctl, the built binary, against the audit server.
  const std::string salesctl = absl::StrCat(SALESCTL_PATH, " --server ", (*server)->address());
  auto [table_exit, table] = RunCommand(salesctl + " audit history --deal D-1");
  EXPECT_EQ(table_exit, 0) << table;
  EXPECT_THAT(table, HasSubstr("DealWon"));
  EXPECT_THAT(table, HasSubstr("new decision maker"));
  auto [as_of_exit, as_of] = RunCommand(salesctl + " audit as-of --deal D-1 --at 2000-01-01");
  EXPECT_EQ(as_of_exit, 1) << as_of;  // the server's NOT_FOUND
  auto [verify_exit, verify] = RunCommand(salesctl + " audit verify --deal D-1");
  EXPECT_EQ(verify_exit, 0) << verify;
  EXPECT_THAT(verify, HasSubstr("intact"));

  // Rebuilding the index from the event store gives the live index byte for byte.
  audit::DealHistoryProjection rebuild_projection;
  auto rebuilt = projection::Rebuild(rebuild_projection, dir.path() + "/rebuilt", sources);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  // The live index may still be landing its last commit: poll until it settles.
  absl::StatusOr<std::string> live = (*host)->runner()->Checksum();
  for (const absl::Time until = absl::Now() + kPatience;
       live.ok() && *live != *rebuilt && absl::Now() < until;) {
    absl::SleepFor(absl::Milliseconds(20));
    live = (*host)->runner()->Checksum();
  }
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(*rebuilt, *live);

  // Tamper: after shutdown, change the backward step's reason in RocksDB; verification names it.
  uint64_t tampered_position = 0;
  for (const audit_v1::DealHistoryEntry& entry : history) {
    if (entry.event().stream_version() == backward_step_version) {
      tampered_position = entry.event().global_position();
    }
  }
  (*server)->Shutdown(absl::Now() + absl::Seconds(5));
  host->reset();
  (*salesd)->Shutdown();
  const std::string store_path = dir.path() + "/salesd/leads/events";
  TamperWithEvent(store_path, tampered_position);

  auto store = eventstore::EventStore::Open({.path = store_path, .service = "leads"});
  ASSERT_TRUE(store.ok()) << store.status();
  auto index = projection::ProjectionStore::Open(dir.path() + "/audit/projections/deal-history");
  ASSERT_TRUE(index.ok()) << index.status();
  feed::LocalEventFeedReader source(store->get());
  audit::AuditApp app({.index = index->get(), .sources = {{"leads", &source}}});
  audit_v1::VerifyStreamRequest request;
  request.set_service("leads");
  request.set_stream_id("lead-L-1");
  auto verified = app.VerifyStream(request);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_FALSE(verified->intact());
  EXPECT_EQ(verified->streams(0).first_bad_version(), backward_step_version);
  EXPECT_EQ(verified->streams(0).first_bad_event_id(),
            history[backward_step_version - 1].event().event_id());
}

}  // namespace
}  // namespace sales
