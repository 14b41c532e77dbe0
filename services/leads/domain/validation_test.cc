// The bad-input table: every refused input gets INVALID_ARGUMENT naming its field.
#include "services/leads/domain/validation.h"

#include <functional>
#include <string>

#include "common/time/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/leads/domain/lead.h"
#include "services/leads/domain/settings.h"
#include "services/leads/domain/test_fixtures.h"

namespace sales::leads {
namespace {

using testing::LeadHarness;
using testing::ValidCapture;

struct BadCapture {
  const char* name;
  std::function<void(v1::CaptureLeadRequest&)> mutate;
  const char* field;
};

TEST(ValidationTest, BadCaptureTable) {
  const BadCapture cases[] = {
      {"empty lead id", [](auto& c) { c.clear_lead_id(); }, "lead_id"},
      {"lead id with space", [](auto& c) { c.set_lead_id("a b"); }, "lead_id"},
      {"lead id too long", [](auto& c) { c.set_lead_id(std::string(129, 'x')); }, "lead_id"},
      {"unspecified source", [](auto& c) { c.set_source(v1::LEAD_SOURCE_UNSPECIFIED); }, "source"},
      {"unknown source", [](auto& c) { c.set_source(static_cast<v1::LeadSource>(42)); }, "source"},
      {"bad channel id", [](auto& c) { c.set_channel_id("campaign/1"); }, "channel_id"},
      {"no contact name", [](auto& c) { c.mutable_details()->mutable_contact()->clear_name(); },
       "details.contact.name"},
      {"contact name too long",
       [](auto& c) { c.mutable_details()->mutable_contact()->set_name(std::string(201, 'n')); },
       "details.contact.name"},
      {"no email and no phone",
       [](auto& c) {
         c.mutable_details()->mutable_contact()->clear_email();
         c.mutable_details()->mutable_contact()->clear_phone();
       },
       "details.contact"},
      {"bad email", [](auto& c) { c.mutable_details()->mutable_contact()->set_email("li@@x.com"); },
       "details.contact.email"},
      {"bad phone", [](auto& c) { c.mutable_details()->mutable_contact()->set_phone("12345"); },
       "details.contact.phone"},
      {"no company", [](auto& c) { c.mutable_details()->mutable_company()->clear_name(); },
       "details.company.name"},
      {"company only suffix",
       [](auto& c) { c.mutable_details()->mutable_company()->set_name("Ltd."); },
       "details.company.name"},
      {"industry too long",
       [](auto& c) { c.mutable_details()->mutable_company()->set_industry(std::string(201, 'i')); },
       "details.company.industry"},
      {"unspecified size",
       [](auto& c) {
         c.mutable_details()->mutable_company()->set_size(v1::COMPANY_SIZE_UNSPECIFIED);
       },
       "details.company.size"},
      {"no region", [](auto& c) { c.mutable_details()->mutable_company()->clear_region_id(); },
       "details.company.region_id"},
      {"no product line", [](auto& c) { c.mutable_details()->clear_product_line_id(); },
       "details.product_line_id"},
      {"no segment", [](auto& c) { c.mutable_details()->clear_segment_id(); },
       "details.segment_id"},
      {"negative value",
       [](auto& c) { c.mutable_details()->mutable_estimated_value()->set_units(-1); },
       "details.estimated_value.units"},
      {"absurd value",
       [](auto& c) {
         c.mutable_details()->mutable_estimated_value()->set_units(kMaxMoneyUnits + 1);
       },
       "details.estimated_value.units"},
      {"lower-case currency",
       [](auto& c) { c.mutable_details()->mutable_estimated_value()->set_currency("cny"); },
       "details.estimated_value.currency"},
      {"missing currency",
       [](auto& c) { c.mutable_details()->mutable_estimated_value()->clear_currency(); },
       "details.estimated_value.currency"},
      {"4-letter currency",
       [](auto& c) { c.mutable_details()->mutable_estimated_value()->set_currency("CNYY"); },
       "details.estimated_value.currency"},
      {"need match 101", [](auto& c) { c.set_need_match(101); }, "need_match"},
      {"intent -1", [](auto& c) { c.set_purchase_intent(-1); }, "purchase_intent"},
  };
  LeadHarness h;
  for (const BadCapture& c : cases) {
    v1::CaptureLeadRequest request = ValidCapture();
    c.mutate(request);
    absl::Status status = h.Decide(request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << status;
    EXPECT_THAT(std::string(status.message()),
                ::testing::StartsWith(std::string("field ") + c.field + ":"))
        << c.name;
  }
  // Boundaries that are accepted.
  v1::CaptureLeadRequest ok = ValidCapture();
  ok.mutable_details()->mutable_estimated_value()->set_units(kMaxMoneyUnits);
  ok.mutable_details()->mutable_contact()->set_name(std::string(200, 'n'));
  ok.mutable_details()->mutable_contact()->clear_email();
  ok.set_need_match(100);
  EXPECT_TRUE(h.Decide(ok).ok());
}

TEST(ValidationTest, BadCommandTable) {
  LeadHarness h;
  h.Apply(ValidCapture());
  const absl::Time future = h.now() + absl::Hours(1);
  struct Case {
    const char* name;
    absl::Status status;
    const char* field;
  };
  v1::MoveLeadStageRequest move;
  move.set_lead_id("lead-1");
  v1::MoveLeadStageRequest move_long = move;
  move_long.set_to_stage(v1::LEAD_STAGE_NURTURING);
  move_long.set_reason(std::string(1001, 'r'));
  v1::ChangeSalesStepRequest step;
  step.set_lead_id("lead-1");
  step.set_to_step(static_cast<v1::SalesStep>(99));
  v1::ConvertToOpportunityRequest convert;
  convert.set_lead_id("lead-1");
  v1::ConvertToOpportunityRequest convert_money = convert;
  convert_money.set_deal_id("d1");
  convert_money.mutable_amount()->set_units(-5);
  convert_money.mutable_amount()->set_currency("CNY");
  v1::LogActivityRequest activity;
  activity.set_lead_id("lead-1");
  activity.set_activity_id("a1");
  v1::LogActivityRequest notes = activity;
  notes.set_type(v1::ACTIVITY_TYPE_EMAIL);
  notes.set_notes(std::string(4001, 'n'));
  v1::LogActivityRequest future_activity = activity;
  future_activity.set_type(v1::ACTIVITY_TYPE_CALL);
  *future_activity.mutable_occurred_at() = ToTimestamp(future);
  v1::LogActivityRequest due_before = activity;
  due_before.set_type(v1::ACTIVITY_TYPE_CALL);
  *due_before.mutable_next_follow_up_due() = ToTimestamp(h.now() - absl::Hours(1));
  v1::LogActivityRequest bad_timestamp = activity;
  bad_timestamp.set_type(v1::ACTIVITY_TYPE_CALL);
  bad_timestamp.mutable_occurred_at()->set_nanos(-1);
  v1::UpdateQualificationRequest qualify;
  qualify.set_lead_id("lead-1");
  qualify.set_need_match(-3);
  v1::OverrideDealProbabilityRequest probability;
  probability.set_lead_id("lead-1");
  probability.set_probability(150);
  v1::DisqualifyLeadRequest disqualify;
  disqualify.set_lead_id("lead-1");
  v1::AssignLeadRequest assign;
  assign.set_lead_id("lead-1");
  assign.set_rep_id("rep 1");
  v1::ChangeLeadSourceRequest source;
  source.set_lead_id("lead-1");
  v1::WinDealRequest win;
  win.set_lead_id("lead-1");
  win.mutable_amount()->set_units(1);
  win.mutable_amount()->set_currency("RMB1");
  v1::UpdateLeadDetailsRequest details;
  details.set_lead_id("lead-1");

  const Case cases[] = {
      {"move without lead id", h.Decide(v1::MoveLeadStageRequest()).status(), "lead_id"},
      {"move unspecified", h.Decide(move).status(), "to_stage"},
      {"move reason too long", h.Decide(move_long).status(), "reason"},
      {"unknown step", h.Decide(step).status(), "to_step"},
      {"convert without deal id", h.Decide(convert).status(), "deal_id"},
      {"convert negative amount", h.Decide(convert_money).status(), "amount.units"},
      {"activity unspecified type", h.Decide(activity).status(), "type"},
      {"activity notes too long", h.Decide(notes).status(), "notes"},
      {"activity in the future", h.Decide(future_activity).status(), "occurred_at"},
      {"follow-up before activity", h.Decide(due_before).status(), "next_follow_up_due"},
      {"bad timestamp", h.Decide(bad_timestamp).status(), "occurred_at"},
      {"qualification out of range", h.Decide(qualify).status(), "need_match"},
      {"probability 150", h.Decide(probability).status(), "probability"},
      {"disqualify without reason", h.Decide(disqualify).status(), "reason"},
      {"assign bad rep id", h.Decide(assign).status(), "rep_id"},
      {"source unspecified", h.Decide(source).status(), "source"},
      {"win bad currency", h.Decide(win).status(), "amount.currency"},
      {"details missing", h.Decide(details).status(), "details.contact.name"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << c.status;
    EXPECT_THAT(std::string(c.status.message()),
                ::testing::StartsWith(std::string("field ") + c.field + ":"))
        << c.name;
  }
}

TEST(ValidationTest, BadSettingsAreRefusedNamingTheField) {
  v1::SetPipelineSettingsRequest settings;  // all zero: weights don't sum to 100
  const absl::Status status = Decide(v1::PipelineSettingsState(), settings).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("field settings.weights:"));
}

}  // namespace
}  // namespace sales::leads
