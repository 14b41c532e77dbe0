#include "services/org/demo_data.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace sales::org {
namespace {

class Seeder {
 public:
  Seeder(OrgApp& app, runtime::DemoClock& clock) : app_(app), clock_(clock) {}

  absl::Status SeedOrganisation() {
    clock_.SetBehind(absl::Hours(24 * 35));
    for (auto [id, name] : {std::pair{"east", "华东 East China"}, {"south", "华南 South China"}}) {
      v1::AddRegionRequest request;
      *request.mutable_meta() = Meta();
      request.mutable_region()->set_region_id(id);
      request.mutable_region()->set_name(name);
      RETURN_IF_ERROR(app_.AddRegion(request, Origin()).status());
    }
    for (auto [id, name] : {std::pair{"crm", "CRM 客户关系管理"}, {"erp", "ERP 企业资源计划"}}) {
      v1::AddProductLineRequest request;
      *request.mutable_meta() = Meta();
      request.mutable_product_line()->set_product_line_id(id);
      request.mutable_product_line()->set_name(name);
      RETURN_IF_ERROR(app_.AddProductLine(request, Origin()).status());
    }
    for (auto [id, name] :
         {std::pair{"enterprise", "大客户 Enterprise"}, {"smb", "中小企业 SMB"}}) {
      v1::AddCustomerSegmentRequest request;
      *request.mutable_meta() = Meta();
      request.mutable_segment()->set_segment_id(id);
      request.mutable_segment()->set_name(name);
      RETURN_IF_ERROR(app_.AddCustomerSegment(request, Origin()).status());
    }
    struct TeamSpec {
      const char *id, *name, *region, *segment;
    };
    for (const TeamSpec& spec : {TeamSpec{"east-ent", "华东大客户部", "east", "enterprise"},
                                 TeamSpec{"east-smb", "华东中小企业部", "east", "smb"},
                                 TeamSpec{"south", "华南销售部", "south", ""}}) {
      v1::CreateTeamRequest request;
      *request.mutable_meta() = Meta();
      v1::Team& team = *request.mutable_team();
      team.set_team_id(spec.id);
      team.set_name(spec.name);
      team.set_region_id(spec.region);
      team.set_segment_id(spec.segment);
      RETURN_IF_ERROR(app_.CreateTeam(request, Origin()).status());
    }
    struct RepSpec {
      const char *id, *name, *team, *manager;
    };
    // Managers first: a manager must exist when a rep names them.
    for (const RepSpec& spec : {RepSpec{"zhang.min", "张敏 (经理)", "east-ent", ""},
                                RepSpec{"wang.hao", "王浩", "east-ent", "zhang.min"},
                                RepSpec{"li.xue", "李雪 (经理)", "east-smb", ""},
                                RepSpec{"zhou.peng", "周鹏", "east-smb", "li.xue"},
                                RepSpec{"chen.yu", "陈宇 (经理)", "south", ""},
                                RepSpec{"huang.lan", "黄岚", "south", "chen.yu"}}) {
      v1::AddRepRequest request;
      *request.mutable_meta() = Meta();
      v1::Rep& rep = *request.mutable_rep();
      rep.set_rep_id(spec.id);
      rep.set_name(spec.name);
      rep.set_team_id(spec.team);
      rep.set_manager_rep_id(spec.manager);
      RETURN_IF_ERROR(app_.AddRep(request, Origin()).status());
    }
    struct RuleSpec {
      const char *id, *region, *product_line, *segment, *team;
    };
    for (const RuleSpec& spec : {RuleSpec{"east-enterprise", "east", "*", "enterprise", "east-ent"},
                                 RuleSpec{"east-smb", "east", "*", "smb", "east-smb"},
                                 RuleSpec{"south-crm", "south", "crm", "*", "south"},
                                 RuleSpec{"south-erp-smb", "south", "erp", "smb", "south"}}) {
      v1::AddTerritoryRuleRequest request;
      *request.mutable_meta() = Meta();
      v1::TerritoryRule& rule = *request.mutable_rule();
      rule.set_rule_id(spec.id);
      rule.set_region_id(spec.region);
      rule.set_product_line_id(spec.product_line);
      rule.set_segment_id(spec.segment);
      rule.set_team_id(spec.team);
      RETURN_IF_ERROR(app_.AddTerritoryRule(request, Origin()).status());
    }
    return absl::OkStatus();
  }

 private:
  common::v1::CommandMeta Meta() const {
    common::v1::CommandMeta meta;
    meta.set_actor(runtime::kDemoActor);
    return meta;
  }
  CallOrigin Origin() { return {.correlation_id = absl::StrCat("demo-org-", ++calls_)}; }

  OrgApp& app_;
  runtime::DemoClock& clock_;
  int calls_ = 0;
};

}  // namespace

absl::Status SeedDemoOrganisation(OrgApp& app, runtime::DemoClock& clock) {
  absl::Status seeded = Seeder(app, clock).SeedOrganisation();
  clock.SetBehind(absl::ZeroDuration());
  return seeded;
}

}  // namespace sales::org
