#include "services/leads/app/open_load_overlay.h"

#include "gtest/gtest.h"

namespace sales::leads {
namespace {

TEST(OpenLoadOverlayTest, AddsTheChangesTheReadModelHasNotAppliedAndForgetsTheOthers) {
  OpenLoadOverlay overlay;
  overlay.Record(5, "", "r1");    // assigned to r1
  overlay.Record(9, "r1", "r2");  // reassigned (recorded before an earlier position lands)
  overlay.Record(7, "", "r1");    // another lead to r1
  overlay.Record(8, "r2", "r2");  // no change of owner: nothing recorded
  overlay.Record(11, "r2", "");   // closed
  EXPECT_EQ(overlay.pending(), 5u);

  // The read model has applied up to position 6 (the r1 assignment at 5 is in its counts).
  RepLoads loads = {{"r1", 1}, {"r2", 0}};
  overlay.AddTo(7, loads);
  EXPECT_EQ(loads.at("r1"), 1 + 1 - 1);  // +1 at 7, -1 at 9
  EXPECT_EQ(loads.at("r2"), 0 + 1 - 1);  // +1 at 9, -1 at 11
  EXPECT_EQ(overlay.pending(), 4u);      // the change at 5 is forgotten

  // Reps not asked for are not added; everything applied is forgotten.
  RepLoads only_r3 = {{"r3", 2}};
  overlay.AddTo(12, only_r3);
  EXPECT_EQ(only_r3.at("r3"), 2);
  EXPECT_EQ(overlay.pending(), 0u);
}

}  // namespace
}  // namespace sales::leads
