#include "services/audit/app/deal_history_projection.h"

#include <vector>

#include "common/projection/projection_store.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gtest/gtest.h"

namespace sales::audit {
namespace {

common::v1::EventEnvelope Event(const std::string& stream, uint64_t version, int64_t seconds,
                                const std::string& deal_id = "") {
  common::v1::EventEnvelope event =
      sales::testing::TextEvent(stream + "#" + std::to_string(version), deal_id);
  event.set_service("leads");
  event.set_stream_id(stream);
  event.set_stream_version(version);
  event.mutable_occurred_at()->set_seconds(seconds);
  return event;
}

class DealHistoryProjectionTest : public ::testing::Test {
 protected:
  std::unique_ptr<projection::ProjectionStore> Apply(
      const std::string& name, const std::vector<common::v1::EventEnvelope>& events) {
    auto store = projection::ProjectionStore::Open(dir_.path() + "/" + name);
    EXPECT_TRUE(store.ok()) << store.status();
    projection::StoreBatch batch = (*store)->NewBatch();
    for (const common::v1::EventEnvelope& event : events) {
      EXPECT_TRUE(projection_.Apply(event, batch.txn()).ok());
    }
    EXPECT_TRUE((*store)->Commit(batch).ok());
    return *std::move(store);
  }

  // The (stream, version) of every history row of `deal_id`, in key order.
  static std::vector<std::string> History(projection::ProjectionStore& store,
                                          const std::string& deal_id) {
    std::vector<std::string> rows;
    EXPECT_TRUE(store
                    .Scan(HistoryPrefix(deal_id),
                          [&](absl::string_view, absl::string_view value) {
                            common::v1::EventEnvelope event;
                            EXPECT_TRUE(event.ParseFromArray(value.data(), value.size()));
                            rows.push_back(sales::testing::TextOf(event));
                            return true;
                          })
                    .ok());
    return rows;
  }

  sales::testing::TempDir dir_;
  DealHistoryProjection projection_;
};

TEST_F(DealHistoryProjectionTest, ConversionBringsTheStreamsEarlierEventsIntoTheDeal) {
  auto store =
      Apply("a", {Event("lead-1", 1, 10), Event("lead-1", 2, 20), Event("lead-1", 3, 30, "D-1"),
                  Event("lead-1", 4, 40), Event("order-1", 1, 35, "D-1"), Event("lead-2", 1, 15)});
  EXPECT_EQ(History(*store, "D-1"), (std::vector<std::string>{"lead-1#1", "lead-1#2", "lead-1#3",
                                                              "order-1#1", "lead-1#4"}));
  EXPECT_TRUE(History(*store, "D-2").empty());
  // Parked rows of the linked stream are gone; the unlinked stream's row stays parked.
  EXPECT_FALSE(store->Get(PendingKey("leads", "lead-1", 1))->has_value());
  EXPECT_TRUE(store->Get(PendingKey("leads", "lead-2", 1))->has_value());
}

TEST_F(DealHistoryProjectionTest, AStreamsOwnOrderWinsOverABackdatedOccurredAt) {
  auto store = Apply("a", {Event("lead-1", 1, 100, "D-1"), Event("lead-1", 2, 50),
                           Event("order-1", 1, 70, "D-1")});
  EXPECT_EQ(History(*store, "D-1"),
            (std::vector<std::string>{"order-1#1", "lead-1#1", "lead-1#2"}));
}

TEST_F(DealHistoryProjectionTest, InterleavingOfStreamsDoesNotChangeTheReadModel) {
  const std::vector<common::v1::EventEnvelope> a = {Event("lead-1", 1, 10), Event("lead-1", 2, 20),
                                                    Event("lead-1", 3, 30, "D-1")};
  const std::vector<common::v1::EventEnvelope> b = {Event("order-1", 1, 5, "D-1"),
                                                    Event("order-1", 2, 25)};
  auto one = Apply("one", {a[0], a[1], a[2], b[0], b[1]});
  auto two = Apply("two", {b[0], a[0], b[1], a[1], a[2]});
  EXPECT_EQ(*one->Checksum(), *two->Checksum());
}

TEST_F(DealHistoryProjectionTest, MalformedDealIdsAndTimesArePoison) {
  auto store = projection::ProjectionStore::Open(dir_.path() + "/p");
  ASSERT_TRUE(store.ok());
  projection::StoreBatch batch = (*store)->NewBatch();
  EXPECT_TRUE(projection::IsPoisonStatus(
      projection_.Apply(Event("lead-1", 1, 10, std::string("D\0", 2)), batch.txn())));
  common::v1::EventEnvelope bad_time = Event("lead-1", 1, 10);
  bad_time.mutable_occurred_at()->set_nanos(-3);
  EXPECT_TRUE(projection::IsPoisonStatus(projection_.Apply(bad_time, batch.txn())));
}

}  // namespace
}  // namespace sales::audit
