#include "common/eventsourcing/event_codec.h"

#include "common/eventsourcing/aggregate_loader.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sales/testing/v1/test_events.pb.h"

namespace sales::eventsourcing {
namespace {

using ::sales::testing::v1::CounterEvent;
using ::testing::HasSubstr;

CounterEvent Incremented(int64_t by) {
  CounterEvent event;
  event.mutable_incremented()->set_by(by);
  return event;
}

TEST(EventCodecTest, PacksTheConcreteEventAndUnpacksIntoTheWrapper) {
  auto payload = PackEvent(Incremented(5));
  ASSERT_TRUE(payload.ok()) << payload.status();
  EXPECT_EQ(payload->type_url(), "type.googleapis.com/sales.testing.v1.CounterIncremented");
  CounterEvent back;
  back.mutable_opened()->set_name("stale content is cleared");
  ASSERT_TRUE(UnpackEvent(*payload, back).ok());
  ASSERT_EQ(back.event_case(), CounterEvent::kIncremented);
  EXPECT_EQ(back.incremented().by(), 5);
  EXPECT_TRUE(WrapperHolds(back, "sales.testing.v1.CounterRenamed"));
  EXPECT_FALSE(WrapperHolds(back, "sales.testing.v1.CounterEvent"));
}

TEST(EventCodecTest, RefusesEmptyWrappersForeignTypesAndGarbage) {
  EXPECT_EQ(PackEvent(CounterEvent()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PackEvent(sales::testing::v1::CounterOpened()).status().code(),
            absl::StatusCode::kInvalidArgument);
  google::protobuf::Any foreign;
  foreign.PackFrom(sales::testing::v1::CounterEvent());  // the wrapper itself is no event
  CounterEvent event;
  absl::Status status = UnpackEvent(foreign, event);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("sales.testing.v1.CounterEvent"));
  google::protobuf::Any garbage;
  garbage.set_type_url("type.googleapis.com/sales.testing.v1.CounterOpened");
  garbage.set_value("\xff\xff\xff");
  EXPECT_EQ(UnpackEvent(garbage, event).code(), absl::StatusCode::kDataLoss);
}

struct Counter {
  std::string name;
  int64_t value = 0;
};

Counter Evolve(Counter counter, const CounterEvent& event) {
  switch (event.event_case()) {
    case CounterEvent::kOpened:
      counter.name = event.opened().name();
      break;
    case CounterEvent::kIncremented:
      counter.value += event.incremented().by();
      break;
    case CounterEvent::kRenamed:
      counter.name = event.renamed().name();
      break;
    case CounterEvent::EVENT_NOT_SET:
      break;
  }
  return counter;
}

TEST(AggregateLoaderTest, FoldsTheWholeStreamAcrossPagesAndAsOfAnInstant) {
  sales::testing::TempDir dir;
  absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  auto store = eventstore::EventStore::Open(
      {.path = dir.path(), .service = "test", .clock = [&now] { return now; }});
  ASSERT_TRUE(store.ok());
  CounterEvent opened;
  opened.mutable_opened()->set_name("visits");
  std::vector<CounterEvent> events = {opened};
  for (int i = 1; i <= 2500; ++i) events.push_back(Incremented(1));
  for (const CounterEvent& event : events) {
    eventstore::AppendRequest request{.stream_id = "counter-1"};
    request.events.emplace_back();
    *request.events.back().mutable_payload() = *PackEvent(event);
    ASSERT_TRUE((*store)->Append(std::move(request)).ok());
    now += absl::Seconds(1);
  }
  auto loaded = LoadAggregate<CounterEvent>(**store, "counter-1", Counter{}, &Evolve);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->version, 2501u);
  EXPECT_EQ(loaded->state->value, 2500);
  EXPECT_EQ(loaded->state->name, "visits");

  // Recorded at t0 + 0 s (opened), + 1 s, … : as of t0 + 10 s the counter had 10 increments.
  auto then =
      LoadAggregate<CounterEvent>(**store, "counter-1", Counter{}, &Evolve,
                                  {.recorded_at_or_before = absl::FromUnixSeconds(1'700'000'010)});
  ASSERT_TRUE(then.ok());
  EXPECT_EQ(then->version, 11u);
  EXPECT_EQ(then->state->value, 10);

  auto missing = LoadAggregate<CounterEvent>(**store, "counter-2", Counter{}, &Evolve);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->version, 0u);
}

}  // namespace
}  // namespace sales::eventsourcing
