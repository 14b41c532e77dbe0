// The `salesctl org …` commands: the sales organisation and the pipeline settings.
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "services/leads/domain/settings.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::leads::v1;
using Stub = v1::LeadService::Stub;

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

template <typename Request>
absl::Status SendOrgCommand(Session& session,
                            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                         v1::OrgCommandResponse*),
                            const Request& request, absl::string_view done) {
  ASSIGN_OR_RETURN(v1::OrgCommandResponse response, Call(session, method, request));
  if (session.json) return PrintJson(session, response);
  *session.out << done << "; organisation at version " << response.stream_version() << "\n";
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

std::string OrganisationText(const v1::SalesOrganisation& org) {
  std::string out;
  TablePrinter dimensions({"KIND", "ID", "NAME"});
  for (const v1::Region& region : org.regions()) {
    dimensions.AddRow({"region", region.region_id(), region.name()});
  }
  for (const v1::ProductLine& line : org.product_lines()) {
    dimensions.AddRow({"product line", line.product_line_id(), line.name()});
  }
  for (const v1::CustomerSegment& segment : org.segments()) {
    dimensions.AddRow({"segment", segment.segment_id(), segment.name()});
  }
  out += dimensions.Render();

  TablePrinter teams({"TEAM", "NAME", "REGION", "PRODUCT LINE", "SEGMENT"});
  for (const v1::Team& team : org.teams()) {
    teams.AddRow({team.team_id(), team.name(), OrDash(team.region_id()),
                  OrDash(team.product_line_id()), OrDash(team.segment_id())});
  }
  absl::StrAppend(&out, "\n", teams.Render());

  TablePrinter reps({"REP", "NAME", "TEAM", "MANAGER"});
  for (const v1::Rep& rep : org.reps()) {
    reps.AddRow({rep.rep_id(), rep.name(), rep.team_id(), OrDash(rep.manager_rep_id())});
  }
  absl::StrAppend(&out, "\n", reps.Render());

  TablePrinter rules({"RULE", "REGION", "PRODUCT LINE", "SEGMENT", "TEAM"});
  for (const v1::TerritoryRule& rule : org.territory_rules()) {
    rules.AddRow({rule.rule_id(), rule.region_id(), rule.product_line_id(), rule.segment_id(),
                  rule.team_id()});
  }
  absl::StrAppend(&out, "\n", rules.Render());
  absl::StrAppend(&out, "\n", SettingsText(leads::EffectiveSettings(org)));
  return out;
}

absl::Status Show(Session& session, const CommandArgs&) {
  ASSIGN_OR_RETURN(v1::SalesOrganisation org,
                   Call(session, &Stub::GetOrganisation, v1::GetOrganisationRequest()));
  if (session.json) return PrintJson(session, org);
  *session.out << OrganisationText(org);
  return absl::OkStatus();
}

absl::Status AddRegion(Session& session, const CommandArgs& args) {
  v1::AddRegionRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.mutable_region()->set_region_id(args.Get("id"));
  request.mutable_region()->set_name(args.Get("name"));
  return SendOrgCommand(session, &Stub::AddRegion, request, "region added");
}

absl::Status AddProductLine(Session& session, const CommandArgs& args) {
  v1::AddProductLineRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.mutable_product_line()->set_product_line_id(args.Get("id"));
  request.mutable_product_line()->set_name(args.Get("name"));
  return SendOrgCommand(session, &Stub::AddProductLine, request, "product line added");
}

absl::Status AddSegment(Session& session, const CommandArgs& args) {
  v1::AddCustomerSegmentRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.mutable_segment()->set_segment_id(args.Get("id"));
  request.mutable_segment()->set_name(args.Get("name"));
  return SendOrgCommand(session, &Stub::AddCustomerSegment, request, "segment added");
}

absl::Status CreateTeam(Session& session, const CommandArgs& args) {
  v1::CreateTeamRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  v1::Team& team = *request.mutable_team();
  team.set_team_id(args.Get("id"));
  team.set_name(args.Get("name"));
  team.set_region_id(args.Get("region"));
  team.set_product_line_id(args.Get("product-line"));
  team.set_segment_id(args.Get("segment"));
  return SendOrgCommand(session, &Stub::CreateTeam, request, "team created");
}

absl::Status AddRep(Session& session, const CommandArgs& args) {
  v1::AddRepRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  v1::Rep& rep = *request.mutable_rep();
  rep.set_rep_id(args.Get("id"));
  rep.set_name(args.Get("name"));
  rep.set_team_id(args.Get("team"));
  rep.set_manager_rep_id(args.Get("manager"));
  return SendOrgCommand(session, &Stub::AddRep, request, "rep added");
}

absl::Status MoveRep(Session& session, const CommandArgs& args) {
  v1::MoveRepRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_rep_id(args.Get("rep"));
  request.set_to_team_id(args.Get("team"));
  return SendOrgCommand(session, &Stub::MoveRep, request, "rep moved");
}

absl::Status AddRule(Session& session, const CommandArgs& args) {
  v1::AddTerritoryRuleRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  v1::TerritoryRule& rule = *request.mutable_rule();
  rule.set_rule_id(args.Get("id"));
  rule.set_region_id(args.Get("region"));
  rule.set_product_line_id(args.Get("product-line"));
  rule.set_segment_id(args.Get("segment"));
  rule.set_team_id(args.Get("team"));
  return SendOrgCommand(session, &Stub::AddTerritoryRule, request, "territory rule added");
}

absl::Status RemoveRule(Session& session, const CommandArgs& args) {
  v1::RemoveTerritoryRuleRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  request.set_rule_id(args.Get("id"));
  return SendOrgCommand(session, &Stub::RemoveTerritoryRule, request, "territory rule removed");
}

absl::Status Gaps(Session& session, const CommandArgs&) {
  ASSIGN_OR_RETURN(v1::ListTerritoryGapsResponse response,
                   Call(session, &Stub::ListTerritoryGaps, v1::ListTerritoryGapsRequest()));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"REGION", "PRODUCT LINE", "SEGMENT"});
  for (const v1::TerritoryKey& gap : response.gaps()) {
    table.AddRow({gap.region_id(), gap.product_line_id(), gap.segment_id()});
  }
  *session.out << table.Render() << response.gaps_size()
               << " combinations without a territory rule\n";
  return absl::OkStatus();
}

// Without flags prints the settings; with flags changes the given ones and keeps the rest
// (SetPipelineSettings replaces the settings as a whole).
absl::Status Settings(Session& session, const CommandArgs& args) {
  ASSIGN_OR_RETURN(v1::SalesOrganisation org,
                   Call(session, &Stub::GetOrganisation, v1::GetOrganisationRequest()));
  const bool change =
      args.Has("weights") || args.Has("grade-a") || args.Has("grade-b") || args.Has("overdue-days");
  if (!change) {
    const v1::PipelineSettings& effective = leads::EffectiveSettings(org);
    if (session.json) return PrintJson(session, effective);
    *session.out << SettingsText(effective)
                 << (org.has_settings() ? "" : "(the built-in defaults: never configured)\n");
    return absl::OkStatus();
  }
  v1::SetPipelineSettingsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  v1::PipelineSettings& settings = *request.mutable_settings();
  settings = leads::EffectiveSettings(org);
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
  return SendOrgCommand(session, &Stub::SetPipelineSettings, request, "settings changed");
}

FlagSpec Required(absl::string_view name, absl::string_view help) {
  return {.name = std::string(name), .help = std::string(help), .required = true};
}

}  // namespace

std::vector<Command> OrgCommands() {
  const FlagSpec id = Required("id", "id");
  const FlagSpec name = Required("name", "display name");
  return {
      {"show", "regions, product lines, segments, teams, reps, rules, settings", {}, Show},
      {"add-region", "add a region", WithMetaFlags({id, name}), AddRegion},
      {"add-product-line", "add a product line", WithMetaFlags({id, name}), AddProductLine},
      {"add-segment", "add a customer segment", WithMetaFlags({id, name}), AddSegment},
      {"create-team", "create a team",
       WithMetaFlags({id,
                      name,
                      {.name = "region", .help = "specialised on a region"},
                      {.name = "product-line", .help = "specialised on a product line"},
                      {.name = "segment", .help = "specialised on a customer segment"}}),
       CreateTeam},
      {"add-rep", "add a sales rep to a team",
       WithMetaFlags({id,
                      name,
                      Required("team", "team id"),
                      {.name = "manager", .help = "the rep's manager (a rep id)"}}),
       AddRep},
      {"move-rep", "move a rep to another team",
       WithMetaFlags({Required("rep", "rep id"), Required("team", "the new team")}), MoveRep},
      {"add-rule", "route (region, product line, segment) to a team; \"*\" = any",
       WithMetaFlags({id, Required("region", "region id or *"),
                      Required("product-line", "product line id or *"),
                      Required("segment", "segment id or *"), Required("team", "team id")}),
       AddRule},
      {"remove-rule", "remove a territory rule", WithMetaFlags({id}), RemoveRule},
      {"gaps", "territory combinations no rule covers", {}, Gaps},
      {"settings", "show the pipeline settings, or change the ones given",
       WithMetaFlags({{.name = "weights", .help = "SOURCE,NEED,INTENT summing to 100"},
                      {.name = "grade-a", .help = "lowest score of grade A"},
                      {.name = "grade-b", .help = "lowest score of grade B"},
                      {.name = "overdue-days", .help = "days without activity until overdue"}}),
       Settings},
  };
}

}  // namespace sales::salesctl
