#include "services/leads/app/open_load_overlay.h"

#include "gtest/gtest.h"

namespace sales::leads {
namespace {

TEST(OpenLoadOverlayTest, AddsTheChangesTheReadModelHasNotApplied) {
  OpenLoadOverlay overlay;
  overlay.Record(5, "", "r1");    // assigned to r1
  overlay.Record(9, "r1", "r2");  // reassigned (recorded before an earlier position lands)
  overlay.Record(7, "", "r1");    // another lead to r1
  overlay.Record(8, "r2", "r2");  // no change of owner: nothing recorded
  overlay.Record(11, "r2", "");   // closed
  EXPECT_EQ(overlay.pending(), 5u);

  // Counts of the events before position 7 (the r1 assignment at 5 is in them).
  RepLoads loads = {{"r1", 1}, {"r2", 0}};
  ASSERT_TRUE(overlay.AddTo(7, loads));
  EXPECT_EQ(loads.at("r1"), 1 + 1 - 1);  // +1 at 7, -1 at 9
  EXPECT_EQ(loads.at("r2"), 0 + 1 - 1);  // +1 at 9, -1 at 11

  // Reps not asked for are not added.
  RepLoads only_r3 = {{"r3", 2}};
  ASSERT_TRUE(overlay.AddTo(12, only_r3));
  EXPECT_EQ(only_r3.at("r3"), 2);
}

TEST(OpenLoadOverlayTest, CountsOlderThanWhatWasForgottenAreReadAgain) {
  OpenLoadOverlay overlay;
  overlay.Record(100, "", "r1");
  overlay.Record(110, "", "r1");
  overlay.ForgetBelow(105);  // the read model applied up to 104 (another caller saw it)
  EXPECT_EQ(overlay.pending(), 1u);
  RepLoads stale = {{"r1", 0}};  // counts up to 99: they lack the change at 100
  EXPECT_FALSE(overlay.AddTo(100, stale));
  EXPECT_EQ(stale.at("r1"), 0);
  RepLoads fresh = {{"r1", 1}};  // counts up to 104
  ASSERT_TRUE(overlay.AddTo(105, fresh));
  EXPECT_EQ(fresh.at("r1"), 2);
  overlay.Record(103, "", "r2");  // applied already: not kept
  EXPECT_EQ(overlay.pending(), 1u);
}

}  // namespace
}  // namespace sales::leads
