#include "services/channels/demo_data.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"

namespace sales::channels {
namespace {

using enum v1::ChannelType;
using enum v1::MarginClass;
using enum v1::ChannelStatus;
using enum v1::PriceBandPolicy;

struct DemoProduct {
  const char* sku;
  const char* name;
  const char* product_line;
  v1::MarginClass margin_class;
  int64_t list_yuan;
};

const DemoProduct kProducts[] = {
    {"CRM-STD", "CRM 标准版 (per seat, per year)", "crm", MARGIN_CLASS_STANDARD, 1'200},
    {"CRM-PRO", "CRM 专业版 (per seat, per year)", "crm", MARGIN_CLASS_HIGH, 2'400},
    {"CRM-AI", "CRM 智能助手 add-on", "crm", MARGIN_CLASS_HIGH, 800},
    {"ERP-CORE", "ERP 核心财务 (site licence)", "erp", MARGIN_CLASS_STANDARD, 50'000},
    {"ERP-MFG", "ERP 生产制造模块", "erp", MARGIN_CLASS_HIGH, 80'000},
    {"ERP-IMPL", "ERP 实施服务 (per consultant day)", "erp", MARGIN_CLASS_LOW, 3'000},
    {"CRM-LEGACY", "CRM 2019 版 (retired)", "crm", MARGIN_CLASS_STANDARD, 900},
};

struct DemoChannel {
  const char* id;
  const char* name;
  v1::ChannelType type;
  const char* partner_id;  // "" for a channel without a partner
  const char* partner_name;
  v1::PriceBandPolicy policy;
  int band_bp;  // 0: the default ±5 %
};

const DemoChannel kChannels[] = {
    {"web-official", "官网商城 Official website", CHANNEL_TYPE_WEBSITE, "", "",
     PRICE_BAND_POLICY_REFUSE, 0},
    {"store-shanghai", "上海体验中心 Shanghai own store", CHANNEL_TYPE_OWN_STORE, "", "",
     PRICE_BAND_POLICY_REFUSE, 0},
    {"field-east", "华东直销 East field sales", CHANNEL_TYPE_FIELD_SALES, "", "",
     PRICE_BAND_POLICY_REFUSE, 1'000},
    {"partner-huadong-it", "华东信息 distributor", CHANNEL_TYPE_DISTRIBUTOR, "huadong-it",
     "华东信息技术有限公司", PRICE_BAND_POLICY_FLAG, 0},
    {"partner-lingnan", "岭南数码 distributor", CHANNEL_TYPE_DISTRIBUTOR, "lingnan-digital",
     "岭南数码科技有限公司", PRICE_BAND_POLICY_REFUSE, 0},
    {"agent-jiangsu", "苏商代理 agent", CHANNEL_TYPE_AGENT, "sushang-agency",
     "苏商企业服务代理有限公司", PRICE_BAND_POLICY_REFUSE, 800},
    {"retail-suning", "苏宁门店 retailer", CHANNEL_TYPE_RETAILER, "suning-retail", "苏宁零售",
     PRICE_BAND_POLICY_REFUSE, 0},
    {"tmall-flagship", "天猫旗舰店 Tmall flagship", CHANNEL_TYPE_ECOMMERCE_PLATFORM, "", "",
     PRICE_BAND_POLICY_FLAG, 0},
    {"wechat-mini", "微信小程序分销 WeChat mini-program", CHANNEL_TYPE_SOCIAL_COMMERCE, "", "",
     PRICE_BAND_POLICY_REFUSE, 0},
    {"douyin-live", "抖音直播间 Douyin live room", CHANNEL_TYPE_LIVE_STREAMING, "", "",
     PRICE_BAND_POLICY_FLAG, 1'500},
};

class Seeder {
 public:
  Seeder(ChannelsApp& app, runtime::DemoClock& clock) : app_(app), clock_(clock) {}

  absl::StatusOr<DemoChannelsSummary> Seed() {
    clock_.SetBehind(absl::Hours(24 * 30));
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    year_start_ = absl::CivilDay(today.year(), 1, 1);
    RETURN_IF_ERROR(SeedCatalogue());
    clock_.SetBehind(absl::Hours(24 * 25));
    RETURN_IF_ERROR(SeedChannels());
    clock_.SetBehind(absl::Hours(24 * 20));
    RETURN_IF_ERROR(SeedAgreements(today));
    RETURN_IF_ERROR(SeedPriceLists());
    clock_.SetBehind(absl::Hours(24 * 10));
    RETURN_IF_ERROR(SeedLifecycleAndEnablement());
    clock_.SetBehind(absl::Hours(24 * 3));
    RETURN_IF_ERROR(SeedConflict());
    clock_.SetBehind(absl::ZeroDuration());
    return DemoChannelsSummary{.products = static_cast<int>(std::size(kProducts)),
                               .channels = static_cast<int>(std::size(kChannels))};
  }

 private:
  template <typename Request>
  Request WithMeta() const {
    Request request;
    request.mutable_meta()->set_actor(runtime::kDemoActor);
    return request;
  }
  CallOrigin Origin() { return {.correlation_id = absl::StrCat("demo-channels-", ++calls_)}; }
  // The command's error, naming what the demo was doing.
  template <typename T>
  absl::Status Run(absl::string_view what, const absl::StatusOr<T>& result) {
    if (result.ok()) return absl::OkStatus();
    return absl::Status(result.status().code(),
                        absl::StrCat("demo channels: ", what, ": ", result.status().message()));
  }
  static common::v1::Money Cny(int64_t yuan) {
    common::v1::Money money;
    money.set_units(yuan * 100);  // fen
    money.set_currency("CNY");
    return money;
  }

  absl::Status SeedCatalogue() {
    for (const DemoProduct& spec : kProducts) {
      auto request = WithMeta<v1::AddProductRequest>();
      request.set_sku(spec.sku);
      request.set_name(spec.name);
      request.set_product_line_id(spec.product_line);
      request.set_margin_class(spec.margin_class);
      *request.mutable_list_price()->mutable_effective_from() = ToDate(year_start_ - 365);
      *request.mutable_list_price()->mutable_price() = Cny(spec.list_yuan);
      RETURN_IF_ERROR(Run(absl::StrCat("add ", spec.sku), app_.AddProduct(request, Origin())));
    }
    // This year's CRM-PRO price rise.
    auto change = WithMeta<v1::ChangeListPriceRequest>();
    change.set_sku("CRM-PRO");
    *change.mutable_list_price()->mutable_effective_from() = ToDate(year_start_);
    *change.mutable_list_price()->mutable_price() = Cny(2'600);
    RETURN_IF_ERROR(Run("raise CRM-PRO", app_.ChangeListPrice(change, Origin())));
    auto retire = WithMeta<v1::RetireProductRequest>();
    retire.set_sku("CRM-LEGACY");
    retire.set_reason("superseded by CRM 标准版");
    return Run("retire CRM-LEGACY", app_.RetireProduct(retire, Origin()));
  }

  absl::Status SeedChannels() {
    for (const DemoChannel& spec : kChannels) {
      auto request = WithMeta<v1::RegisterChannelRequest>();
      request.set_channel_id(spec.id);
      request.set_name(spec.name);
      request.set_type(spec.type);
      if (*spec.partner_id != '\0') {
        request.mutable_partner()->set_partner_id(spec.partner_id);
        request.mutable_partner()->set_name(spec.partner_name);
      }
      request.set_price_band_bp(spec.band_bp);
      request.set_price_band_policy(spec.policy);
      RETURN_IF_ERROR(
          Run(absl::StrCat("register ", spec.id), app_.RegisterChannel(request, Origin())));
      // Every channel but the live room (still onboarding) is activated.
      if (spec.type == CHANNEL_TYPE_LIVE_STREAMING) continue;
      RETURN_IF_ERROR(ChangeStatus(spec.id, CHANNEL_STATUS_ACTIVE, ""));
    }
    return absl::OkStatus();
  }

  absl::Status ChangeStatus(const char* channel_id, v1::ChannelStatus status, const char* reason) {
    auto request = WithMeta<v1::ChangeChannelStatusRequest>();
    request.set_channel_id(channel_id);
    request.set_status(status);
    request.set_reason(reason);
    return Run(absl::StrCat("status of ", channel_id), app_.ChangeChannelStatus(request, Origin()));
  }

  absl::Status Amend(const char* channel_id, absl::CivilDay from, std::vector<std::string> regions,
                     std::vector<std::string> lines, int margin_bp, int rebate_bp,
                     int64_t minimum_yuan, v1::VolumePeriod period, const char* reason) {
    auto request = WithMeta<v1::AmendAgreementRequest>();
    request.set_channel_id(channel_id);
    *request.mutable_effective_from() = ToDate(from);
    request.set_reason(reason);
    v1::AgreementTerms& terms = *request.mutable_terms();
    *terms.mutable_term_start() = ToDate(year_start_);
    *terms.mutable_term_end() = ToDate(absl::CivilDay(year_start_.year() + 1, 12, 31));
    for (std::string& region : regions) terms.add_region_ids(std::move(region));
    for (std::string& line : lines) terms.add_product_line_ids(std::move(line));
    terms.set_partner_margin_bp(margin_bp);
    terms.set_rebate_bp(rebate_bp);
    if (minimum_yuan > 0) {
      *terms.mutable_minimum_volume() = Cny(minimum_yuan);
      terms.set_minimum_volume_period(period);
    }
    return Run(absl::StrCat("agreement of ", channel_id), app_.AmendAgreement(request, Origin()));
  }

  absl::Status SeedAgreements(absl::CivilDay today) {
    using enum v1::VolumePeriod;
    RETURN_IF_ERROR(Amend("partner-huadong-it", year_start_, {"east"}, {"crm", "erp"}, 1'500, 200,
                          1'000'000, VOLUME_PERIOD_QUARTER, ""));
    RETURN_IF_ERROR(Amend("partner-lingnan", year_start_, {"south"}, {"erp"}, 1'200, 150, 600'000,
                          VOLUME_PERIOD_QUARTER, ""));
    // Amended mid-term: Lingnan may sell in East China too, from two weeks ago.
    RETURN_IF_ERROR(Amend("partner-lingnan", std::max(today - 14, year_start_ + 1),
                          {"south", "east"}, {"erp", "crm"}, 1'200, 150, 800'000,
                          VOLUME_PERIOD_QUARTER,
                          "拓展华东市场 (territory extended to East China)"));
    RETURN_IF_ERROR(Amend("agent-jiangsu", year_start_, {"east"}, {"crm"}, 1'000, 0, 200'000,
                          VOLUME_PERIOD_YEAR, ""));
    RETURN_IF_ERROR(Amend("retail-suning", year_start_, {"east", "south"}, {"crm"}, 800, 100, 0,
                          VOLUME_PERIOD_UNSPECIFIED, ""));
    return absl::OkStatus();
  }

  absl::Status Price(const char* channel_id, const char* sku, int64_t yuan) {
    auto request = WithMeta<v1::SetChannelPriceRequest>();
    request.set_channel_id(channel_id);
    request.set_sku(sku);
    *request.mutable_effective_from() = ToDate(year_start_);
    *request.mutable_price() = Cny(yuan);
    return Run(absl::StrCat("price of ", sku, " on ", channel_id),
               app_.SetChannelPrice(request, Origin()));
  }

  absl::Status SeedPriceLists() {
    // Within ±5 % of the list prices (CRM-STD 1,200; CRM-PRO 2,600; ERP-CORE 50,000), except
    // Huadong's ERP-CORE: 8 % below list, accepted under its FLAG policy and flagged.
    RETURN_IF_ERROR(Price("web-official", "CRM-STD", 1'200));
    RETURN_IF_ERROR(Price("web-official", "CRM-PRO", 2'600));
    RETURN_IF_ERROR(Price("tmall-flagship", "CRM-STD", 1'150));
    RETURN_IF_ERROR(Price("tmall-flagship", "CRM-AI", 790));
    RETURN_IF_ERROR(Price("field-east", "ERP-CORE", 47'000));
    RETURN_IF_ERROR(Price("partner-huadong-it", "CRM-STD", 1'180));
    RETURN_IF_ERROR(Price("partner-huadong-it", "ERP-CORE", 46'000));
    RETURN_IF_ERROR(Price("partner-lingnan", "ERP-CORE", 48'500));
    RETURN_IF_ERROR(Price("partner-lingnan", "ERP-IMPL", 3'100));
    RETURN_IF_ERROR(Price("agent-jiangsu", "CRM-PRO", 2'500));
    RETURN_IF_ERROR(Price("retail-suning", "CRM-STD", 1'240));
    return Price("wechat-mini", "CRM-STD", 1'199);
  }

  absl::Status Enablement(const char* channel_id, v1::EnablementKind kind, absl::CivilDay day,
                          const char* topic, const std::vector<const char*>& attendees,
                          const char* outcome) {
    auto request = WithMeta<v1::RecordEnablementRequest>();
    request.set_channel_id(channel_id);
    request.set_kind(kind);
    *request.mutable_date() = ToDate(day);
    request.set_topic(topic);
    for (const char* attendee : attendees) request.add_attendees(attendee);
    request.set_outcome(outcome);
    return Run(absl::StrCat("enablement of ", channel_id),
               app_.RecordEnablement(request, Origin()));
  }

  absl::Status SeedLifecycleAndEnablement() {
    const absl::CivilDay day = absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone());
    RETURN_IF_ERROR(ChangeStatus("retail-suning", CHANNEL_STATUS_SUSPENDED,
                                 "对账逾期 60 天 (reconciliation 60 days overdue)"));
    using enum v1::EnablementKind;
    RETURN_IF_ERROR(Enablement("partner-huadong-it", ENABLEMENT_KIND_TRAINING, day - 5,
                               "ERP 2026 产品认证培训", {"陈晓", "林涛", "郭佳"},
                               "3 of 3 certified"));
    RETURN_IF_ERROR(Enablement("partner-huadong-it", ENABLEMENT_KIND_SUPPORT, day - 2,
                               "售前方案支持: 恒瑞精密", {"陈晓"}, "joint proposal delivered"));
    return Enablement("partner-lingnan", ENABLEMENT_KIND_TRAINING, day - 1,
                      "华东市场拓展启动会 (East China kick-off)", {"梁伟", "何芳"},
                      "territory plan agreed");
  }

  absl::Status SeedConflict() {
    // Both distributors register the same East China customer: the second claim collides.
    for (const char* channel_id : {"partner-huadong-it", "partner-lingnan"}) {
      auto request = WithMeta<v1::ClaimRequest>();
      request.mutable_subject()->set_kind(v1::CLAIM_SUBJECT_KIND_CUSTOMER);
      request.mutable_subject()->set_id("cust-hengrui-precision");
      request.set_channel_id(channel_id);
      request.add_region_ids("east");
      RETURN_IF_ERROR(Run(absl::StrCat("claim by ", channel_id), app_.Claim(request, Origin())));
      clock_.SetBehind(absl::Hours(24 * 2));
    }
    return absl::OkStatus();
  }

  ChannelsApp& app_;
  runtime::DemoClock& clock_;
  absl::CivilDay year_start_;
  int calls_ = 0;
};

}  // namespace

absl::StatusOr<DemoChannelsSummary> SeedDemoData(ChannelsApp& app, runtime::DemoClock& clock) {
  Seeder seeder(app, clock);
  absl::StatusOr<DemoChannelsSummary> seeded = seeder.Seed();
  clock.SetBehind(absl::ZeroDuration());
  return seeded;
}

}  // namespace sales::channels
