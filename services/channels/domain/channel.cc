// Decide and Evolve of the Channel aggregate (see aggregates.h).
#include <algorithm>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/aggregates.h"
#include "services/channels/domain/channel_rules.h"
#include "services/channels/domain/price_band.h"
#include "services/channels/domain/validation.h"
#include "services/org/domain/org.h"

namespace sales::channels {
namespace {

ChannelEvents One(v1::ChannelEvent event) {
  ChannelEvents events;
  events.push_back(std::move(event));
  return events;
}

absl::Status MustExist(const v1::Channel& channel, absl::string_view channel_id) {
  if (channel.channel_id().empty()) {
    return absl::NotFoundError(absl::StrCat("channel ", Quoted(channel_id), " does not exist"));
  }
  return absl::OkStatus();
}

// An existing channel that is not terminated (every change but a status change needs one).
absl::Status MustBeOpen(const v1::Channel& channel, absl::string_view channel_id) {
  RETURN_IF_ERROR(MustExist(channel, channel_id));
  if (channel.status() == v1::CHANNEL_STATUS_TERMINATED) {
    return RuleViolated("channel_terminated",
                        absl::StrCat("channel ", Quoted(channel_id), " is terminated"));
  }
  return absl::OkStatus();
}

// Every region and product line of the terms is in the organisation and every SKU in the
// catalogue.
absl::Status CheckReferences(const v1::AgreementTerms& terms, const ChannelsContext& ctx) {
  for (const std::string& region : terms.region_ids()) {
    if (!org::HasRegion(ctx.org, region)) {
      return absl::NotFoundError(
          absl::StrCat("region ", Quoted(region), " is not in the organisation"));
    }
  }
  for (const std::string& line : terms.product_line_ids()) {
    if (!org::HasProductLine(ctx.org, line)) {
      return absl::NotFoundError(
          absl::StrCat("product line ", Quoted(line), " is not in the organisation"));
    }
  }
  for (const std::string& sku : terms.skus()) {
    if (ctx.products(sku) == nullptr) {
      return absl::NotFoundError(absl::StrCat("SKU ", Quoted(sku), " is not in the catalogue"));
    }
  }
  return absl::OkStatus();
}

int32_t NextPriceListVersion(const v1::Channel& channel) {
  int32_t latest = 0;
  for (const v1::PriceListEntry& entry : channel.price_list()) {
    latest = std::max(latest, entry.version());
  }
  return latest + 1;
}

}  // namespace

std::string PriceStreamId(absl::string_view channel_id, absl::string_view sku) {
  return absl::StrCat(kPriceStreamPrefix, channel_id, "@", sku);
}

v1::Channel PriceDecisionView(const v1::Channel& channel,
                              const std::vector<const v1::Channel*>& prices) {
  v1::Channel view = channel;
  view.clear_price_list();  // a channel's prices live in its price streams
  std::vector<const v1::Channel*> by_sku;
  for (const v1::Channel* list : prices) {
    if (list != nullptr && !list->price_list().empty()) by_sku.push_back(list);
  }
  std::sort(by_sku.begin(), by_sku.end(), [](const v1::Channel* a, const v1::Channel* b) {
    return a->price_list(0).sku() < b->price_list(0).sku();
  });
  for (const v1::Channel* list : by_sku) {
    for (const v1::PriceListEntry& entry : list->price_list()) *view.add_price_list() = entry;
  }
  return view;
}

std::string ChannelStreamId(absl::string_view channel_id) {
  return absl::StrCat(kChannelStreamPrefix, channel_id);
}

absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::RegisterChannelRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidateText("name", c.name(), kMaxNameLength, /*required=*/true));
  RETURN_IF_ERROR(ValidateEnum("type", c.type(), v1::ChannelType_IsValid));
  if (IsIndirect(c.type()) && !c.has_partner()) {
    return InvalidField("partner", absl::StrCat("required for a ", v1::ChannelType_Name(c.type())));
  }
  if (c.has_partner() && IsDirect(c.type())) {
    return InvalidField("partner", absl::StrCat("a ", v1::ChannelType_Name(c.type()),
                                                " channel is direct: it has no partner"));
  }
  if (c.has_partner()) RETURN_IF_ERROR(ValidatePartner("partner", c.partner()));
  RETURN_IF_ERROR(ValidatePriceBand(c.price_band_bp(), c.price_band_policy()));
  if (!channel.channel_id().empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("channel ", Quoted(c.channel_id()), " already exists"));
  }
  v1::ChannelEvent event;
  v1::ChannelRegistered& registered = *event.mutable_channel_registered();
  registered.set_channel_id(c.channel_id());
  registered.set_name(c.name());
  registered.set_type(c.type());
  if (c.has_partner()) *registered.mutable_partner() = c.partner();
  registered.set_price_band_bp(c.price_band_bp());
  registered.set_price_band_policy(c.price_band_policy());
  *registered.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::ChangeChannelStatusRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidateEnum("status", c.status(), v1::ChannelStatus_IsValid));
  if (c.status() == v1::CHANNEL_STATUS_ONBOARDING) {
    return InvalidField("status", "must be ACTIVE, SUSPENDED or TERMINATED");
  }
  const bool reason_required = c.status() != v1::CHANNEL_STATUS_ACTIVE;
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, reason_required));
  RETURN_IF_ERROR(MustExist(channel, c.channel_id()));
  RETURN_IF_ERROR(CheckStatusChange(channel, c.status()));
  if (channel.status() == v1::CHANNEL_STATUS_SUSPENDED && c.reason().empty()) {
    return RuleViolated("reactivation_requires_reason",
                        "a suspended channel is reactivated with a reason");
  }
  v1::ChannelEvent event;
  v1::ChannelStatusChanged& changed = *event.mutable_channel_status_changed();
  changed.set_from(channel.status());
  changed.set_to(c.status());
  changed.set_reason(c.reason());
  *changed.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel, const v1::SetPriceBandRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidatePriceBand(c.price_band_bp(), c.price_band_policy()));
  RETURN_IF_ERROR(MustBeOpen(channel, c.channel_id()));
  if (channel.price_band_bp() == c.price_band_bp() &&
      channel.price_band_policy() == c.price_band_policy()) {
    return ChannelEvents();
  }
  v1::ChannelEvent event;
  v1::PriceBandChanged& changed = *event.mutable_price_band_changed();
  changed.set_price_band_bp(c.price_band_bp());
  changed.set_price_band_policy(c.price_band_policy());
  *changed.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel, const v1::AmendAgreementRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidateDate("effective_from", c.effective_from()));
  RETURN_IF_ERROR(ValidateAgreementTerms("terms", c.terms()));
  RETURN_IF_ERROR(ValidateText("reason", c.reason(), kMaxReasonLength, /*required=*/false));
  RETURN_IF_ERROR(MustBeOpen(channel, c.channel_id()));
  RETURN_IF_ERROR(CheckReferences(c.terms(), ctx));
  if (!channel.agreements().empty()) {
    const v1::AgreementVersion& latest = channel.agreements(channel.agreements_size() - 1);
    if (ToCivilDay(c.effective_from()) <= ToCivilDay(latest.effective_from())) {
      return RuleViolated("agreement_version_overlap",
                          absl::StrCat("version ", latest.version(), " applies from ",
                                       absl::FormatCivilTime(ToCivilDay(latest.effective_from())),
                                       "; an amendment must start later"));
    }
    if (c.reason().empty()) {
      return RuleViolated("amendment_requires_reason",
                          "an amendment of a partner agreement states its reason");
    }
  }
  v1::ChannelEvent event;
  v1::AgreementAmended& amended = *event.mutable_agreement_amended();
  v1::AgreementVersion& version = *amended.mutable_agreement();
  version.set_version(channel.agreements_size() + 1);
  *version.mutable_effective_from() = c.effective_from();
  *version.mutable_terms() = c.terms();
  version.set_reason(c.reason());
  *amended.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::SetChannelPriceRequest& c,
                                     const ChannelsContext& ctx) {
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidateId("sku", c.sku()));
  RETURN_IF_ERROR(ValidateDate("effective_from", c.effective_from()));
  RETURN_IF_ERROR(ValidateMoney("price", c.price()));
  RETURN_IF_ERROR(MustBeOpen(channel, c.channel_id()));
  const v1::Product* product = ctx.products(c.sku());
  if (product == nullptr) {
    return absl::NotFoundError(absl::StrCat("SKU ", Quoted(c.sku()), " is not in the catalogue"));
  }
  if (product->retired()) {
    return RuleViolated("product_retired",
                        absl::StrCat("SKU ", Quoted(c.sku()), " is retired: it takes no prices"));
  }
  const absl::CivilDay day = ToCivilDay(c.effective_from());
  // A channel with a partner agreement prices only what the agreement in force that day covers.
  if (const v1::AgreementVersion* agreement = AgreementOn(channel, day);
      agreement != nullptr && !CoversProduct(agreement->terms(), *product)) {
    return RuleViolated(
        "product_out_of_scope",
        absl::StrCat("SKU ", Quoted(c.sku()), " (", product->product_line_id(),
                     ") is outside the product scope of agreement version ", agreement->version()));
  }
  const v1::ListPrice* list = ListPriceOn(*product, day);
  if (list == nullptr) {
    return RuleViolated("no_list_price",
                        absl::StrCat("SKU ", Quoted(c.sku()), " has no list price on ",
                                     absl::FormatCivilTime(day)));
  }
  if (c.price().currency() != list->price().currency()) {
    return InvalidField("price.currency", absl::StrCat("must be ", list->price().currency(),
                                                       ", the list price's currency"));
  }
  const int32_t band = EffectiveBandBp(channel);
  const BandCheck check = CheckPriceBand(list->price().units(), c.price().units(), band);
  const bool flag = !check.within && EffectivePolicy(channel) == v1::PRICE_BAND_POLICY_FLAG;
  if (!check.within && !flag) {
    return RuleViolated("price_outside_band",
                        OutsideBandDetail(list->price().units(), c.price().units(), band, check));
  }
  ChannelEvents events;
  v1::ChannelPriceSet& set = *events.emplace_back().mutable_channel_price_set();
  v1::PriceListEntry& entry = *set.mutable_entry();
  entry.set_sku(c.sku());
  *entry.mutable_effective_from() = c.effective_from();
  *entry.mutable_price() = c.price();
  entry.set_flagged(flag);
  entry.set_version(NextPriceListVersion(channel));
  *set.mutable_at() = ToTimestamp(ctx.now);
  if (flag) {
    v1::PriceBandViolationFlagged& flagged =
        *events.emplace_back().mutable_price_band_violation_flagged();
    flagged.set_sku(c.sku());
    *flagged.mutable_effective_from() = c.effective_from();
    *flagged.mutable_price() = c.price();
    *flagged.mutable_list_price() = list->price();
    flagged.set_deviation_bp(check.deviation_bp);
    flagged.set_band_bp(band);
    flagged.set_price_list_version(entry.version());
    *flagged.mutable_at() = set.at();
  }
  return events;
}

absl::StatusOr<ChannelEvents> Decide(const v1::Channel& channel,
                                     const v1::RecordEnablementRequest& c,
                                     const ChannelsContext& ctx) {
  constexpr int kMaxAttendees = 200;
  RETURN_IF_ERROR(ValidateCommandMeta(c.meta()));
  RETURN_IF_ERROR(ValidateId("channel_id", c.channel_id()));
  RETURN_IF_ERROR(ValidateEnum("kind", c.kind(), v1::EnablementKind_IsValid));
  RETURN_IF_ERROR(ValidateDate("date", c.date()));
  RETURN_IF_ERROR(ValidateText("topic", c.topic(), kMaxNameLength, /*required=*/true));
  if (c.attendees_size() > kMaxAttendees) {
    return InvalidField("attendees", absl::StrCat("at most ", kMaxAttendees, " names"));
  }
  for (int i = 0; i < c.attendees_size(); ++i) {
    RETURN_IF_ERROR(ValidateText(absl::StrCat("attendees[", i, "]"), c.attendees(i), kMaxNameLength,
                                 /*required=*/true));
  }
  RETURN_IF_ERROR(ValidateText("outcome", c.outcome(), kMaxNotesLength, /*required=*/false));
  RETURN_IF_ERROR(MustBeOpen(channel, c.channel_id()));
  v1::ChannelEvent event;
  v1::EnablementRecorded& recorded = *event.mutable_enablement_recorded();
  v1::EnablementRecord& record = *recorded.mutable_record();
  record.set_record_id(absl::StrCat("enablement-", channel.enablement_size() + 1));
  record.set_kind(c.kind());
  *record.mutable_date() = c.date();
  record.set_topic(c.topic());
  *record.mutable_attendees() = c.attendees();
  record.set_outcome(c.outcome());
  *recorded.mutable_at() = ToTimestamp(ctx.now);
  return One(std::move(event));
}

v1::Channel Evolve(v1::Channel channel, const v1::ChannelEvent& event) {
  switch (event.event_case()) {
    case v1::ChannelEvent::kChannelRegistered: {
      const v1::ChannelRegistered& e = event.channel_registered();
      channel.set_channel_id(e.channel_id());
      channel.set_name(e.name());
      channel.set_type(e.type());
      if (e.has_partner()) *channel.mutable_partner() = e.partner();
      channel.set_status(v1::CHANNEL_STATUS_ONBOARDING);
      channel.set_price_band_bp(e.price_band_bp());
      channel.set_price_band_policy(e.price_band_policy());
      break;
    }
    case v1::ChannelEvent::kChannelStatusChanged:
      channel.set_status(event.channel_status_changed().to());
      channel.set_status_reason(event.channel_status_changed().reason());
      break;
    case v1::ChannelEvent::kPriceBandChanged:
      channel.set_price_band_bp(event.price_band_changed().price_band_bp());
      channel.set_price_band_policy(event.price_band_changed().price_band_policy());
      break;
    case v1::ChannelEvent::kAgreementAmended:
      *channel.add_agreements() = event.agreement_amended().agreement();
      break;
    case v1::ChannelEvent::kChannelPriceSet: {
      // Kept sorted by (sku, effective_from), one entry per pair (channel_rules.h).
      const v1::PriceListEntry& entry = event.channel_price_set().entry();
      const auto key = [](const v1::PriceListEntry& e) {
        const absl::CivilDay day = ToCivilDay(e.effective_from());
        return std::make_tuple(absl::string_view(e.sku()), day);
      };
      auto& list = *channel.mutable_price_list();
      auto it = std::lower_bound(list.begin(), list.end(), entry,
                                 [&](const v1::PriceListEntry& a, const v1::PriceListEntry& b) {
                                   return key(a) < key(b);
                                 });
      if (it != list.end() && key(*it) == key(entry)) {
        *it = entry;
      } else {
        const int index = static_cast<int>(it - list.begin());
        *list.Add() = entry;
        for (int i = list.size() - 1; i > index; --i) list.SwapElements(i, i - 1);
      }
      break;
    }
    case v1::ChannelEvent::kEnablementRecorded:
      *channel.add_enablement() = event.enablement_recorded().record();
      break;
    case v1::ChannelEvent::kPriceBandViolationFlagged:  // the entry it follows says `flagged`
    case v1::ChannelEvent::EVENT_NOT_SET:
      break;
  }
  return channel;
}

}  // namespace sales::channels
