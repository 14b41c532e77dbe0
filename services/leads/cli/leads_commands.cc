// The `salesctl leads …` commands.
#include "services/leads/cli/leads_commands.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/leads/v1/leads.grpc.pb.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/flag_values.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::leads::v1;
using Stub = v1::LeadService::Stub;

// One unary call on the LeadService of the session's server.
template <typename Request, typename Response>
absl::StatusOr<Response> Call(Session& session,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  return CallService<v1::LeadService>(session, method, request);
}

const FlagSpec kLeadFlag = {
    .name = "lead", .help = "lead id", .required = true, .positional = true};
const FlagSpec kReasonFlag = {.name = "reason", .help = "why (required for backward moves)"};
const FlagSpec kCurrencyFlag = {.name = "currency", .help = "ISO-4217 code (default CNY)"};

absl::StatusOr<int32_t> PercentFlag(const CommandArgs& args, absl::string_view name) {
  ASSIGN_OR_RETURN(int64_t value, args.GetInt(name, 0));
  if (value < 0 || value > 100) return InvalidField(absl::StrCat("--", name), "must be 0–100");
  return static_cast<int32_t>(value);
}

std::string StageName(int stage) { return EnumShortName(*v1::LeadStage_descriptor(), stage); }
std::string StepName(int step) { return EnumShortName(*v1::SalesStep_descriptor(), step); }
std::string GradeName(int grade) { return EnumShortName(*v1::Grade_descriptor(), grade); }
std::string SourceName(int source) { return EnumShortName(*v1::LeadSource_descriptor(), source); }

// Sends a lead command and prints "lead L-1 (deal D-1) at version 7".
template <typename Request>
absl::Status SendLeadCommand(Session& session,
                             grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                          v1::CommandResponse*),
                             const Request& request) {
  ASSIGN_OR_RETURN(v1::CommandResponse response, Call(session, method, request));
  if (session.json) return PrintJson(session, response);
  *session.out << "lead " << response.lead_id();
  if (!response.deal_id().empty()) *session.out << " (deal " << response.deal_id() << ")";
  *session.out << " at version " << response.stream_version() << "\n";
  return absl::OkStatus();
}

// The amount a lead is worth now: the deal amount once converted, else the estimate.
const sales::common::v1::Money& CurrentAmount(const v1::Lead& lead) {
  return lead.has_deal_amount() ? lead.deal_amount() : lead.details().estimated_value();
}

std::string LeadsTable(const Session& session, const v1::ListLeadsResponse& response) {
  TablePrinter table({"LEAD", "COMPANY", "SOURCE", "STAGE", "STEP", "GRADE", "SCORE", "REP", "TEAM",
                      "AMOUNT", "PROB", "FOLLOW-UP DUE"});
  for (size_t column : {6, 9, 10}) table.AlignRight(column);
  for (const v1::GetLeadResponse& item : response.leads()) {
    const v1::Lead& lead = item.lead();
    table.AddRow({lead.lead_id(), OrDash(lead.details().company().name()),
                  SourceName(lead.source()), StageName(lead.stage()), StepName(lead.sales_step()),
                  GradeName(lead.grade()), absl::StrCat(lead.score()), OrDash(lead.rep_id()),
                  OrDash(lead.team_id()), FormatMoney(CurrentAmount(lead)),
                  lead.deal_id().empty() ? "-" : absl::StrCat(item.probability(), "%"),
                  absl::StrCat(FormatTime(item.follow_up_due(), session.zone.zone),
                               item.overdue() ? " OVERDUE" : "")});
  }
  return table.Render();
}

std::string LeadDetail(const Session& session, const v1::GetLeadResponse& response) {
  const v1::Lead& lead = response.lead();
  const absl::TimeZone& zone = session.zone.zone;
  const v1::LeadDetails& details = lead.details();
  TablePrinter fields({"FIELD", "VALUE"});
  auto add = [&](absl::string_view name, const std::string& value) {
    fields.AddRow({std::string(name), OrDash(value)});
  };
  add("lead", lead.lead_id());
  add("deal", lead.deal_id());
  add("version", absl::StrCat(response.stream_version()));
  add("stage", StageName(lead.stage()));
  add("sales step", StepName(lead.sales_step()));
  add("source", absl::StrCat(SourceName(lead.source()),
                             lead.channel_id().empty() ? "" : " via " + lead.channel_id()));
  add("company", details.company().name());
  add("contact", absl::StrCat(details.contact().name(), " ", details.contact().email(), " ",
                              details.contact().phone()));
  add("territory",
      absl::StrCat(OrDash(details.company().region_id()), " / ", OrDash(details.product_line_id()),
                   " / ", OrDash(details.segment_id())));
  add("score", absl::StrCat(lead.score(), " (grade ", GradeName(lead.grade()), "; need ",
                            lead.need_match(), ", intent ", lead.purchase_intent(), ")"));
  add("rep", absl::StrCat(OrDash(lead.rep_id()), " in team ", OrDash(lead.team_id())));
  add("estimated value", FormatMoney(details.estimated_value()));
  if (!lead.deal_id().empty()) {
    add("deal amount", FormatMoney(lead.deal_amount()));
    add("probability", absl::StrCat(response.probability(), "%",
                                    lead.has_probability_override() ? " (override)" : ""));
    add("expected close", FormatDate(lead.expected_close_date()));
  }
  add("captured", FormatTime(lead.captured_at(), zone));
  add("last activity", FormatTime(lead.last_activity_at(), zone));
  add("follow-up due", absl::StrCat(FormatTime(response.follow_up_due(), zone),
                                    response.overdue() ? " OVERDUE" : ""));
  add("activities", absl::StrCat(lead.activity_count()));
  add("needs", lead.customer_needs());
  if (!lead.close_reason().empty()) add("close reason", lead.close_reason());
  if (!lead.lost_to_competitor().empty()) add("lost to", lead.lost_to_competitor());
  std::string out = fields.Render();

  TablePrinter stages({"STAGE", "ENTERED", "EXITED"});
  for (const v1::StageVisit& visit : lead.stage_history()) {
    stages.AddRow({StageName(visit.stage()), FormatTime(visit.entered_at(), zone),
                   FormatTime(visit.exited_at(), zone)});
  }
  for (const v1::StepVisit& visit : lead.step_history()) {
    stages.AddRow({absl::StrCat("  step ", StepName(visit.step())),
                   FormatTime(visit.entered_at(), zone), FormatTime(visit.exited_at(), zone)});
  }
  absl::StrAppend(&out, "\n", stages.Render());

  if (!lead.assignments().empty()) {
    TablePrinter assignments({"ASSIGNED", "REP", "TEAM", "FROM", "HOW", "REASON", "BY"});
    for (const v1::AssignmentRecord& record : lead.assignments()) {
      assignments.AddRow({FormatTime(record.at(), zone), record.rep_id(), record.team_id(),
                          OrDash(record.previous_rep_id()),
                          EnumShortName(*v1::AssignmentMethod_descriptor(), record.method()),
                          OrDash(record.reason()), record.actor()});
    }
    absl::StrAppend(&out, "\n", assignments.Render());
  }
  if (!lead.merged_duplicates().empty()) {
    TablePrinter merged({"MERGED DUPLICATE", "SOURCE", "CAPTURED"});
    for (const v1::MergedDuplicate& duplicate : lead.merged_duplicates()) {
      merged.AddRow({duplicate.matched_key(), SourceName(duplicate.source()),
                     FormatTime(duplicate.captured_at(), zone)});
    }
    absl::StrAppend(&out, "\n", merged.Render());
  }
  return out;
}

std::string BoardText(const v1::PipelineBoard& board) {
  std::string out = absl::StrCat("pipeline board of team ", board.team_id(), "\n");
  for (const v1::BoardColumn& column : board.columns()) {
    std::vector<std::string> totals;
    totals.reserve(column.total_amount_size());
    for (int i = 0; i < column.total_amount_size(); ++i) {
      totals.push_back(
          absl::StrCat(FormatMoney(column.total_amount(i)),
                       i < column.weighted_amount_size()
                           ? " (weighted " + FormatMoney(column.weighted_amount(i)) + ")"
                           : ""));
    }
    absl::StrAppend(&out, "\n== ", StageName(column.stage()),
                    column.step() == 0 ? "" : " / " + StepName(column.step()), "  ",
                    column.cards_size(), " leads",
                    totals.empty() ? "" : "  total " + absl::StrJoin(totals, ", "), "\n");
    if (column.cards().empty()) continue;
    TablePrinter cards({"LEAD", "DEAL", "COMPANY", "REP", "GRADE", "SCORE", "AMOUNT", "PROB", ""});
    for (size_t c : {5, 6, 7}) cards.AlignRight(c);
    for (const v1::LeadCard& card : column.cards()) {
      cards.AddRow({card.lead_id(), OrDash(card.deal_id()), card.company_name(),
                    OrDash(card.rep_id()), GradeName(card.grade()), absl::StrCat(card.score()),
                    FormatMoney(card.amount()),
                    card.deal_id().empty() ? "-" : absl::StrCat(card.probability(), "%"),
                    card.overdue() ? "OVERDUE" : ""});
    }
    out += cards.Render();
  }
  return out;
}

absl::Status Capture(Session& session, const CommandArgs& args) {
  v1::CaptureLeadRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead-id"));
  ASSIGN_OR_RETURN(int source, EnumFlag(args, "source", *v1::LeadSource_descriptor()));
  request.set_source(static_cast<v1::LeadSource>(source));
  request.set_channel_id(args.Get("channel"));
  v1::LeadDetails& details = *request.mutable_details();
  details.mutable_contact()->set_name(args.Get("contact"));
  details.mutable_contact()->set_email(args.Get("email"));
  details.mutable_contact()->set_phone(args.Get("phone"));
  details.mutable_company()->set_name(args.Get("company"));
  details.mutable_company()->set_industry(args.Get("industry"));
  ASSIGN_OR_RETURN(int size, EnumFlag(args, "size", *v1::CompanySize_descriptor()));
  details.mutable_company()->set_size(static_cast<v1::CompanySize>(size));
  details.mutable_company()->set_region_id(args.Get("region"));
  details.set_product_line_id(args.Get("product-line"));
  details.set_segment_id(args.Get("segment"));
  if (args.Has("value")) {
    ASSIGN_OR_RETURN(*details.mutable_estimated_value(), MoneyFlag(args, "value"));
  }
  ASSIGN_OR_RETURN(int32_t need, PercentFlag(args, "need-match"));
  ASSIGN_OR_RETURN(int32_t intent, PercentFlag(args, "intent"));
  request.set_need_match(need);
  request.set_purchase_intent(intent);
  ASSIGN_OR_RETURN(v1::CaptureLeadResponse response, Call(session, &Stub::CaptureLead, request));
  if (session.json) return PrintJson(session, response);
  if (response.merged_as_duplicate()) {
    *session.out << "duplicate of lead " << response.lead_id() << " (matched "
                 << response.matched_key() << "): merged, no new lead\n";
  } else {
    *session.out << "lead " << response.lead_id() << " captured at version "
                 << response.stream_version() << "\n";
  }
  return absl::OkStatus();
}

absl::Status Get(Session& session, const CommandArgs& args) {
  v1::GetLeadRequest request;
  request.set_lead_id(args.Get("lead"));
  ASSIGN_OR_RETURN(v1::GetLeadResponse response, Call(session, &Stub::GetLead, request));
  if (session.json) return PrintJson(session, response);
  *session.out << LeadDetail(session, response);
  return absl::OkStatus();
}

absl::Status List(Session& session, const CommandArgs& args) {
  v1::ListLeadsRequest request;
  ASSIGN_OR_RETURN(int stage, EnumFlag(args, "stage", *v1::LeadStage_descriptor()));
  ASSIGN_OR_RETURN(int grade, EnumFlag(args, "grade", *v1::Grade_descriptor()));
  ASSIGN_OR_RETURN(int source, EnumFlag(args, "source", *v1::LeadSource_descriptor()));
  request.set_stage(static_cast<v1::LeadStage>(stage));
  request.set_grade(static_cast<v1::Grade>(grade));
  request.set_source(static_cast<v1::LeadSource>(source));
  request.set_rep_id(args.Get("rep"));
  request.set_team_id(args.Get("team"));
  request.mutable_territory()->set_region_id(args.Get("region"));
  request.mutable_territory()->set_product_line_id(args.Get("product-line"));
  request.mutable_territory()->set_segment_id(args.Get("segment"));
  request.set_overdue_only(args.Has("overdue"));
  ASSIGN_OR_RETURN(PageArgs page, PageFrom(args));
  request.set_page_size(page.size);
  request.set_page_token(page.token);
  ASSIGN_OR_RETURN(v1::ListLeadsResponse response, Call(session, &Stub::ListLeads, request));
  if (session.json) return PrintJson(session, response);
  *session.out << LeadsTable(session, response);
  *session.out << response.leads_size() << " leads; times in " << session.zone.name << "\n";
  PrintMore(session, response.next_page_token());
  return absl::OkStatus();
}

// The lead's details with the given flags applied over them. LeadDetailsUpdated replaces the
// details as a whole, so flags left out keep their current values (read with GetLead).
absl::Status ApplyDetailFlags(const CommandArgs& args, v1::LeadDetails& details) {
  auto set = [&](absl::string_view flag, auto setter) {
    if (args.Has(flag)) setter(args.Get(flag));
  };
  set("contact", [&](const std::string& v) { details.mutable_contact()->set_name(v); });
  set("email", [&](const std::string& v) { details.mutable_contact()->set_email(v); });
  set("phone", [&](const std::string& v) { details.mutable_contact()->set_phone(v); });
  set("company", [&](const std::string& v) { details.mutable_company()->set_name(v); });
  set("industry", [&](const std::string& v) { details.mutable_company()->set_industry(v); });
  set("region", [&](const std::string& v) { details.mutable_company()->set_region_id(v); });
  set("product-line", [&](const std::string& v) { details.set_product_line_id(v); });
  set("segment", [&](const std::string& v) { details.set_segment_id(v); });
  if (args.Has("size")) {
    ASSIGN_OR_RETURN(int size, EnumFlag(args, "size", *v1::CompanySize_descriptor()));
    details.mutable_company()->set_size(static_cast<v1::CompanySize>(size));
  }
  if (args.Has("value")) {
    ASSIGN_OR_RETURN(*details.mutable_estimated_value(), MoneyFlag(args, "value"));
  }
  return absl::OkStatus();
}

absl::Status UpdateDetails(Session& session, const CommandArgs& args) {
  v1::UpdateLeadDetailsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  v1::GetLeadRequest get;
  get.set_lead_id(request.lead_id());
  ASSIGN_OR_RETURN(v1::GetLeadResponse current, Call(session, &Stub::GetLead, get));
  *request.mutable_details() = current.lead().details();
  RETURN_IF_ERROR(ApplyDetailFlags(args, *request.mutable_details()));
  // Read-modify-write: unless the caller pinned a version, pin the one read, so that a change
  // made in between is refused (ABORTED) instead of being overwritten.
  if (request.meta().expected_version() == 0) {
    request.mutable_meta()->set_expected_version(current.stream_version());
  }
  return SendLeadCommand(session, &Stub::UpdateLeadDetails, request);
}

absl::Status ChangeSource(Session& session, const CommandArgs& args) {
  v1::ChangeLeadSourceRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  ASSIGN_OR_RETURN(int source, EnumFlag(args, "source", *v1::LeadSource_descriptor()));
  request.set_source(static_cast<v1::LeadSource>(source));
  request.set_channel_id(args.Get("channel"));
  return SendLeadCommand(session, &Stub::ChangeLeadSource, request);
}

absl::Status UpdateQualification(Session& session, const CommandArgs& args) {
  v1::UpdateQualificationRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  ASSIGN_OR_RETURN(int32_t need, PercentFlag(args, "need-match"));
  ASSIGN_OR_RETURN(int32_t intent, PercentFlag(args, "intent"));
  request.set_need_match(need);
  request.set_purchase_intent(intent);
  return SendLeadCommand(session, &Stub::UpdateQualification, request);
}

absl::Status MoveStage(Session& session, const CommandArgs& args) {
  v1::MoveLeadStageRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  ASSIGN_OR_RETURN(int stage, EnumFlag(args, "to", *v1::LeadStage_descriptor()));
  request.set_to_stage(static_cast<v1::LeadStage>(stage));
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::MoveLeadStage, request);
}

absl::Status Convert(Session& session, const CommandArgs& args) {
  v1::ConvertToOpportunityRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  request.set_deal_id(args.Get("deal-id"));
  if (args.Has("amount")) {
    ASSIGN_OR_RETURN(*request.mutable_amount(), MoneyFlag(args, "amount"));
  }
  if (args.Has("close-date")) {
    ASSIGN_OR_RETURN(*request.mutable_expected_close_date(), DateFlag(args, "close-date"));
  }
  return SendLeadCommand(session, &Stub::ConvertToOpportunity, request);
}

absl::Status Step(Session& session, const CommandArgs& args) {
  v1::ChangeSalesStepRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  ASSIGN_OR_RETURN(int step, EnumFlag(args, "to", *v1::SalesStep_descriptor()));
  request.set_to_step(static_cast<v1::SalesStep>(step));
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::ChangeSalesStep, request);
}

absl::Status Probability(Session& session, const CommandArgs& args) {
  v1::OverrideDealProbabilityRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  if (args.Has("clear") == args.Has("percent")) {
    return absl::InvalidArgumentError("give exactly one of --percent and --clear");
  }
  ASSIGN_OR_RETURN(int32_t percent, PercentFlag(args, "percent"));
  request.set_probability(percent);
  request.set_clear(args.Has("clear"));
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::OverrideDealProbability, request);
}

absl::Status Amount(Session& session, const CommandArgs& args) {
  v1::ChangeDealAmountRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  ASSIGN_OR_RETURN(*request.mutable_amount(), MoneyFlag(args, "amount"));
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::ChangeDealAmount, request);
}

absl::Status CloseDate(Session& session, const CommandArgs& args) {
  v1::ChangeDealCloseDateRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  if (args.Has("clear") == args.Has("date")) {
    return absl::InvalidArgumentError("give exactly one of --date and --clear");
  }
  if (args.Has("date")) {
    ASSIGN_OR_RETURN(*request.mutable_expected_close_date(), DateFlag(args, "date"));
  }
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::ChangeDealCloseDate, request);
}

absl::Status Assign(Session& session, const CommandArgs& args) {
  v1::AssignLeadRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  request.set_rep_id(args.Get("rep"));
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::AssignLead, request);
}

absl::Status Activity(Session& session, const CommandArgs& args) {
  v1::LogActivityRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  request.set_activity_id(args.Get("activity-id"));
  ASSIGN_OR_RETURN(int type, EnumFlag(args, "type", *v1::ActivityType_descriptor()));
  request.set_type(static_cast<v1::ActivityType>(type));
  request.set_notes(args.Get("notes"));
  request.set_customer_needs(args.Get("needs"));
  request.set_competitor_info(args.Get("competitor"));
  if (args.Has("at")) {
    ASSIGN_OR_RETURN(*request.mutable_occurred_at(),
                     ParseTime(args.Get("at"), session.zone.zone, "--at"));
  }
  if (args.Has("next-due")) {
    ASSIGN_OR_RETURN(*request.mutable_next_follow_up_due(),
                     ParseTime(args.Get("next-due"), session.zone.zone, "--next-due"));
  }
  return SendLeadCommand(session, &Stub::LogActivity, request);
}

absl::Status Disqualify(Session& session, const CommandArgs& args) {
  v1::DisqualifyLeadRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::DisqualifyLead, request);
}

absl::Status Win(Session& session, const CommandArgs& args) {
  v1::WinDealRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  if (args.Has("amount")) {
    ASSIGN_OR_RETURN(*request.mutable_amount(), MoneyFlag(args, "amount"));
  }
  request.set_reason(args.Get("reason"));
  return SendLeadCommand(session, &Stub::WinDeal, request);
}

absl::Status Lose(Session& session, const CommandArgs& args) {
  v1::LoseDealRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_lead_id(args.Get("lead"));
  request.set_reason(args.Get("reason"));
  request.set_competitor(args.Get("competitor"));
  return SendLeadCommand(session, &Stub::LoseDeal, request);
}

absl::Status Board(Session& session, const CommandArgs& args) {
  v1::GetPipelineBoardRequest request;
  request.set_team_id(args.Get("team"));
  ASSIGN_OR_RETURN(v1::PipelineBoard board, Call(session, &Stub::GetPipelineBoard, request));
  if (session.json) return PrintJson(session, board);
  *session.out << BoardText(board);
  return absl::OkStatus();
}

std::string SettingsText(const v1::PipelineSettings& settings) {
  TablePrinter table({"SETTING", "VALUE"});
  table.AddRow(
      {"weights (source/need/intent)",
       absl::StrCat(settings.weights().source_reliability(), "/", settings.weights().need_match(),
                    "/", settings.weights().purchase_intent())});
  table.AddRow({"grade A from score", absl::StrCat(settings.grade_a_min_score())});
  table.AddRow({"grade B from score", absl::StrCat(settings.grade_b_min_score())});
  table.AddRow({"overdue after days", absl::StrCat(settings.overdue_after_days())});
  for (const v1::GradeDays& days : settings.overdue_after_days_by_grade()) {
    table.AddRow({absl::StrCat("overdue after days, grade ",
                               EnumShortName(*v1::Grade_descriptor(), days.grade())),
                  absl::StrCat(days.days())});
  }
  for (const v1::SourceReliability& source : settings.source_reliability()) {
    table.AddRow({absl::StrCat("reliability, source ",
                               EnumShortName(*v1::LeadSource_descriptor(), source.source())),
                  absl::StrCat(source.score())});
  }
  for (const v1::StepProbability& step : settings.step_probabilities()) {
    table.AddRow({absl::StrCat("probability, step ",
                               EnumShortName(*v1::SalesStep_descriptor(), step.step())),
                  absl::StrCat(step.percent(), "%")});
  }
  return table.Render();
}

// Without flags prints the settings; with flags changes the given ones and keeps the rest
// (SetPipelineSettings replaces the settings as a whole).
absl::Status Settings(Session& session, const CommandArgs& args) {
  ASSIGN_OR_RETURN(v1::GetPipelineSettingsResponse current,
                   Call(session, &Stub::GetPipelineSettings, v1::GetPipelineSettingsRequest()));
  const bool change =
      args.Has("weights") || args.Has("grade-a") || args.Has("grade-b") || args.Has("overdue-days");
  if (!change) {
    if (session.json) return PrintJson(session, current);
    *session.out << SettingsText(current.settings())
                 << (current.defaults() ? "(the built-in defaults: never configured)\n" : "");
    return absl::OkStatus();
  }
  v1::SetPipelineSettingsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  v1::PipelineSettings& settings = *request.mutable_settings();
  settings = current.settings();
  if (args.Has("weights")) {
    std::vector<std::string> parts = absl::StrSplit(args.Get("weights"), ',');
    int32_t weights[3];
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &weights[0]) ||
        !absl::SimpleAtoi(parts[1], &weights[1]) || !absl::SimpleAtoi(parts[2], &weights[2])) {
      return InvalidField("--weights", "expected SOURCE,NEED,INTENT, e.g. 30,40,30");
    }
    settings.mutable_weights()->set_source_reliability(weights[0]);
    settings.mutable_weights()->set_need_match(weights[1]);
    settings.mutable_weights()->set_purchase_intent(weights[2]);
  }
  ASSIGN_OR_RETURN(int64_t grade_a, args.GetInt("grade-a", settings.grade_a_min_score()));
  ASSIGN_OR_RETURN(int64_t grade_b, args.GetInt("grade-b", settings.grade_b_min_score()));
  ASSIGN_OR_RETURN(int64_t overdue, args.GetInt("overdue-days", settings.overdue_after_days()));
  settings.set_grade_a_min_score(static_cast<int32_t>(grade_a));
  settings.set_grade_b_min_score(static_cast<int32_t>(grade_b));
  settings.set_overdue_after_days(static_cast<int32_t>(overdue));
  ASSIGN_OR_RETURN(v1::SettingsResponse response,
                   Call(session, &Stub::SetPipelineSettings, request));
  if (session.json) return PrintJson(session, response);
  *session.out << "settings changed; settings at version " << response.stream_version() << "\n";
  return absl::OkStatus();
}

}  // namespace

CommandGroup LeadsCommandGroup() {
  return {
      .name = "leads",
      .summary = "leads and deals through the funnel",
      .commands = {
          {"settings", "show the pipeline settings, or change the ones given",
           WithMetaFlags({{.name = "weights", .help = "SOURCE,NEED,INTENT summing to 100"},
                          {.name = "grade-a", .help = "lowest score of grade A"},
                          {.name = "grade-b", .help = "lowest score of grade B"},
                          {.name = "overdue-days", .help = "days without activity until overdue"}}),
           Settings},

          {"capture", "capture a lead (merged into an existing lead when it is a duplicate)",
           WithMetaFlags({{.name = "source",
                           .help = "campaign, referral, web, trade-show, ads, cold-outreach, "
                                   "partner-channel",
                           .required = true},
                          {.name = "channel", .help = "campaign, partner, show… that brought it"},
                          {.name = "lead-id", .help = "generated when absent"},
                          {.name = "contact", .help = "contact name"},
                          {.name = "email", .help = "contact e-mail"},
                          {.name = "phone", .help = "contact phone, e.g. \"+86 138 0013 8000\""},
                          {.name = "company", .help = "company name"},
                          {.name = "industry", .help = "company industry"},
                          {.name = "size", .help = "micro, small, medium, large, enterprise"},
                          {.name = "region", .help = "region id"},
                          {.name = "product-line", .help = "product line id"},
                          {.name = "segment", .help = "customer segment id"},
                          {.name = "value", .help = "estimated value, e.g. 120000.00"},
                          kCurrencyFlag,
                          {.name = "need-match", .help = "0–100"},
                          {.name = "intent", .help = "purchase intent 0–100"}}),
           Capture},
          {"get", "a lead or deal with its full current state", {kLeadFlag}, Get},
          {"list", "leads matching filters, one page",
           WithPageFlags(
               {{.name = "stage", .help = "captured, nurturing, qualified, opportunity, won, …"},
                {.name = "rep", .help = "rep id"},
                {.name = "team", .help = "team id"},
                {.name = "grade", .help = "a, b or c"},
                {.name = "source", .help = "lead source"},
                {.name = "region", .help = "territory: region id"},
                {.name = "product-line", .help = "territory: product line id"},
                {.name = "segment", .help = "territory: customer segment id"},
                {.name = "overdue",
                 .help = "only leads whose follow-up is overdue",
                 .boolean = true}}),
           List},
          {"update-details",
           "change contact, company or territory details (flags left out keep their values)",
           WithMetaFlags({kLeadFlag,
                          {.name = "contact", .help = "contact name"},
                          {.name = "email", .help = "contact e-mail"},
                          {.name = "phone", .help = "contact phone"},
                          {.name = "company", .help = "company name"},
                          {.name = "industry", .help = "company industry"},
                          {.name = "size", .help = "micro, small, medium, large, enterprise"},
                          {.name = "region", .help = "region id"},
                          {.name = "product-line", .help = "product line id"},
                          {.name = "segment", .help = "customer segment id"},
                          {.name = "value", .help = "estimated value, e.g. 120000.00"},
                          kCurrencyFlag}),
           UpdateDetails},
          {"change-source", "correct where the lead came from",
           WithMetaFlags({kLeadFlag,
                          {.name = "source",
                           .help = "campaign, referral, web, trade-show, ads, cold-outreach, "
                                   "partner-channel",
                           .required = true},
                          {.name = "channel", .help = "campaign, partner, show… that brought it"}}),
           ChangeSource},
          {"update-qualification", "set need match and purchase intent (rescores the lead)",
           WithMetaFlags({kLeadFlag,
                          {.name = "need-match", .help = "0–100", .required = true},
                          {.name = "intent", .help = "purchase intent 0–100", .required = true}}),
           UpdateQualification},
          {"move-stage", "move among captured, nurturing, qualified",
           WithMetaFlags(
               {kLeadFlag, {.name = "to", .help = "target stage", .required = true}, kReasonFlag}),
           MoveStage},
          {"convert", "convert to an opportunity (deal)",
           WithMetaFlags({kLeadFlag,
                          {.name = "deal-id", .help = "generated when absent"},
                          {.name = "amount", .help = "deal amount (default: the estimated value)"},
                          kCurrencyFlag,
                          {.name = "close-date", .help = "expected close date, YYYY-MM-DD"}}),
           Convert},
          {"step", "change the deal's sales step",
           WithMetaFlags({kLeadFlag,
                          {.name = "to",
                           .help = "visit, needs-analysis, solution-design, quote, negotiation, "
                                   "signing",
                           .required = true},
                          kReasonFlag}),
           Step},
          {"probability", "override the deal's win probability, or --clear the override",
           WithMetaFlags({kLeadFlag,
                          {.name = "percent", .help = "0–100"},
                          {.name = "clear", .help = "back to the step's default", .boolean = true},
                          kReasonFlag}),
           Probability},
          {"amount", "change the deal amount",
           WithMetaFlags({kLeadFlag,
                          {.name = "amount", .help = "e.g. 250000.00", .required = true},
                          kCurrencyFlag,
                          kReasonFlag}),
           Amount},
          {"close-date", "set the deal's expected close date, or --clear it",
           WithMetaFlags({kLeadFlag,
                          {.name = "date", .help = "YYYY-MM-DD"},
                          {.name = "clear", .help = "no expected close date", .boolean = true},
                          {.name = "reason", .help = "why (optional)"}}),
           CloseDate},
          {"assign", "assign to a rep, or by territory rule when --rep is absent",
           WithMetaFlags({kLeadFlag,
                          {.name = "rep", .help = "rep id (absent: by rule)"},
                          {.name = "reason", .help = "required when reassigning"}}),
           Assign},
          {"activity", "log a call, visit, meeting, e-mail, demo or proposal",
           WithMetaFlags({kLeadFlag,
                          {.name = "type",
                           .help = "call, visit, meeting, email, demo, proposal-sent",
                           .required = true},
                          {.name = "activity-id", .help = "generated when absent"},
                          {.name = "notes", .help = "what happened"},
                          {.name = "needs", .help = "customer needs stated"},
                          {.name = "competitor", .help = "competitor information"},
                          {.name = "at", .help = "when (\"YYYY-MM-DD HH:MM\", default now)"},
                          {.name = "next-due", .help = "next follow-up due"}}),
           Activity},
          {"disqualify", "disqualify a lead",
           WithMetaFlags({kLeadFlag, {.name = "reason", .help = "why", .required = true}}),
           Disqualify},
          {"win", "mark the deal won",
           WithMetaFlags({kLeadFlag,
                          {.name = "amount", .help = "final amount (default: the deal amount)"},
                          kCurrencyFlag,
                          {.name = "reason", .help = "why"}}),
           Win},
          {"lose", "mark the deal lost",
           WithMetaFlags({kLeadFlag,
                          {.name = "reason", .help = "why", .required = true},
                          {.name = "competitor", .help = "who won it"}}),
           Lose},
          {"board",
           "the pipeline board of a team",
           {{.name = "team", .help = "team id", .required = true}},
           Board},
      }};
}

}  // namespace sales::salesctl
