// The `salesctl org …` commands: the sales organisation (sales.org.v1.OrgService).
#include "services/org/cli/org_commands.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/org/v1/org.grpc.pb.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::org::v1;
using Stub = v1::OrgService::Stub;

// One unary call on the OrgService of the session's server.
template <typename Request, typename Response>
absl::StatusOr<Response> Call(Session& session,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  return CallService<v1::OrgService>(session, method, request);
}

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
  return out;
}

absl::Status Show(Session& session, const CommandArgs&) {
  ASSIGN_OR_RETURN(v1::GetOrganisationResponse response,
                   Call(session, &Stub::GetOrganisation, v1::GetOrganisationRequest()));
  const v1::SalesOrganisation& org = response.organisation();
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

}  // namespace

CommandGroup OrgCommandGroup() {
  const FlagSpec id = Required("id", "id");
  const FlagSpec name = Required("name", "display name");
  return {
      .name = "org",
      .summary = "the sales organisation: regions, teams, reps, territories",
      .commands = {
          {"show", "regions, product lines, segments, teams, reps, territory rules", {}, Show},
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
      }};
}

}  // namespace sales::salesctl
