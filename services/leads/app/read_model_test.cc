// LeadsReadModel: applying a stretch of the log in one batch (each lead's row folded in memory
// and written once), and keeping rows cached between batches, must leave exactly the database
// that applying it event by event, from the database alone, leaves.
#include "services/leads/app/read_model.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "services/leads/app/app_test_fixture.h"
#include "services/leads/domain/settings.h"

namespace sales::leads::testing {
namespace {

using ::testing::Contains;
using ::testing::Key;
using ::testing::StartsWith;

// Every key and value of the RocksDB database at `path` (opened read-only).
std::map<std::string, std::string> Contents(const std::string& path) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::Options(), path, &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::map<std::string, std::string> contents;
  if (!s.ok()) return contents;
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    contents.emplace(it->key().ToString(), it->value().ToString());
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return contents;
}

class ReadModelTest : public LeadsAppTest {
 protected:
  // Several commands on the same leads (each lead's events land close together in the log),
  // a settings change in the middle (re-indexes every lead), and leads that close.
  void WriteHistory() {
    SetUpOrganisation();
    for (int i = 1; i <= 4; ++i)
      CaptureOk(Capture("L" + std::to_string(i), i, i % 2 ? "east" : "west"));
    auto duplicate = app_->CaptureLead(Capture("L5", 1), origin_);
    ASSERT_TRUE(duplicate.ok()) << duplicate.status();
    EXPECT_TRUE(duplicate->merged_as_duplicate());  // into L1: more events on one lead
    for (const char* id : {"L1", "L2", "L3"}) {
      v1::AssignLeadRequest assign;
      *assign.mutable_meta() = Meta();
      assign.set_lead_id(id);
      ASSERT_TRUE(app_->AssignLead(assign, origin_).ok());
      LogActivity(id);
    }
    v1::SetPipelineSettingsRequest settings;
    *settings.mutable_meta() = Meta();
    *settings.mutable_settings() = DefaultPipelineSettings();
    settings.mutable_settings()->set_overdue_after_days(9);
    auto changed = app_->SetPipelineSettings(settings, origin_);
    ASSERT_TRUE(changed.ok()) << changed.status();
    Advance(absl::Hours(1));
    LogActivity("L1");
    v1::MoveLeadStageRequest move;
    *move.mutable_meta() = Meta();
    move.set_lead_id("L2");
    move.set_to_stage(v1::LEAD_STAGE_QUALIFIED);
    ASSERT_TRUE(app_->MoveLeadStage(move, origin_).ok());
    v1::DisqualifyLeadRequest disqualify;
    *disqualify.mutable_meta() = Meta();
    disqualify.set_lead_id("L3");
    disqualify.set_reason("no budget");
    ASSERT_TRUE(app_->DisqualifyLead(disqualify, origin_).ok());
    Advance(absl::Hours(24 * 12));  // past due: the scanner reports, and marks rows reported
    auto scanned = app_->ScanOverdue();
    ASSERT_TRUE(scanned.ok()) << scanned.status();
    EXPECT_GT(*scanned, 0);
    LogActivity("L2");  // a new episode: due again, not reported
  }

  void LogActivity(const std::string& lead_id) {
    v1::LogActivityRequest activity;
    *activity.mutable_meta() = Meta();
    activity.set_lead_id(lead_id);
    activity.set_type(v1::ACTIVITY_TYPE_CALL);
    activity.set_notes("called");
    auto logged = app_->LogActivity(activity, origin_);
    ASSERT_TRUE(logged.ok()) << logged.status();
  }

  // A read model at `name` fed the whole log in slices of `slice` events. `reopen`: a new
  // instance per slice, so that nothing but the database carries over (the reference).
  void Feed(const std::string& name, size_t slice, bool reopen = false) {
    auto events = store_->ReadAll(1, 100'000);
    ASSERT_TRUE(events.ok()) << events.status();
    std::unique_ptr<LeadsReadModel> model;
    for (size_t i = 0; i < events->size(); i += slice) {
      if (model == nullptr || reopen) {
        model.reset();
        auto opened = LeadsReadModel::Open(dir_.path() + "/" + name, /*max_scanned_per_page=*/100);
        ASSERT_TRUE(opened.ok()) << opened.status();
        model = *std::move(opened);
      }
      std::vector<eventstore::EventEnvelope> part(
          events->begin() + i, events->begin() + std::min(events->size(), i + slice));
      absl::Status applied = model->Apply(part);
      ASSERT_TRUE(applied.ok()) << applied;
    }
    EXPECT_EQ(model->applied_position(), store_->HeadPosition());
  }
};

TEST_F(ReadModelTest, ABatchLeavesTheSameRowsAndIndexesAsEventByEvent) {
  WriteHistory();
  Feed("reference", 1, /*reopen=*/true);
  Feed("one_by_one", 1);
  Feed("in_threes", 3);
  Feed("all_at_once", 100'000);
  const std::map<std::string, std::string> expected = Contents(dir_.path() + "/reference");
  ASSERT_THAT(expected, Contains(Key(StartsWith("xp/"))));
  ASSERT_THAT(expected, Contains(Key("co/r1")));
  EXPECT_EQ(Contents(dir_.path() + "/one_by_one"), expected);
  EXPECT_EQ(Contents(dir_.path() + "/in_threes"), expected);
  EXPECT_EQ(Contents(dir_.path() + "/all_at_once"), expected);
}

}  // namespace
}  // namespace sales::leads::testing
