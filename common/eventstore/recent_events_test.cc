#include "common/eventstore/recent_events.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/eventstore/notifying_event_store.h"
#include "common/testing/temp_dir.h"
#include "common/testing/test_events.h"
#include "gtest/gtest.h"

namespace sales::eventstore {
namespace {

using ::sales::testing::TextEvent;
using ::sales::testing::TextOf;

// A dense log of `size` events (positions 1…size) that counts the reads and events it served.
class FakeLog {
 public:
  explicit FakeLog(uint64_t size) { Grow(size); }
  void Grow(uint64_t size) {
    while (events_.size() < size) {
      EventEnvelope event = TextEvent(absl::StrCat("e", events_.size() + 1));
      event.set_global_position(events_.size() + 1);
      events_.push_back(std::move(event));
    }
  }
  // The ReadLog: FakeLog itself is passed to RecentEvents::Read.
  absl::StatusOr<std::vector<EventEnvelope>> operator()(uint64_t from, size_t max_count) const {
    ++reads_;
    if (!fail_with_.ok()) return fail_with_;
    std::vector<EventEnvelope> page;
    for (uint64_t position = std::max<uint64_t>(from, 1);
         position <= events_.size() && page.size() < max_count; ++position) {
      page.push_back(events_[position - 1]);
    }
    served_ += page.size();
    return page;
  }
  mutable int reads_ = 0;
  mutable size_t served_ = 0;
  absl::Status fail_with_;
  std::vector<EventEnvelope> events_;
};

std::vector<std::string> Texts(const std::vector<SharedEvent>& events) {
  std::vector<std::string> texts;
  texts.reserve(events.size());
  for (const SharedEvent& event : events) texts.push_back(TextOf(*event));
  return texts;
}

TEST(RecentEventsTest, FollowersReadingTheSameEventsShareOneDecodedCopy) {
  FakeLog log(5);
  RecentEvents recent(RecentEvents::kDefaultMaxBytes);
  auto first = recent.Read(1, 100, log);
  auto second = recent.Read(3, 100, log);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(Texts(*first), (std::vector<std::string>{"e1", "e2", "e3", "e4", "e5"}));
  EXPECT_EQ(Texts(*second), (std::vector<std::string>{"e3", "e4", "e5"}));
  EXPECT_EQ((*second)[0].get(), (*first)[2].get());  // the same envelope, not a copy
  EXPECT_EQ(log.served_, 5u);                        // each event read from the log once
  EXPECT_EQ(recent.first_position(), 1u);
  EXPECT_EQ(recent.end_position(), 6u);
}

TEST(RecentEventsTest, AReadPastTheRunsEndContinuesFromTheLogAndGrowsTheRun) {
  FakeLog log(3);
  RecentEvents recent(RecentEvents::kDefaultMaxBytes);
  ASSERT_TRUE(recent.Read(0, 100, log).ok());  // 0 means 1, as in ReadAll
  log.Grow(6);
  auto page = recent.Read(2, 3, log);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Texts(*page), (std::vector<std::string>{"e2", "e3", "e4"}));
  EXPECT_EQ(recent.end_position(), 5u);  // e4 was read (max_count 3): the run ends after it
  auto rest = recent.Read(5, 100, log);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Texts(*rest), (std::vector<std::string>{"e5", "e6"}));
  EXPECT_EQ(log.served_, 6u);
}

TEST(RecentEventsTest, AReadFromBelowTheRunIsServedByTheLogAndKeepsTheRun) {
  FakeLog log(10);
  RecentEvents recent(RecentEvents::kDefaultMaxBytes);
  ASSERT_TRUE(recent.Read(8, 100, log).ok());  // the run starts where the first read did
  auto older = recent.Read(2, 3, log);
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(Texts(*older), (std::vector<std::string>{"e2", "e3", "e4"}));
  EXPECT_EQ(recent.first_position(), 8u);
  EXPECT_EQ(recent.end_position(), 11u);
  const size_t served = log.served_;
  ASSERT_TRUE(recent.Read(9, 100, log).ok());
  EXPECT_EQ(log.served_, served);  // still kept
}

TEST(RecentEventsTest, AReadBeyondTheRunStartsANewOne) {
  FakeLog log(10);
  RecentEvents recent(RecentEvents::kDefaultMaxBytes);
  ASSERT_TRUE(recent.Read(1, 2, log).ok());
  auto ahead = recent.Read(6, 100, log);
  ASSERT_TRUE(ahead.ok());
  EXPECT_EQ(Texts(*ahead), (std::vector<std::string>{"e6", "e7", "e8", "e9", "e10"}));
  EXPECT_EQ(recent.first_position(), 6u);
  EXPECT_EQ(recent.end_position(), 11u);
}

TEST(RecentEventsTest, KeepsTheNewestEventsWithinItsBytes) {
  FakeLog log(100);
  const size_t event_bytes = log.events_[0].ByteSizeLong();
  RecentEvents recent(event_bytes * 10);
  ASSERT_TRUE(recent.Read(1, 100, log).ok());
  EXPECT_LE(recent.bytes(), event_bytes * 10);
  EXPECT_EQ(recent.end_position(), 101u);
  EXPECT_GE(recent.first_position(), 90u);  // about ten of the newest (sizes vary by a byte)
  EXPECT_LE(recent.first_position(), 92u);
  const int reads = log.reads_;
  auto newest = recent.Read(95, 100, log);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->size(), 6u);
  EXPECT_EQ(log.reads_, reads + 1);  // what is kept, then one read of the log for anything newer
  EXPECT_EQ(log.served_, 100u);
}

TEST(RecentEventsTest, APageWhosePositionsAreNotConsecutiveIsServedButNotKept) {
  FakeLog log(4);
  log.events_[2].set_global_position(7);  // positions 1, 2, 7, 4: not what a dense log gives
  RecentEvents recent(RecentEvents::kDefaultMaxBytes);
  auto page = recent.Read(1, 100, log);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->size(), 4u);
  EXPECT_EQ(recent.first_position(), recent.end_position());  // nothing kept
  EXPECT_EQ(recent.bytes(), 0u);
}

TEST(RecentEventsTest, ALogErrorIsReturnedAndKeepsNothing) {
  FakeLog log(4);
  log.fail_with_ = absl::UnavailableError("disk");
  RecentEvents recent(RecentEvents::kDefaultMaxBytes);
  auto page = recent.Read(1, 100, log);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kUnavailable);
  log.fail_with_ = absl::OkStatus();
  auto again = recent.Read(1, 100, log);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 4u);
}

TEST(RecentEventsTest, TheWriteSidesStoreSharesWhatItsFollowersRead) {
  sales::testing::TempDir dir;
  auto store = EventStore::Open({.path = dir.path()});
  ASSERT_TRUE(store.ok()) << store.status();
  AppendSignal signal;
  NotifyingEventStore notifying(std::move(*store), &signal);
  for (int i = 1; i <= 3; ++i) {
    AppendRequest request{.stream_id = absl::StrCat("s-", i), .expected_version = kNoStream};
    request.events.push_back(TextEvent(absl::StrCat("t", i)));
    ASSERT_TRUE(notifying.Append(std::move(request)).ok());
  }
  auto plain = notifying.ReadAll(1, 100);
  auto first = notifying.ReadAllShared(1, 100);
  auto second = notifying.ReadAllShared(2, 100);
  ASSERT_TRUE(plain.ok() && first.ok() && second.ok());
  ASSERT_EQ(first->size(), plain->size());
  for (size_t i = 0; i < plain->size(); ++i) {
    EXPECT_EQ((*first)[i]->SerializeAsString(), (*plain)[i].SerializeAsString());
  }
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].get(), (*first)[1].get());
}

}  // namespace
}  // namespace sales::eventstore
