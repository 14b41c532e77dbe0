// LeadScript: builds the leads-topic events of one lead stream, as the leads service would emit
// them (a stage change before each conversion and close, step defaults from the default pipeline
// settings), for tests and benchmarks of the funnel.
//
//   LeadScript lead("L1");
//   lead.Capture(t0, {.region = "north"}).Assign(t0, "R-01", "T-1").Convert(t1, 100000, "CNY");
//   for (const EventEnvelope& event : lead.events()) ...
//
// Thread-compatible.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_TESTING_LEAD_SCRIPT_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_TESTING_LEAD_SCRIPT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/time/proto_time.h"
#include "sales/common/v1/envelope.pb.h"
#include "sales/leads/v1/events.pb.h"
#include "services/leads/domain/settings.h"

namespace sales::funnel::testing {

namespace leads_v1 = ::sales::leads::v1;
using ::sales::common::v1::EventEnvelope;

struct CaptureFields {
  std::string region;
  std::string product_line;
  leads_v1::LeadSource source = leads_v1::LEAD_SOURCE_WEB;
  std::string channel;
};

class LeadScript {
 public:
  explicit LeadScript(absl::string_view lead_id)
      : lead_id_(lead_id), stream_id_(absl::StrCat("lead-", lead_id)) {}

  const std::string& stream_id() const { return stream_id_; }
  const std::vector<EventEnvelope>& events() const { return events_; }

  LeadScript& Capture(absl::Time at, const CaptureFields& fields) {
    leads_v1::LeadCaptured& e = *Next().mutable_lead_captured();
    e.set_lead_id(lead_id_);
    e.set_source(fields.source);
    e.set_channel_id(fields.channel);
    e.mutable_details()->mutable_company()->set_region_id(fields.region);
    e.mutable_details()->set_product_line_id(fields.product_line);
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Score(absl::Time at, leads_v1::Grade grade) {
    leads_v1::LeadScored& e = *Next().mutable_lead_scored();
    e.set_grade(grade);
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Assign(absl::Time at, absl::string_view rep, absl::string_view team) {
    leads_v1::LeadAssigned& e = *Next().mutable_lead_assigned();
    e.set_rep_id(std::string(rep));
    e.set_team_id(std::string(team));
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  // A move among the open stages before conversion.
  LeadScript& Move(absl::Time at, leads_v1::LeadStage to, bool backward = false) {
    return StageChange(at, to, backward);
  }
  LeadScript& Convert(absl::Time at, int64_t units, absl::string_view currency) {
    StageChange(at, leads_v1::LEAD_STAGE_OPPORTUNITY, false);
    leads_v1::ConvertedToOpportunity& e = *Next().mutable_converted_to_opportunity();
    e.set_deal_id(absl::StrCat("deal-", lead_id_));
    e.mutable_amount()->set_units(units);
    e.mutable_amount()->set_currency(std::string(currency));
    e.set_step(leads_v1::SALES_STEP_VISIT);
    e.set_probability(DefaultProbability(leads_v1::SALES_STEP_VISIT));
    *e.mutable_at() = sales::ToTimestamp(at);
    step_ = leads_v1::SALES_STEP_VISIT;
    return Emit(at);
  }
  LeadScript& Step(absl::Time at, leads_v1::SalesStep to) {
    leads_v1::SalesStepChanged& e = *Next().mutable_sales_step_changed();
    e.set_from(step_);
    e.set_to(to);
    e.set_backward(to < step_);
    e.set_default_probability(DefaultProbability(to));
    *e.mutable_at() = sales::ToTimestamp(at);
    step_ = to;
    return Emit(at);
  }
  LeadScript& Override(absl::Time at, int32_t percent) {
    leads_v1::DealProbabilityOverridden& e = *Next().mutable_deal_probability_overridden();
    e.set_probability(percent);
    e.set_reason("test");
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Amount(absl::Time at, int64_t units, absl::string_view currency) {
    leads_v1::DealAmountChanged& e = *Next().mutable_deal_amount_changed();
    e.mutable_amount()->set_units(units);
    e.mutable_amount()->set_currency(std::string(currency));
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Activity(absl::Time at) {
    leads_v1::ActivityLogged& e = *Next().mutable_activity_logged();
    e.set_type(leads_v1::ACTIVITY_TYPE_CALL);
    *e.mutable_occurred_at() = sales::ToTimestamp(at);
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Overdue(absl::Time at) {
    *Next().mutable_follow_up_overdue()->mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& MergeDuplicate(absl::Time at) {
    leads_v1::DuplicateLeadMerged& e = *Next().mutable_duplicate_lead_merged();
    e.set_matched_key("email:dup@example.com");
    *e.mutable_captured_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Win(absl::Time at) {
    StageChange(at, leads_v1::LEAD_STAGE_WON, false);
    leads_v1::DealWon& e = *Next().mutable_deal_won();
    e.set_deal_id(absl::StrCat("deal-", lead_id_));
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Lose(absl::Time at) {
    StageChange(at, leads_v1::LEAD_STAGE_LOST, false);
    leads_v1::DealLost& e = *Next().mutable_deal_lost();
    e.set_deal_id(absl::StrCat("deal-", lead_id_));
    e.set_reason("price");
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }
  LeadScript& Disqualify(absl::Time at) {
    StageChange(at, leads_v1::LEAD_STAGE_DISQUALIFIED, false);
    leads_v1::LeadDisqualified& e = *Next().mutable_lead_disqualified();
    e.set_reason("no budget");
    *e.mutable_at() = sales::ToTimestamp(at);
    return Emit(at);
  }

 private:
  static int32_t DefaultProbability(leads_v1::SalesStep step) {
    return leads::StepProbabilityOf(leads::DefaultPipelineSettings(), step);
  }

  LeadScript& StageChange(absl::Time at, leads_v1::LeadStage to, bool backward) {
    leads_v1::LeadStageChanged& e = *Next().mutable_lead_stage_changed();
    e.set_from(stage_);
    e.set_to(to);
    e.set_backward(backward);
    if (backward) e.set_reason("test");
    *e.mutable_at() = sales::ToTimestamp(at);
    stage_ = to;
    return Emit(at);
  }

  leads_v1::LeadEvent& Next() {
    pending_.Clear();
    return pending_;
  }

  // Wraps the pending event's concrete message in an envelope of the next stream version.
  LeadScript& Emit(absl::Time at) {
    const google::protobuf::Reflection* reflection = pending_.GetReflection();
    const google::protobuf::FieldDescriptor* field =
        reflection->GetOneofFieldDescriptor(pending_, pending_.GetDescriptor()->oneof_decl(0));
    const google::protobuf::Message& concrete = reflection->GetMessage(pending_, field);
    EventEnvelope& envelope = events_.emplace_back();
    envelope.set_stream_id(stream_id_);
    envelope.set_stream_version(events_.size());
    envelope.set_service("leads");
    envelope.set_event_type(concrete.GetDescriptor()->full_name());
    envelope.set_actor("test");
    *envelope.mutable_occurred_at() = sales::ToTimestamp(at);
    envelope.mutable_payload()->PackFrom(concrete);
    if (stage_ == leads_v1::LEAD_STAGE_OPPORTUNITY || step_ != leads_v1::SALES_STEP_UNSPECIFIED) {
      envelope.set_deal_id(absl::StrCat("deal-", lead_id_));
    }
    return *this;
  }

  const std::string lead_id_;
  const std::string stream_id_;
  leads_v1::LeadStage stage_ = leads_v1::LEAD_STAGE_CAPTURED;
  leads_v1::SalesStep step_ = leads_v1::SALES_STEP_UNSPECIFIED;
  leads_v1::LeadEvent pending_;
  std::vector<EventEnvelope> events_;
};

}  // namespace sales::funnel::testing

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_TESTING_LEAD_SCRIPT_H_
