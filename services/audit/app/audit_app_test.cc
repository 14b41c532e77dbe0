#include "services/audit/app/audit_app.h"

#include <vector>

#include "common/eventsourcing/event_codec.h"
#include "common/eventstore/event_store.h"
#include "common/feed/local_event_feed_reader.h"
#include "common/projection/projection_store.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/leads/v1/events.pb.h"
#include "sales/leads/v1/model.pb.h"
#include "services/audit/app/deal_history_projection.h"
#include "services/leads/domain/lead.h"

namespace sales::audit {
namespace {

namespace leads_v1 = ::sales::leads::v1;
using ::testing::HasSubstr;

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// A lead stream captured at 100, qualified at 200, converted into D-1 at 300, moved back a step
// at 400 (with a reason) and won at 500.
std::vector<common::v1::EventEnvelope> Journey() {
  std::vector<leads_v1::LeadEvent> events(7);
  events[0].mutable_lead_captured()->set_lead_id("L-1");
  *events[0].mutable_lead_captured()->mutable_at() = At(100);
  events[1].mutable_lead_stage_changed()->set_from(leads_v1::LEAD_STAGE_CAPTURED);
  events[1].mutable_lead_stage_changed()->set_to(leads_v1::LEAD_STAGE_QUALIFIED);
  *events[1].mutable_lead_stage_changed()->mutable_at() = At(200);
  events[2].mutable_lead_stage_changed()->set_from(leads_v1::LEAD_STAGE_QUALIFIED);
  events[2].mutable_lead_stage_changed()->set_to(leads_v1::LEAD_STAGE_OPPORTUNITY);
  *events[2].mutable_lead_stage_changed()->mutable_at() = At(300);
  events[3].mutable_converted_to_opportunity()->set_deal_id("D-1");
  events[3].mutable_converted_to_opportunity()->set_step(leads_v1::SALES_STEP_QUOTE);
  *events[3].mutable_converted_to_opportunity()->mutable_at() = At(300);
  events[4].mutable_sales_step_changed()->set_from(leads_v1::SALES_STEP_QUOTE);
  events[4].mutable_sales_step_changed()->set_to(leads_v1::SALES_STEP_VISIT);
  events[4].mutable_sales_step_changed()->set_backward(true);
  events[4].mutable_sales_step_changed()->set_reason("new decision maker");
  *events[4].mutable_sales_step_changed()->mutable_at() = At(400);
  events[5].mutable_lead_stage_changed()->set_from(leads_v1::LEAD_STAGE_OPPORTUNITY);
  events[5].mutable_lead_stage_changed()->set_to(leads_v1::LEAD_STAGE_WON);
  *events[5].mutable_lead_stage_changed()->mutable_at() = At(500);
  events[6].mutable_deal_won()->set_deal_id("D-1");
  *events[6].mutable_deal_won()->mutable_at() = At(500);
  const int64_t times[] = {100, 200, 300, 300, 400, 500, 500};
  std::vector<common::v1::EventEnvelope> envelopes;
  for (size_t i = 0; i < events.size(); ++i) {
    common::v1::EventEnvelope envelope;
    *envelope.mutable_payload() = *eventsourcing::PackEvent(events[i]);
    *envelope.mutable_occurred_at() = At(times[i]);
    envelope.set_actor("user:li");
    envelope.set_correlation_id("corr-" + std::to_string(i));
    if (i >= 3) envelope.set_deal_id("D-1");
    envelopes.push_back(std::move(envelope));
  }
  return envelopes;
}

class AuditAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store =
        eventstore::EventStore::Open({.path = dir_.path() + "/events", .service = "leads"});
    ASSERT_TRUE(store.ok());
    store_ = *std::move(store);
    ASSERT_TRUE(
        store_->Append({.stream_id = "lead-L-1", .expected_version = 0, .events = Journey()}).ok());
    auto index = projection::ProjectionStore::Open(dir_.path() + "/index");
    ASSERT_TRUE(index.ok());
    index_ = *std::move(index);
    projection::StoreBatch batch = index_->NewBatch();
    auto events = store_->ReadAll(1, 1000);
    ASSERT_TRUE(events.ok());
    for (const common::v1::EventEnvelope& event : *events) {
      ASSERT_TRUE(projection_.Apply(event, batch.txn()).ok());
    }
    ASSERT_TRUE(index_->Commit(batch).ok());
    source_ = std::make_unique<feed::LocalEventFeedReader>(store_.get());
    app_ = std::make_unique<AuditApp>(AuditAppOptions{.index = index_.get(),
                                                      .sources = {{"leads", source_.get()}},
                                                      .folders = {{"leads", &folder_}},
                                                      .history_page_size = 4});
  }

  absl::StatusOr<leads_v1::Lead> LeadAsOf(int64_t seconds) {
    v1::GetDealAsOfRequest request;
    request.set_deal_id("D-1");
    *request.mutable_as_of() = At(seconds);
    absl::StatusOr<v1::GetDealAsOfResponse> response = app_->GetDealAsOf(request);
    if (!response.ok()) return response.status();
    leads_v1::Lead lead;
    EXPECT_EQ(response->streams_size(), 1);
    EXPECT_TRUE(response->streams(0).state().UnpackTo(&lead));
    EXPECT_EQ(response->events_folded(), response->streams(0).version());
    return lead;
  }

  sales::testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<projection::ProjectionStore> index_;
  DealHistoryProjection projection_;
  const eventsourcing::EvolveStateFolder<leads::v1::Lead, leads::v1::LeadEvent> folder_{
      &leads::Evolve};
  std::unique_ptr<feed::LocalEventFeedReader> source_;
  std::unique_ptr<AuditApp> app_;
};

TEST_F(AuditAppTest, HistoryListsEveryEventInPagesWithReasons) {
  v1::GetDealHistoryRequest request;
  request.set_deal_id("D-1");
  request.set_payload_json(true);
  auto serialized = app_->GetDealHistory(request);
  ASSERT_TRUE(serialized.ok()) << serialized.status();
  ASSERT_EQ(serialized->size(), 2u);
  std::vector<v1::DealHistoryPage> pages(2);
  ASSERT_TRUE(pages[0].ParseFromString((*serialized)[0]));
  ASSERT_TRUE(pages[1].ParseFromString((*serialized)[1]));
  ASSERT_EQ(pages[0].entries_size(), 4);
  ASSERT_EQ(pages[1].entries_size(), 3);
  const v1::DealHistoryEntry& back = pages[1].entries(0);
  EXPECT_EQ(back.sequence(), 5u);
  EXPECT_EQ(back.event().event_type(), "sales.leads.v1.SalesStepChanged");
  EXPECT_EQ(back.event().stream_version(), 5u);
  EXPECT_EQ(back.event().correlation_id(), "corr-4");
  EXPECT_EQ(back.reason(), "new decision maker");
  EXPECT_THAT(back.payload_json(), HasSubstr("\"backward\":true"));
  EXPECT_EQ(pages[0].entries(0).event().event_type(), "sales.leads.v1.LeadCaptured");
  EXPECT_EQ(pages[0].entries(0).sequence(), 1u);
  EXPECT_EQ(pages[0].entries(0).reason(), "");

  request.set_deal_id("D-404");
  EXPECT_EQ(app_->GetDealHistory(request).status().code(), absl::StatusCode::kNotFound);
  request.set_deal_id("");
  EXPECT_EQ(app_->GetDealHistory(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditAppTest, AsOfFoldsThePrefixThatHadOccurred) {
  EXPECT_EQ(LeadAsOf(99).status().code(), absl::StatusCode::kNotFound);
  auto captured = LeadAsOf(150);
  ASSERT_TRUE(captured.ok()) << captured.status();
  EXPECT_EQ(captured->stage(), leads_v1::LEAD_STAGE_CAPTURED);
  auto converted = LeadAsOf(300);
  ASSERT_TRUE(converted.ok());
  EXPECT_EQ(converted->stage(), leads_v1::LEAD_STAGE_OPPORTUNITY);
  EXPECT_EQ(converted->deal_id(), "D-1");
  EXPECT_EQ(converted->sales_step(), leads_v1::SALES_STEP_QUOTE);
  auto moved_back = LeadAsOf(450);
  ASSERT_TRUE(moved_back.ok());
  EXPECT_EQ(moved_back->sales_step(), leads_v1::SALES_STEP_VISIT);
  auto won = LeadAsOf(10'000);
  ASSERT_TRUE(won.ok());
  EXPECT_EQ(won->stage(), leads_v1::LEAD_STAGE_WON);

  v1::GetDealAsOfRequest request;
  request.set_deal_id("D-1");
  EXPECT_EQ(app_->GetDealAsOf(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.mutable_as_of()->set_nanos(2'000'000'000);
  EXPECT_EQ(app_->GetDealAsOf(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditAppTest, VerifyFindsTheIntactChainAndRefusesUnknownStreams) {
  v1::VerifyDealRequest deal;
  deal.set_deal_id("D-1");
  auto verified = app_->VerifyDeal(deal);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact());
  ASSERT_EQ(verified->streams_size(), 1);
  EXPECT_EQ(verified->streams(0).events_checked(), 7u);

  v1::VerifyStreamRequest stream;
  stream.set_service("leads");
  stream.set_stream_id("lead-nope");
  EXPECT_EQ(app_->VerifyStream(stream).status().code(), absl::StatusCode::kNotFound);
  stream.set_service("orders");
  stream.set_stream_id("lead-L-1");
  EXPECT_EQ(app_->VerifyStream(stream).status().code(), absl::StatusCode::kNotFound);
}

// Regression: with the index fed by another process's store, VerifyDeal answered intact after
// checking 0 events. The index's events the store lacks are a failure.
TEST_F(AuditAppTest, VerifyingAgainstAStoreWithoutTheStreamIsNoEvidence) {
  auto empty = eventstore::EventStore::Open({.path = dir_.path() + "/empty", .service = "leads"});
  ASSERT_TRUE(empty.ok()) << empty.status();
  feed::LocalEventFeedReader empty_source(empty->get());
  AuditApp other(AuditAppOptions{.index = index_.get(),
                                 .sources = {{"leads", &empty_source}},
                                 .folders = {{"leads", &folder_}}});
  v1::VerifyDealRequest deal;
  deal.set_deal_id("D-1");
  auto verified = other.VerifyDeal(deal);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_FALSE(verified->intact());
  ASSERT_EQ(verified->streams_size(), 1);
  EXPECT_EQ(verified->streams(0).events_checked(), 0u);
  EXPECT_THAT(verified->streams(0).problem(), ::testing::HasSubstr("the store does not"));
}

// The history comes from the index: a row changed or dropped there (or one the store never
// had) is found by VerifyDeal like a change in the store; an index that merely lags is not.
TEST_F(AuditAppTest, VerifyDealComparesEveryIndexedEventWithTheStore) {
  std::vector<std::pair<std::string, std::string>> rows;  // the deal's history rows
  ASSERT_TRUE(index_
                  ->Scan(HistoryPrefix("D-1"),
                         [&](absl::string_view key, absl::string_view value) {
                           rows.emplace_back(key, value);
                           return true;
                         })
                  .ok());
  ASSERT_EQ(rows.size(), 7u);
  auto verify = [&]() {
    v1::VerifyDealRequest request;
    request.set_deal_id("D-1");
    absl::StatusOr<v1::VerifyResponse> verified = app_->VerifyDeal(request);
    EXPECT_TRUE(verified.ok()) << verified.status();
    return verified.value_or(v1::VerifyResponse());
  };
  auto write = [&](const std::string& key, const std::optional<std::string>& value) {
    projection::StoreBatch batch = index_->NewBatch();
    if (value.has_value()) {
      batch.txn().Put(key, *value);
    } else {
      batch.txn().Delete(key);
    }
    ASSERT_TRUE(index_->Commit(batch).ok());
  };

  // The index lags: its last event is not there yet. Still intact.
  write(rows.back().first, std::nullopt);
  EXPECT_TRUE(verify().intact());
  write(rows.back().first, rows.back().second);

  // An event's actor rewritten in the index.
  common::v1::EventEnvelope changed;
  ASSERT_TRUE(changed.ParseFromString(rows[2].second));
  changed.set_actor("user:someone-else");
  write(rows[2].first, changed.SerializeAsString());
  v1::VerifyResponse verified = verify();
  EXPECT_FALSE(verified.intact());
  ASSERT_EQ(verified.streams_size(), 1);
  EXPECT_EQ(verified.streams(0).first_bad_version(), changed.stream_version());
  EXPECT_THAT(verified.streams(0).problem(), ::testing::HasSubstr("differs"));
  write(rows[2].first, rows[2].second);
  EXPECT_TRUE(verify().intact());

  // An event dropped from the middle of the index.
  write(rows[3].first, std::nullopt);
  verified = verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_THAT(verified.streams(0).problem(), ::testing::HasSubstr("lacks"));
  write(rows[3].first, rows[3].second);

  // An event the store never had.
  common::v1::EventEnvelope invented;
  ASSERT_TRUE(invented.ParseFromString(rows.back().second));
  invented.set_stream_version(invented.stream_version() + 1);
  invented.set_event_id("invented");
  write(rows.back().first + "x", invented.SerializeAsString());
  verified = verify();
  EXPECT_FALSE(verified.intact());
  EXPECT_EQ(verified.streams(0).first_bad_event_id(), "invented");
  EXPECT_THAT(verified.streams(0).problem(), ::testing::HasSubstr("does not"));
}

}  // namespace
}  // namespace sales::audit
