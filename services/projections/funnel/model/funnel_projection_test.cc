// FunnelProjection against a real ProjectionStore: poison outcomes, and the projection contract —
// the same per-stream histories interleaved differently (and committed in different batch sizes)
// give byte-identical read models. The figures themselves are checked end to end in
// query/funnel_query_test.cc.
#include "services/projections/funnel/model/funnel_projection.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/projection/projection_store.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/projections/funnel/model/keys.h"
#include "services/projections/funnel/testing/random_history.h"

namespace sales::funnel {
namespace {

using ::sales::funnel::testing::LeadScript;
using ::sales::funnel::testing::RandomLead;
using ::sales::projection::EventEnvelope;
using ::sales::projection::ProjectionStore;
using ::sales::projection::StoreBatch;

class FunnelProjectionTest : public ::testing::Test {
 protected:
  std::unique_ptr<ProjectionStore> OpenStore(absl::string_view name) {
    auto store = ProjectionStore::Open(absl::StrCat(dir_.path(), "/", name));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Applies `events` in order, committing every `batch_size` events; returns the checksum.
  std::string ApplyAll(absl::string_view name, const std::vector<EventEnvelope>& events,
                       size_t batch_size) {
    std::unique_ptr<ProjectionStore> store = OpenStore(name);
    StoreBatch batch = store->NewBatch();
    for (size_t i = 0; i < events.size(); ++i) {
      const absl::Status applied = projection_.Apply(events[i], batch.txn());
      EXPECT_TRUE(applied.ok()) << applied << " at " << events[i].DebugString();
      if ((i + 1) % batch_size == 0) {
        EXPECT_TRUE(store->Commit(batch).ok());
      }
    }
    EXPECT_TRUE(store->Commit(batch).ok());
    auto checksum = store->Checksum();
    EXPECT_TRUE(checksum.ok());
    return checksum.value_or("");
  }

  absl::Status ApplyOne(const EventEnvelope& event) {
    if (store_ == nullptr) store_ = OpenStore("one");
    StoreBatch batch = store_->NewBatch();
    return projection_.Apply(event, batch.txn());
  }

  sales::testing::TempDir dir_;
  FunnelProjection projection_;
  std::unique_ptr<ProjectionStore> store_;
};

// Merges the streams in a random order that keeps each stream's own order.
std::vector<EventEnvelope> Interleave(const std::vector<LeadScript>& leads, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> next(leads.size(), 0);
  std::vector<size_t> open;
  for (size_t i = 0; i < leads.size(); ++i) open.push_back(i);
  std::vector<EventEnvelope> out;
  while (!open.empty()) {
    const size_t at = rng() % open.size();
    const LeadScript& lead = leads[open[at]];
    out.push_back(lead.events()[next[open[at]]++]);
    if (next[open[at]] == lead.events().size()) {
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  return out;
}

TEST_F(FunnelProjectionTest, InterleavingAndBatchingDoNotChangeTheReadModel) {
  std::mt19937_64 rng(20261123);
  const absl::Time start = absl::FromCivil(absl::CivilDay(2026, 10, 20), BusinessTimeZone());
  std::vector<LeadScript> leads;
  size_t events = 0;
  for (int i = 0; i < 300; ++i) {
    leads.push_back(RandomLead(rng, absl::StrCat("L", i), start + absl::Hours(i), 12));
    events += leads.back().events().size();
  }
  std::vector<EventEnvelope> by_stream;
  for (const LeadScript& lead : leads) {
    by_stream.insert(by_stream.end(), lead.events().begin(), lead.events().end());
  }
  const std::string one = ApplyAll("a", Interleave(leads, 1), 1000);
  const std::string two = ApplyAll("b", Interleave(leads, 2), 7);
  const std::string three = ApplyAll("c", by_stream, 1);
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
  EXPECT_GT(events, 2000u);  // the histories are not trivial
}

TEST_F(FunnelProjectionTest, DifferentHistoriesGiveDifferentModels) {
  const absl::Time t = absl::FromCivil(absl::CivilDay(2026, 11, 2), BusinessTimeZone());
  LeadScript a("A");
  a.Capture(t, {.region = "north"}).Move(t + absl::Hours(1), leads_v1::LEAD_STAGE_QUALIFIED);
  LeadScript b("A");
  b.Capture(t, {.region = "north"}).Move(t + absl::Hours(2), leads_v1::LEAD_STAGE_QUALIFIED);
  EXPECT_NE(ApplyAll("a", a.events(), 10), ApplyAll("b", b.events(), 10));
}

TEST_F(FunnelProjectionTest, IgnoresOtherTopicsAndTheLeadsTypesItDoesNotNeed) {
  EventEnvelope other;
  other.set_stream_id("order-1");
  other.mutable_payload()->set_type_url("type.googleapis.com/sales.orders.v1.OrderPlaced");
  EXPECT_TRUE(ApplyOne(other).ok());
  EventEnvelope settings;
  settings.set_stream_id("pipeline-settings");
  settings.mutable_payload()->PackFrom(leads_v1::PipelineSettingsChanged());
  EXPECT_TRUE(ApplyOne(settings).ok());
  EventEnvelope claim;
  claim.set_stream_id("deal-id-D-1");
  claim.mutable_payload()->PackFrom(leads_v1::DealIdClaimed());
  EXPECT_TRUE(ApplyOne(claim).ok());
}

TEST_F(FunnelProjectionTest, UnknownLeadsTypeIsUnimplemented) {
  EventEnvelope event;
  event.set_stream_id("lead-1");
  event.mutable_payload()->set_type_url("type.googleapis.com/sales.leads.v1.LeadTeleported");
  EXPECT_EQ(ApplyOne(event).code(), absl::StatusCode::kUnimplemented);
}

TEST_F(FunnelProjectionTest, MalformedPayloadsAreInvalidArgument) {
  const absl::Time t = absl::FromCivil(absl::CivilDay(2026, 11, 2), BusinessTimeZone());
  EventEnvelope garbage;
  garbage.set_stream_id("lead-1");
  garbage.mutable_payload()->set_type_url("type.googleapis.com/sales.leads.v1.LeadStageChanged");
  garbage.mutable_payload()->set_value("\xff\xff\xff");
  EXPECT_EQ(ApplyOne(garbage).code(), absl::StatusCode::kInvalidArgument);

  LeadScript lead("1");
  lead.Capture(t, {}).Move(t, leads_v1::LEAD_STAGE_NURTURING);
  EventEnvelope bad_stage = lead.events()[1];
  leads_v1::LeadStageChanged changed;
  ASSERT_TRUE(bad_stage.payload().UnpackTo(&changed));
  changed.set_to(static_cast<leads_v1::LeadStage>(42));
  bad_stage.mutable_payload()->PackFrom(changed);
  const absl::Status status = ApplyOne(bad_stage);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("to"), absl::string_view::npos) << status;

  LeadScript money("2");
  money.Capture(t, {}).Convert(t, -5, "CNY");
  EXPECT_EQ(ApplyOne(money.events()[2]).code(), absl::StatusCode::kInvalidArgument);
  LeadScript currency("3");
  currency.Capture(t, {}).Convert(t, 5, "yuan");
  EXPECT_EQ(ApplyOne(currency.events()[2]).code(), absl::StatusCode::kInvalidArgument);
  LeadScript percent("4");
  percent.Capture(t, {}).Convert(t, 5, "CNY").Override(t, 101);
  EXPECT_EQ(ApplyOne(percent.events()[3]).code(), absl::StatusCode::kInvalidArgument);

  EventEnvelope no_time = lead.events()[1];
  changed.set_to(leads_v1::LEAD_STAGE_NURTURING);
  changed.clear_at();
  no_time.mutable_payload()->PackFrom(changed);
  no_time.clear_occurred_at();
  EXPECT_EQ(ApplyOne(no_time).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sales::funnel
