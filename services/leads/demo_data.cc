#include "services/leads/demo_data.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status_macros.h"
#include "common/time/business_time.h"
#include "common/time/civil_date.h"

namespace sales::leads {
namespace {

namespace v1 = ::sales::leads::v1;
using ::sales::leads::CallOrigin;

// How far a demo lead gets.
enum class Fate {
  kNew,              // captured, assigned, one call
  kNurturing,        // + moved to nurturing
  kQualified,        // + qualification raised, moved to qualified
  kBackToNurturing,  // + back from qualified to nurturing, with a reason
  kDisqualified,     // nurturing, then disqualified
  kOpportunity,      // converted; open at `step`
  kWon,              // converted, through signing, won
  kLost,             // converted, quote, lost to a competitor
};

struct DemoLead {
  const char* company;
  const char* domain;  // e-mail domain
  const char* industry;
  v1::CompanySize size;
  const char* contact;
  const char* handle;  // e-mail local part
  const char* region;
  const char* product_line;
  const char* segment;
  int64_t value_yuan;
  v1::LeadSource source;
  const char* channel;
  int need_match;
  int intent;
  Fate fate;
  v1::SalesStep step = v1::SALES_STEP_VISIT;  // for kOpportunity
};

using enum v1::LeadSource;
using enum v1::CompanySize;

// Region × product line × segment; (south, erp, enterprise) has no territory rule.
const DemoLead kLeads[kDemoLeadCount] = {
    {"杭州云帆科技有限公司", "yunfan-tech.cn", "software", COMPANY_SIZE_MEDIUM, "王磊", "wang.lei",
     "east", "crm", "enterprise", 480'000, LEAD_SOURCE_CAMPAIGN, "cmp-2026-autumn-summit", 70, 60,
     Fate::kWon},
    {"上海申捷物流有限公司", "shenjie-logistics.cn", "logistics", COMPANY_SIZE_LARGE, "李娜",
     "li.na", "east", "erp", "enterprise", 1'200'000, LEAD_SOURCE_REFERRAL, "ref-yunfan", 80, 70,
     Fate::kOpportunity, v1::SALES_STEP_NEGOTIATION},
    {"苏州恒瑞精密制造有限公司", "hengrui-precision.cn", "manufacturing", COMPANY_SIZE_LARGE,
     "张伟", "zhang.wei", "east", "erp", "enterprise", 2'000'000, LEAD_SOURCE_TRADE_SHOW,
     "show-ciie-2026", 65, 55, Fate::kOpportunity, v1::SALES_STEP_QUOTE},
    {"南京金陵医药股份有限公司", "jinling-pharma.cn", "pharmaceuticals", COMPANY_SIZE_ENTERPRISE,
     "刘洋", "liu.yang", "east", "crm", "enterprise", 900'000, LEAD_SOURCE_PARTNER_CHANNEL,
     "partner-huadong-it", 75, 65, Fate::kWon},
    {"宁波海泰塑机有限公司", "haitai-machinery.cn", "machinery", COMPANY_SIZE_MEDIUM, "陈静",
     "chen.jing", "east", "erp", "smb", 260'000, LEAD_SOURCE_WEB, "web-erp-landing", 50, 40,
     Fate::kQualified},
    {"合肥科讯信息技术有限公司", "kexun-it.cn", "software", COMPANY_SIZE_SMALL, "杨帆", "yang.fan",
     "east", "crm", "smb", 90'000, LEAD_SOURCE_ADS, "ads-baidu-crm", 40, 30, Fate::kNurturing},
    {"无锡新洁电子有限公司", "xinjie-elec.cn", "electronics", COMPANY_SIZE_MEDIUM, "赵敏",
     "zhao.min", "east", "erp", "smb", 320'000, LEAD_SOURCE_COLD_OUTREACH, "", 30, 20,
     Fate::kDisqualified},
    {"上海浦江建设集团有限公司", "pujiang-build.cn", "construction", COMPANY_SIZE_ENTERPRISE,
     "孙强", "sun.qiang", "east", "erp", "enterprise", 1'600'000, LEAD_SOURCE_CAMPAIGN,
     "cmp-2026-autumn-summit", 60, 50, Fate::kLost},
    {"杭州绿源食品有限公司", "lvyuan-food.cn", "food", COMPANY_SIZE_SMALL, "周丽", "zhou.li",
     "east", "crm", "smb", 60'000, LEAD_SOURCE_WEB, "web-crm-trial", 55, 45, Fate::kNew},
    {"温州瓯越鞋业有限公司", "ouyue-shoes.cn", "footwear", COMPANY_SIZE_SMALL, "吴刚", "wu.gang",
     "east", "erp", "smb", 150'000, LEAD_SOURCE_TRADE_SHOW, "show-ciie-2026", 60, 50,
     Fate::kOpportunity, v1::SALES_STEP_NEEDS_ANALYSIS},
    {"常州天和储能有限公司", "tianhe-energy.cn", "energy", COMPANY_SIZE_LARGE, "郑华", "zheng.hua",
     "east", "crm", "enterprise", 700'000, LEAD_SOURCE_REFERRAL, "ref-jinling", 85, 80,
     Fate::kOpportunity, v1::SALES_STEP_SIGNING},
    {"上海明德教育科技有限公司", "mingde-edu.cn", "education", COMPANY_SIZE_MEDIUM, "钱芳",
     "qian.fang", "east", "crm", "smb", 120'000, LEAD_SOURCE_ADS, "ads-wechat-crm", 45, 35,
     Fate::kBackToNurturing},
    {"绍兴纺城纺织有限公司", "fangcheng-textile.cn", "textiles", COMPANY_SIZE_MEDIUM, "冯军",
     "feng.jun", "east", "erp", "smb", 210'000, LEAD_SOURCE_PARTNER_CHANNEL, "partner-huadong-it",
     70, 60, Fate::kWon},
    {"南通中远船舶服务有限公司", "zhongyuan-marine.cn", "shipping", COMPANY_SIZE_LARGE, "何伟",
     "he.wei", "east", "erp", "enterprise", 1'100'000, LEAD_SOURCE_COLD_OUTREACH, "", 35, 25,
     Fate::kNew},
    {"嘉兴鸿业包装有限公司", "hongye-pack.cn", "packaging", COMPANY_SIZE_SMALL, "许婷", "xu.ting",
     "east", "crm", "smb", 45'000, LEAD_SOURCE_CAMPAIGN, "cmp-smb-webinar", 50, 40,
     Fate::kQualified},
    {"广州白云电器设备有限公司", "baiyun-electric.cn", "electrical equipment", COMPANY_SIZE_LARGE,
     "黄勇", "huang.yong", "south", "crm", "enterprise", 650'000, LEAD_SOURCE_TRADE_SHOW,
     "show-canton-fair", 70, 60, Fate::kOpportunity, v1::SALES_STEP_SOLUTION_DESIGN},
    {"深圳前海微链科技有限公司", "weilian-tech.cn", "fintech", COMPANY_SIZE_SMALL, "林晓",
     "lin.xiao", "south", "crm", "smb", 80'000, LEAD_SOURCE_WEB, "web-crm-trial", 65, 70,
     Fate::kWon},
    {"东莞华达五金制品有限公司", "huada-hardware.cn", "hardware", COMPANY_SIZE_MEDIUM, "罗斌",
     "luo.bin", "south", "erp", "smb", 180'000, LEAD_SOURCE_PARTNER_CHANNEL, "partner-lingnan", 60,
     55, Fate::kOpportunity, v1::SALES_STEP_VISIT},
    {"佛山美联家居有限公司", "meilian-home.cn", "furniture", COMPANY_SIZE_MEDIUM, "梁静",
     "liang.jing", "south", "crm", "smb", 110'000, LEAD_SOURCE_ADS, "ads-douyin-crm", 40, 30,
     Fate::kNurturing},
    {"珠海格瑞空调配件有限公司", "gerui-hvac.cn", "hvac", COMPANY_SIZE_MEDIUM, "宋涛", "song.tao",
     "south", "erp", "smb", 240'000, LEAD_SOURCE_COLD_OUTREACH, "", 45, 35, Fate::kNurturing},
    {"厦门海沧港务有限公司", "haicang-port.cn", "ports", COMPANY_SIZE_LARGE, "谢芳", "xie.fang",
     "south", "crm", "enterprise", 820'000, LEAD_SOURCE_REFERRAL, "ref-baiyun", 80, 75,
     Fate::kOpportunity, v1::SALES_STEP_QUOTE},
    {"深圳南山智能制造有限公司", "nanshan-im.cn", "manufacturing", COMPANY_SIZE_MEDIUM, "韩雪",
     "han.xue", "south", "erp", "smb", 300'000, LEAD_SOURCE_TRADE_SHOW, "show-canton-fair", 55, 50,
     Fate::kLost},
    {"广州天河金融服务有限公司", "tianhe-fin.cn", "financial services", COMPANY_SIZE_LARGE, "唐亮",
     "tang.liang", "south", "crm", "enterprise", 560'000, LEAD_SOURCE_CAMPAIGN,
     "cmp-fin-roundtable", 60, 45, Fate::kQualified},
    {"汕头潮华玩具有限公司", "chaohua-toys.cn", "toys", COMPANY_SIZE_SMALL, "曾敏", "zeng.min",
     "south", "crm", "smb", 40'000, LEAD_SOURCE_WEB, "web-crm-landing", 30, 20,
     Fate::kDisqualified},
    {"南宁桂冠电力有限公司", "guiguan-power.cn", "utilities", COMPANY_SIZE_ENTERPRISE, "邓超",
     "deng.chao", "south", "erp", "enterprise", 2'500'000, LEAD_SOURCE_PARTNER_CHANNEL,
     "partner-lingnan", 75, 55, Fate::kQualified},
    {"海口椰岛旅游发展有限公司", "yedao-travel.cn", "tourism", COMPANY_SIZE_MEDIUM, "彭丽",
     "peng.li", "south", "crm", "smb", 95'000, LEAD_SOURCE_ADS, "ads-baidu-crm", 50, 40,
     Fate::kNew},
    {"福州闽江水产有限公司", "minjiang-sea.cn", "seafood", COMPANY_SIZE_SMALL, "蔡伟", "cai.wei",
     "south", "erp", "smb", 130'000, LEAD_SOURCE_REFERRAL, "ref-huada", 70, 65, Fate::kOpportunity,
     v1::SALES_STEP_NEEDS_ANALYSIS},
    {"中山古镇灯饰有限公司", "guzhen-lighting.cn", "lighting", COMPANY_SIZE_SMALL, "潘婷",
     "pan.ting", "south", "crm", "smb", 70'000, LEAD_SOURCE_TRADE_SHOW, "show-guzhen-expo", 55, 45,
     Fate::kNurturing},
    {"惠州德润电池有限公司", "derun-battery.cn", "batteries", COMPANY_SIZE_LARGE, "袁杰",
     "yuan.jie", "south", "crm", "enterprise", 760'000, LEAD_SOURCE_COLD_OUTREACH, "", 40, 35,
     Fate::kNurturing},
    {"江门新会陈皮有限公司", "xinhui-tangerine.cn", "food", COMPANY_SIZE_MICRO, "邹红", "zou.hong",
     "south", "erp", "smb", 30'000, LEAD_SOURCE_WEB, "web-erp-landing", 45, 30, Fate::kNew},
};

constexpr v1::SalesStep kStepsToSigning[] = {v1::SALES_STEP_NEEDS_ANALYSIS,
                                             v1::SALES_STEP_SOLUTION_DESIGN, v1::SALES_STEP_QUOTE,
                                             v1::SALES_STEP_NEGOTIATION, v1::SALES_STEP_SIGNING};

sales::common::v1::Money Yuan(int64_t yuan) {
  sales::common::v1::Money money;
  money.set_units(yuan * 100);
  money.set_currency("CNY");
  return money;
}

class Seeder {
 public:
  Seeder(LeadsApp& app, runtime::DemoClock& clock) : app_(app), clock_(clock) {}

  // Lead `index`'s story, starting `start` ago, each step a little later.
  absl::Status SeedLead(int index, absl::Duration start) {
    const DemoLead& spec = kLeads[index];
    lead_id_ = absl::StrFormat("L-%03d", index + 1);
    now_behind_ = start;
    clock_.SetBehind(now_behind_);
    // At most 16 further steps, the last one more than a day ago.
    step_ = (start - absl::Hours(30)) / 17;

    v1::CaptureLeadRequest capture;
    *capture.mutable_meta() = Meta();
    capture.set_lead_id(lead_id_);
    capture.set_source(spec.source);
    capture.set_channel_id(spec.channel);
    v1::LeadDetails& details = *capture.mutable_details();
    details.mutable_contact()->set_name(spec.contact);
    details.mutable_contact()->set_email(absl::StrCat(spec.handle, "@", spec.domain));
    details.mutable_contact()->set_phone(absl::StrFormat("+86 138 0013 %04d", 8000 + index));
    details.mutable_company()->set_name(spec.company);
    details.mutable_company()->set_industry(spec.industry);
    details.mutable_company()->set_size(spec.size);
    details.mutable_company()->set_region_id(spec.region);
    details.set_product_line_id(spec.product_line);
    details.set_segment_id(spec.segment);
    *details.mutable_estimated_value() = Yuan(spec.value_yuan);
    capture.set_need_match(spec.need_match);
    capture.set_purchase_intent(spec.intent);
    RETURN_IF_ERROR(Run(app_.CaptureLead(capture, Origin())));

    Advance();
    v1::AssignLeadRequest assign;
    *assign.mutable_meta() = Meta();
    assign.set_lead_id(lead_id_);
    absl::Status by_rule = app_.AssignLead(assign, Origin()).status();
    if (by_rule.code() == absl::StatusCode::kFailedPrecondition) {
      // The territory gap (no_territory): the south manager takes the lead by hand.
      assign.set_rep_id("chen.yu");
      by_rule = app_.AssignLead(assign, Origin()).status();
    }
    RETURN_IF_ERROR(Run(by_rule));
    RETURN_IF_ERROR(Activity(v1::ACTIVITY_TYPE_CALL, "首次电话沟通，了解基本需求 (first call)",
                             spec.fate == Fate::kNew));
    if (spec.fate == Fate::kNew) return absl::OkStatus();

    RETURN_IF_ERROR(MoveStage(v1::LEAD_STAGE_NURTURING, ""));
    RETURN_IF_ERROR(Activity(v1::ACTIVITY_TYPE_EMAIL, "发送产品资料与案例 (sent brochure)", false));
    if (spec.fate == Fate::kNurturing) return absl::OkStatus();
    if (spec.fate == Fate::kDisqualified) {
      v1::DisqualifyLeadRequest disqualify;
      *disqualify.mutable_meta() = Meta();
      disqualify.set_lead_id(lead_id_);
      disqualify.set_reason("无预算，仅做市场调研 (no budget, market research only)");
      return Run(app_.DisqualifyLead(disqualify, Origin()));
    }

    v1::UpdateQualificationRequest qualify;
    *qualify.mutable_meta() = Meta();
    qualify.set_lead_id(lead_id_);
    qualify.set_need_match(std::min(100, spec.need_match + 15));
    qualify.set_purchase_intent(std::min(100, spec.intent + 20));
    RETURN_IF_ERROR(Run(app_.UpdateQualification(qualify, Origin())));
    RETURN_IF_ERROR(MoveStage(v1::LEAD_STAGE_QUALIFIED, ""));
    if (spec.fate == Fate::kQualified) {
      return Activity(v1::ACTIVITY_TYPE_MEETING, "需求确认会", true);
    }
    if (spec.fate == Fate::kBackToNurturing) {
      return MoveStage(v1::LEAD_STAGE_NURTURING,
                       "客户预算冻结至下财年 (budget frozen until next FY)");
    }

    Advance();
    v1::ConvertToOpportunityRequest convert;
    *convert.mutable_meta() = Meta();
    convert.set_lead_id(lead_id_);
    convert.set_deal_id(absl::StrFormat("D-2026-%03d", index + 1));
    // Expected to close two to seven weeks after conversion: some of the open deals are due in
    // the coming weeks, some months ahead, and the oldest have slipped past their date.
    *convert.mutable_expected_close_date() =
        ToDate(BusinessDayOf(clock_.Now()) + 14 + int64_t{7} * (index % 6));
    RETURN_IF_ERROR(Run(app_.ConvertToOpportunity(convert, Origin())));
    RETURN_IF_ERROR(
        Activity(v1::ACTIVITY_TYPE_VISIT, "上门拜访，见到决策人 (met the decision maker)", false));
    const v1::SalesStep last = spec.fate == Fate::kWon    ? v1::SALES_STEP_SIGNING
                               : spec.fate == Fate::kLost ? v1::SALES_STEP_QUOTE
                                                          : spec.step;
    for (v1::SalesStep step : kStepsToSigning) {
      if (step > last) break;
      RETURN_IF_ERROR(Step(step, ""));
      if (step == v1::SALES_STEP_SOLUTION_DESIGN) {
        RETURN_IF_ERROR(Activity(v1::ACTIVITY_TYPE_DEMO, "产品演示 (product demo)", false));
      }
      if (step == v1::SALES_STEP_QUOTE) {
        RETURN_IF_ERROR(Activity(v1::ACTIVITY_TYPE_PROPOSAL_SENT, "发送报价单 (quote sent)", true));
      }
    }
    if (spec.fate == Fate::kWon) {
      v1::WinDealRequest win;
      *win.mutable_meta() = Meta();
      win.set_lead_id(lead_id_);
      win.set_reason("合同已签署 (contract signed)");
      return Run(app_.WinDeal(win, Origin()));
    }
    if (spec.fate == Fate::kLost) {
      v1::LoseDealRequest lose;
      *lose.mutable_meta() = Meta();
      lose.set_lead_id(lead_id_);
      lose.set_reason("价格高于竞品 (price above the competitor)");
      lose.set_competitor(index % 2 == 0 ? "用友 Yonyou" : "金蝶 Kingdee");
      return Run(app_.LoseDeal(lose, Origin()));
    }
    return absl::OkStatus();
  }

  // The story's extras on leads already seeded: a reassignment, a probability override, an
  // amount change, a backward step and a duplicate capture merged into L-001.
  absl::Status SeedExtras() {
    clock_.SetBehind(absl::Hours(20));
    lead_id_ = "L-019";
    v1::GetLeadRequest get;
    get.set_lead_id(lead_id_);
    ASSIGN_OR_RETURN(v1::GetLeadResponse current, app_.GetLead(get));
    v1::AssignLeadRequest reassign;
    *reassign.mutable_meta() = Meta();
    reassign.set_lead_id(lead_id_);
    reassign.set_rep_id(current.lead().rep_id() == "chen.yu" ? "huang.lan" : "chen.yu");
    reassign.set_reason("原负责人休假 (rep on leave)");
    RETURN_IF_ERROR(Run(app_.AssignLead(reassign, Origin())));

    v1::OverrideDealProbabilityRequest probability;
    *probability.mutable_meta() = Meta();
    lead_id_ = "L-002";
    probability.set_lead_id(lead_id_);
    probability.set_probability(65);
    probability.set_reason("采购流程延长 (procurement takes longer)");
    RETURN_IF_ERROR(Run(app_.OverrideDealProbability(probability, Origin())));

    clock_.SetBehind(absl::Hours(16));
    v1::ChangeDealAmountRequest amount;
    *amount.mutable_meta() = Meta();
    lead_id_ = "L-003";
    amount.set_lead_id(lead_id_);
    *amount.mutable_amount() = Yuan(1'750'000);
    amount.set_reason("范围缩减为两个工厂 (scope reduced to two plants)");
    RETURN_IF_ERROR(Run(app_.ChangeDealAmount(amount, Origin())));

    v1::ChangeDealCloseDateRequest close_date;
    *close_date.mutable_meta() = Meta();
    close_date.set_lead_id(lead_id_);
    *close_date.mutable_expected_close_date() = ToDate(BusinessDayOf(clock_.Now()) + 60);
    close_date.set_reason("客户董事会下季度审批 (the customer's board approves next quarter)");
    RETURN_IF_ERROR(Run(app_.ChangeDealCloseDate(close_date, Origin())));

    lead_id_ = "L-021";
    RETURN_IF_ERROR(
        Step(v1::SALES_STEP_SOLUTION_DESIGN, "客户调整需求范围 (customer changed scope)"));

    clock_.SetBehind(absl::Hours(6));
    v1::CaptureLeadRequest duplicate;
    *duplicate.mutable_meta() = Meta();
    duplicate.set_source(LEAD_SOURCE_TRADE_SHOW);
    duplicate.set_channel_id("show-ciie-2026");
    v1::LeadDetails& details = *duplicate.mutable_details();
    details.mutable_contact()->set_name(kLeads[0].contact);
    details.mutable_contact()->set_email(absl::StrCat(kLeads[0].handle, "@", kLeads[0].domain));
    details.mutable_company()->set_name("杭州云帆科技");
    details.mutable_company()->set_size(kLeads[0].size);
    details.mutable_company()->set_region_id(kLeads[0].region);
    details.set_product_line_id("erp");
    details.set_segment_id(kLeads[0].segment);
    lead_id_ = "duplicate of L-001";
    return Run(app_.CaptureLead(duplicate, Origin()));
  }

 private:
  common::v1::CommandMeta Meta() const {
    common::v1::CommandMeta meta;
    meta.set_actor(runtime::kDemoActor);
    return meta;
  }
  CallOrigin Origin() { return {.correlation_id = absl::StrCat("demo-", ++calls_)}; }
  // The next step of the current lead's story.
  void Advance() {
    now_behind_ -= step_;
    clock_.SetBehind(now_behind_);
  }
  // The result's status, naming the lead the story was at.
  absl::Status Run(const absl::Status& status) const {
    if (status.ok()) return status;
    return absl::Status(status.code(),
                        absl::StrCat("demo lead ", lead_id_, ": ", status.message()));
  }
  template <typename T>
  absl::Status Run(const absl::StatusOr<T>& result) const {
    return Run(result.status());
  }
  absl::Status Activity(v1::ActivityType type, const char* notes, bool plan_follow_up) {
    Advance();
    v1::LogActivityRequest request;
    *request.mutable_meta() = Meta();
    request.set_lead_id(lead_id_);
    request.set_type(type);
    request.set_notes(notes);
    if (plan_follow_up) {
      request.mutable_next_follow_up_due()->set_seconds(
          absl::ToUnixSeconds(clock_.Now() + absl::Hours(24 * 5)));
    }
    return Run(app_.LogActivity(request, Origin()));
  }
  absl::Status MoveStage(v1::LeadStage stage, const char* reason) {
    Advance();
    v1::MoveLeadStageRequest request;
    *request.mutable_meta() = Meta();
    request.set_lead_id(lead_id_);
    request.set_to_stage(stage);
    request.set_reason(reason);
    return Run(app_.MoveLeadStage(request, Origin()));
  }
  absl::Status Step(v1::SalesStep step, const char* reason) {
    Advance();
    v1::ChangeSalesStepRequest request;
    *request.mutable_meta() = Meta();
    request.set_lead_id(lead_id_);
    request.set_to_step(step);
    request.set_reason(reason);
    return Run(app_.ChangeSalesStep(request, Origin()));
  }

  LeadsApp& app_;
  runtime::DemoClock& clock_;
  int calls_ = 0;
  std::string lead_id_;
  absl::Duration now_behind_;
  absl::Duration step_;
};

}  // namespace

absl::StatusOr<int> SeedDemoData(LeadsApp& app, runtime::DemoClock& clock) {
  Seeder seeder(app, clock);
  absl::Status seeded = absl::OkStatus();
  // Leads arrive over four weeks, the latest about a week ago.
  for (int i = 0; seeded.ok() && i < kDemoLeadCount; ++i) {
    seeded = seeder.SeedLead(i, absl::Hours(24 * 30) - i * absl::Hours(17));
  }
  if (seeded.ok()) seeded = seeder.SeedExtras();
  clock.SetBehind(absl::ZeroDuration());
  if (!seeded.ok()) return seeded;
  return kDemoLeadCount;
}

}  // namespace sales::leads
