#include "tools/loadgen/org_setup.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/loadgen/rpc_calls.h"

namespace sales::loadgen {
namespace {

namespace org_v1 = ::sales::org::v1;
using OrgStub = org_v1::OrgService::Stub;

constexpr int kRepsPerTeam = 2;

}  // namespace

std::string NewRunDigits() {
  std::random_device device;
  return absl::StrFormat("%06d", std::uniform_int_distribution<int>(0, 999'999)(device));
}

absl::Status SetupStatus(const grpc::Status& status, absl::string_view what) {
  absl::Status converted = FromGrpcStatus(status);
  if (converted.ok()) return converted;
  return absl::Status(converted.code(),
                      absl::StrCat("setting up ", what, ": ", converted.message()));
}

absl::StatusOr<Organisation> SetUpOrganisation(OrgStub& stub, absl::string_view run_digits) {
  Organisation org;
  org.run_digits = std::string(run_digits);
  org.prefix = absl::StrCat("lg", run_digits);
  for (absl::string_view name : {"east", "south", "north"}) {
    const std::string id = absl::StrCat(org.prefix, "-", name);
    org_v1::AddRegionRequest request;
    request.mutable_region()->set_region_id(id);
    request.mutable_region()->set_name(absl::StrCat("Region ", id));
    RETURN_IF_ERROR(SetupCall(stub, &OrgStub::AddRegion, std::move(request), id));
    org.regions.push_back(id);
  }
  for (absl::string_view name : {"crm", "erp"}) {
    const std::string id = absl::StrCat(org.prefix, "-", name);
    org_v1::AddProductLineRequest request;
    request.mutable_product_line()->set_product_line_id(id);
    request.mutable_product_line()->set_name(absl::StrCat("Product line ", id));
    RETURN_IF_ERROR(SetupCall(stub, &OrgStub::AddProductLine, std::move(request), id));
    org.product_lines.push_back(id);
  }
  for (absl::string_view name : {"enterprise", "smb"}) {
    const std::string id = absl::StrCat(org.prefix, "-", name);
    org_v1::AddCustomerSegmentRequest request;
    request.mutable_segment()->set_segment_id(id);
    request.mutable_segment()->set_name(absl::StrCat("Segment ", id));
    RETURN_IF_ERROR(SetupCall(stub, &OrgStub::AddCustomerSegment, std::move(request), id));
    org.segments.push_back(id);
  }
  // One team per region with a manager and reps; one rule per region covers every product line
  // and segment, so assignment by rule never meets a territory gap.
  for (const std::string& region : org.regions) {
    const std::string team = absl::StrCat(region, "-team");
    org_v1::CreateTeamRequest create_team;
    create_team.mutable_team()->set_team_id(team);
    create_team.mutable_team()->set_name(absl::StrCat("Team ", team));
    create_team.mutable_team()->set_region_id(region);
    RETURN_IF_ERROR(SetupCall(stub, &OrgStub::CreateTeam, std::move(create_team), team));
    const std::string manager = absl::StrCat(team, "-manager");
    for (int i = 0; i <= kRepsPerTeam; ++i) {
      org_v1::AddRepRequest add_rep;
      org_v1::Rep& rep = *add_rep.mutable_rep();
      rep.set_rep_id(i == 0 ? manager : absl::StrCat(team, "-rep", i));
      rep.set_name(absl::StrCat("Rep ", rep.rep_id()));
      rep.set_team_id(team);
      if (i > 0) rep.set_manager_rep_id(manager);
      const std::string rep_id = rep.rep_id();
      RETURN_IF_ERROR(SetupCall(stub, &OrgStub::AddRep, std::move(add_rep), rep_id));
      if (i > 0) org.reps.push_back(rep_id);
    }
    org_v1::AddTerritoryRuleRequest add_rule;
    org_v1::TerritoryRule& rule = *add_rule.mutable_rule();
    rule.set_rule_id(absl::StrCat(region, "-rule"));
    rule.set_region_id(region);
    rule.set_product_line_id("*");
    rule.set_segment_id("*");
    rule.set_team_id(team);
    const std::string rule_id = rule.rule_id();
    RETURN_IF_ERROR(SetupCall(stub, &OrgStub::AddTerritoryRule, std::move(add_rule), rule_id));
  }
  return org;
}

}  // namespace sales::loadgen
