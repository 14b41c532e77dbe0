#include "tools/loadgen/lead_workload.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/loadgen/rpc_calls.h"

namespace sales::loadgen {
namespace {

namespace v1 = ::sales::leads::v1;
using Stub = v1::LeadService::Stub;

constexpr int kLeadsInFlightPerClient = 4;
constexpr int kDuplicatePercent = 2;

}  // namespace

LeadClient::LeadClient(Stub* stub, const Organisation& org, int client_index)
    : stub_(stub), org_(org), client_index_(client_index), random_(client_index + 1) {}

CallOutcome LeadClient::RunNext() {
  if (in_flight_.size() < kLeadsInFlightPerClient) return Capture();
  const size_t index = next_in_turn_++ % in_flight_.size();
  LeadInFlight& lead = in_flight_[index];
  const Step step = lead.steps.front();
  lead.steps.pop_front();
  CallOutcome outcome = RunStep(lead, step);
  if (!outcome.status.ok() || lead.steps.empty()) {
    in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(index));
  }
  return outcome;
}

CallOutcome LeadClient::Capture() {
  const int64_t n = leads_started_++;
  v1::CaptureLeadRequest request;
  request.set_source(static_cast<v1::LeadSource>(Uniform(1, 7)));
  request.set_channel_id(absl::StrCat(org_.prefix, "-channel-", Uniform(1, 5)));
  request.set_need_match(Uniform(0, 100));
  request.set_purchase_intent(Uniform(0, 100));
  v1::LeadDetails& details = *request.mutable_details();
  details.mutable_company()->set_region_id(Pick(org_.regions));
  details.mutable_company()->set_size(static_cast<v1::CompanySize>(Uniform(1, 5)));
  details.mutable_company()->set_industry("manufacturing");
  details.set_product_line_id(Pick(org_.product_lines));
  details.set_segment_id(Pick(org_.segments));
  details.mutable_estimated_value()->set_units(int64_t{Uniform(10, 5000)} * 100'000);
  details.mutable_estimated_value()->set_currency("CNY");
  details.mutable_contact()->set_name(absl::StrCat("Buyer ", n));

  const bool duplicate = !captured_.empty() && Uniform(1, 100) <= kDuplicatePercent;
  std::string expected_merge_into;
  if (duplicate) {
    // Same e-mail as an earlier lead, new company, no phone: must merge on the e-mail key.
    const auto& [email, lead_id] = captured_[Uniform(0, static_cast<int>(captured_.size()) - 1)];
    expected_merge_into = lead_id;
    details.mutable_contact()->set_email(email);
    details.mutable_company()->set_name(
        absl::StrCat(org_.prefix, " c", client_index_, " duplicate ", n, " Trading"));
  } else {
    const std::string lead_id = absl::StrCat(org_.prefix, "-c", client_index_, "-lead", n);
    request.set_lead_id(lead_id);
    details.mutable_contact()->set_email(
        absl::StrCat("buyer", n, ".c", client_index_, "@", org_.prefix, ".example.com"));
    // 15 digits, unique per run, client and lead: "+1" then run(6) client(3) lead(5).
    details.mutable_contact()->set_phone(
        absl::StrFormat("+1 %s %03d %05d", org_.run_digits, client_index_ % 1000, n % 100'000));
    details.mutable_company()->set_name(
        absl::StrCat(org_.prefix, " Client ", client_index_, "-", n, " Industrial"));
  }

  v1::CaptureLeadResponse response;
  CallOutcome outcome = Send("capture", &Stub::CaptureLead, request, &response);
  if (!outcome.status.ok()) return outcome;
  if (duplicate) {
    if (!response.merged_as_duplicate() || response.lead_id() != expected_merge_into) {
      outcome.status =
          grpc::Status(grpc::StatusCode::INTERNAL,
                       absl::StrCat("loadgen: duplicate capture of ", expected_merge_into,
                                    " was not merged into it (lead ", response.lead_id(), ")"));
    }
    return outcome;
  }
  if (response.merged_as_duplicate()) {
    outcome.status = grpc::Status(
        grpc::StatusCode::INTERNAL,
        absl::StrCat("loadgen: unique capture ", request.lead_id(), " was merged into ",
                     response.lead_id(), " on ", response.matched_key()));
    return outcome;
  }
  captured_.emplace_back(details.contact().email(), response.lead_id());
  in_flight_.push_back({.lead_id = response.lead_id(), .steps = NewStory()});
  return outcome;
}

std::deque<LeadClient::Step> LeadClient::NewStory() {
  std::deque<Step> story = {Step::kQualify, Step::kAssign, Step::kActivity, Step::kMoveStage,
                            Step::kActivity};
  if (Uniform(0, 1) == 1) story.push_back(Step::kActivity);
  story.push_back(Step::kConvert);
  story.push_back(Step::kSalesStep);
  if (Uniform(0, 1) == 1) story.push_back(Step::kSalesStep);
  story.push_back(Uniform(0, 1) == 1 ? Step::kWin : Step::kLose);
  return story;
}

CallOutcome LeadClient::RunStep(LeadInFlight& lead, Step step) {
  v1::CommandResponse response;
  switch (step) {
    case Step::kQualify: {
      v1::UpdateQualificationRequest request;
      request.set_lead_id(lead.lead_id);
      request.set_need_match(Uniform(0, 100));
      request.set_purchase_intent(Uniform(0, 100));
      return Send("update_qualification", &Stub::UpdateQualification, request, &response);
    }
    case Step::kAssign: {
      v1::AssignLeadRequest request;
      request.set_lead_id(lead.lead_id);
      return Send("assign", &Stub::AssignLead, request, &response);
    }
    case Step::kActivity: {
      v1::LogActivityRequest request;
      request.set_lead_id(lead.lead_id);
      request.set_type(static_cast<v1::ActivityType>(Uniform(1, 6)));
      request.set_notes("Discussed requirements and timeline with the buyer.");
      if (Uniform(0, 1) == 1) {
        request.mutable_next_follow_up_due()->set_seconds(
            absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * Uniform(1, 7))));
      }
      return Send("log_activity", &Stub::LogActivity, request, &response);
    }
    case Step::kMoveStage: {
      v1::MoveLeadStageRequest request;
      request.set_lead_id(lead.lead_id);
      request.set_to_stage(Uniform(0, 1) == 1 ? v1::LEAD_STAGE_QUALIFIED
                                              : v1::LEAD_STAGE_NURTURING);
      return Send("move_stage", &Stub::MoveLeadStage, request, &response);
    }
    case Step::kConvert: {
      v1::ConvertToOpportunityRequest request;
      request.set_lead_id(lead.lead_id);
      return Send("convert", &Stub::ConvertToOpportunity, request, &response);
    }
    case Step::kSalesStep: {
      // Forward, leaving room for a second step: at most NEGOTIATION unless it is the last one.
      const bool more_to_come = !lead.steps.empty() && lead.steps.front() == Step::kSalesStep;
      const int highest = more_to_come ? v1::SALES_STEP_NEGOTIATION : v1::SALES_STEP_SIGNING;
      lead.sales_step = Uniform(lead.sales_step + 1, highest);
      v1::ChangeSalesStepRequest request;
      request.set_lead_id(lead.lead_id);
      request.set_to_step(static_cast<v1::SalesStep>(lead.sales_step));
      return Send("change_sales_step", &Stub::ChangeSalesStep, request, &response);
    }
    case Step::kWin: {
      v1::WinDealRequest request;
      request.set_lead_id(lead.lead_id);
      request.set_reason("Contract signed.");
      return Send("win", &Stub::WinDeal, request, &response);
    }
    case Step::kLose: {
      v1::LoseDealRequest request;
      request.set_lead_id(lead.lead_id);
      request.set_reason("Price above the competitor.");
      request.set_competitor("Competitor Inc");
      return Send("lose", &Stub::LoseDeal, request, &response);
    }
  }
  return {.kind = "unknown", .status = grpc::Status(grpc::StatusCode::INTERNAL, "bad step")};
}

template <typename Request, typename Response>
CallOutcome LeadClient::Send(const char* kind,
                             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                          Response*),
                             Request& request, Response* response) {
  Stamp(request, absl::StrCat(org_.prefix, "-c", client_index_, "-k", commands_sent_++));
  return TimedCall(*stub_, kind, method, request, response);
}

int LeadClient::Uniform(int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(random_);
}

const std::string& LeadClient::Pick(const std::vector<std::string>& ids) {
  return ids[static_cast<size_t>(Uniform(0, static_cast<int>(ids.size()) - 1))];
}

}  // namespace sales::loadgen
