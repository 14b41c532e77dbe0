#include "services/leads/domain/follow_up.h"

#include "common/time/proto_time.h"
#include "gtest/gtest.h"
#include "services/leads/domain/settings.h"
#include "services/leads/domain/test_fixtures.h"

namespace sales::leads {
namespace {

using testing::kT0;
using testing::LeadHarness;

constexpr absl::Duration kDay = absl::Hours(24);

v1::LogActivityRequest Activity(const std::string& id) {
  v1::LogActivityRequest a;
  a.set_lead_id("lead-1");
  a.set_activity_id(id);
  a.set_type(v1::ACTIVITY_TYPE_CALL);
  return a;
}

// Runs the overdue scanner at `now` and folds what it emits; returns whether it emitted.
bool Scan(LeadHarness& h, absl::Time now) {
  std::optional<v1::LeadEvent> event =
      DetectOverdue(h.lead(), EffectiveSettings(h.settings()), now);
  if (!event.has_value()) return false;
  h.lead() = Evolve(std::move(h.lead()), *event);
  return true;
}

TEST(FollowUpTest, DefaultThreeDaysFromCaptureOncePerEpisode) {
  LeadHarness h;
  h.Apply(testing::ValidCapture());
  const v1::PipelineSettings& s = EffectiveSettings(h.settings());
  EXPECT_EQ(FollowUpDue(h.lead(), s), kT0 + 3 * kDay);
  EXPECT_FALSE(Scan(h, kT0 + 3 * kDay - absl::Seconds(1)));
  EXPECT_FALSE(IsOverdue(h.lead(), s, kT0 + 3 * kDay - absl::Seconds(1)));

  std::optional<v1::LeadEvent> event = DetectOverdue(h.lead(), s, kT0 + 3 * kDay);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(FromTimestamp(event->follow_up_overdue().due_at()), kT0 + 3 * kDay);
  EXPECT_EQ(event->follow_up_overdue().grade(), v1::GRADE_B);
  EXPECT_FALSE(event->follow_up_overdue().has_last_activity_at());

  EXPECT_TRUE(Scan(h, kT0 + 3 * kDay));
  EXPECT_TRUE(h.lead().overdue_reported());
  // Same episode: never again, however late.
  EXPECT_FALSE(Scan(h, kT0 + 4 * kDay));
  EXPECT_FALSE(Scan(h, kT0 + 40 * kDay));
  EXPECT_TRUE(IsOverdue(h.lead(), s, kT0 + 40 * kDay));

  // An activity ends the episode; the next one is counted from the activity.
  h.Advance(5 * kDay);
  h.Apply(Activity("a1"));
  EXPECT_FALSE(h.lead().overdue_reported());
  EXPECT_EQ(FollowUpDue(h.lead(), s), kT0 + 8 * kDay);
  EXPECT_FALSE(Scan(h, kT0 + 7 * kDay));
  EXPECT_TRUE(Scan(h, kT0 + 8 * kDay));
  EXPECT_FALSE(Scan(h, kT0 + 9 * kDay));
}

TEST(FollowUpTest, ExplicitNextFollowUpDueWins) {
  LeadHarness h;
  h.Apply(testing::ValidCapture());
  v1::LogActivityRequest a = Activity("a1");
  *a.mutable_next_follow_up_due() = ToTimestamp(kT0 + 10 * kDay);
  h.Apply(a);
  const v1::PipelineSettings& s = EffectiveSettings(h.settings());
  EXPECT_EQ(FollowUpDue(h.lead(), s), kT0 + 10 * kDay);
  EXPECT_FALSE(Scan(h, kT0 + 9 * kDay));  // past the 3-day threshold, but the rep set a date
  EXPECT_TRUE(Scan(h, kT0 + 10 * kDay));
  // A later activity without a date goes back to the threshold.
  h.Advance(11 * kDay);
  h.Apply(Activity("a2"));
  EXPECT_EQ(FollowUpDue(h.lead(), s), kT0 + 14 * kDay);
}

TEST(FollowUpTest, ThresholdByGrade) {
  LeadHarness h;
  v1::PipelineSettings settings = DefaultPipelineSettings();
  for (auto [grade, days] : {std::pair{v1::GRADE_A, 1}, std::pair{v1::GRADE_C, 7}}) {
    v1::GradeDays* entry = settings.add_overdue_after_days_by_grade();
    entry->set_grade(grade);
    entry->set_days(days);
  }
  *h.settings().mutable_settings() = settings;
  h.Apply(testing::ValidCapture());  // grade B: general threshold 3 days
  EXPECT_EQ(FollowUpDue(h.lead(), settings), kT0 + 3 * kDay);
  v1::UpdateQualificationRequest q;
  q.set_lead_id("lead-1");
  q.set_need_match(100);
  q.set_purchase_intent(100);
  h.Apply(q);  // grade A
  EXPECT_EQ(FollowUpDue(h.lead(), settings), kT0 + 1 * kDay);
  q.set_need_match(0);
  q.set_purchase_intent(0);
  h.Apply(q);  // grade C
  EXPECT_EQ(FollowUpDue(h.lead(), settings), kT0 + 7 * kDay);
  EXPECT_EQ(NextPlannedContact(h.lead(), settings), kT0 + 30 * kDay);  // cadence C
}

TEST(FollowUpTest, AssignmentRestartsTheClockAndTheEpisode) {
  LeadHarness h;
  h.Apply(testing::ValidCapture());
  EXPECT_TRUE(Scan(h, kT0 + 3 * kDay));
  h.Advance(4 * kDay);
  v1::AssignLeadRequest assign;
  assign.set_lead_id("lead-1");
  assign.set_rep_id("r1");
  h.Apply(assign);
  EXPECT_FALSE(h.lead().overdue_reported());
  EXPECT_EQ(FollowUpDue(h.lead(), EffectiveSettings(h.settings())), kT0 + 7 * kDay);
  EXPECT_FALSE(Scan(h, kT0 + 6 * kDay));
  EXPECT_TRUE(Scan(h, kT0 + 7 * kDay));
}

TEST(FollowUpTest, OpportunitiesYesClosedNo) {
  LeadHarness h;
  h.Apply(testing::ValidCapture());
  v1::ConvertToOpportunityRequest convert;
  convert.set_lead_id("lead-1");
  convert.set_deal_id("d1");
  h.Apply(convert);
  EXPECT_TRUE(Scan(h, kT0 + 3 * kDay));  // open opportunity
  v1::LoseDealRequest lose;
  lose.set_lead_id("lead-1");
  lose.set_reason("gone quiet");
  h.Apply(lose);
  EXPECT_FALSE(FollowUpDue(h.lead(), DefaultPipelineSettings()).has_value());
  EXPECT_FALSE(NextPlannedContact(h.lead(), DefaultPipelineSettings()).has_value());
  h.lead().set_overdue_reported(false);
  EXPECT_FALSE(Scan(h, kT0 + 30 * kDay));
  EXPECT_FALSE(DetectOverdue(v1::Lead(), DefaultPipelineSettings(), kT0).has_value());
}

}  // namespace
}  // namespace sales::leads
