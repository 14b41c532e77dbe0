#include "services/channels/domain/channel_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/time/civil_date.h"

namespace sales::channels {
namespace {

// The entry of `entries` (anything with an effective_from, in any order) in force on `day`: the
// one with the latest effective_from on or before it (the later one of equal dates); null if none.
template <typename Entries>
auto InForceOn(const Entries& entries, absl::CivilDay day) -> decltype(&*entries.begin()) {
  decltype(&*entries.begin()) found = nullptr;
  for (const auto& entry : entries) {
    const absl::CivilDay from = ToCivilDay(entry.effective_from());
    if (from > day) continue;
    if (found == nullptr || from >= ToCivilDay(found->effective_from())) found = &entry;
  }
  return found;
}

}  // namespace

bool IsIndirect(v1::ChannelType type) {
  return type == v1::CHANNEL_TYPE_DISTRIBUTOR || type == v1::CHANNEL_TYPE_AGENT ||
         type == v1::CHANNEL_TYPE_RETAILER;
}

bool IsDirect(v1::ChannelType type) {
  return type == v1::CHANNEL_TYPE_WEBSITE || type == v1::CHANNEL_TYPE_OWN_STORE ||
         type == v1::CHANNEL_TYPE_FIELD_SALES;
}

absl::Status CheckStatusChange(const v1::Channel& channel, v1::ChannelStatus to) {
  const v1::ChannelStatus from = channel.status();
  if (from == v1::CHANNEL_STATUS_TERMINATED) {
    return RuleViolated("channel_terminated", absl::StrCat("channel ", Quoted(channel.channel_id()),
                                                           " is terminated; termination is final"));
  }
  const bool legal = (from == v1::CHANNEL_STATUS_ONBOARDING && to == v1::CHANNEL_STATUS_ACTIVE) ||
                     (from == v1::CHANNEL_STATUS_ACTIVE && to == v1::CHANNEL_STATUS_SUSPENDED) ||
                     (from == v1::CHANNEL_STATUS_SUSPENDED && to == v1::CHANNEL_STATUS_ACTIVE) ||
                     to == v1::CHANNEL_STATUS_TERMINATED;
  if (!legal) {
    return RuleViolated(
        "illegal_status_change",
        absl::StrCat("channel ", Quoted(channel.channel_id()), " cannot go from ",
                     v1::ChannelStatus_Name(from), " to ", v1::ChannelStatus_Name(to)));
  }
  return absl::OkStatus();
}

const v1::AgreementVersion* AgreementOn(const v1::Channel& channel, absl::CivilDay day) {
  return InForceOn(channel.agreements(), day);
}

bool WithinTerm(const v1::AgreementTerms& terms, absl::CivilDay day) {
  return ToCivilDay(terms.term_start()) <= day && day <= ToCivilDay(terms.term_end());
}

bool CoversRegion(const v1::AgreementTerms& terms, absl::string_view region_id) {
  return std::find(terms.region_ids().begin(), terms.region_ids().end(), region_id) !=
         terms.region_ids().end();
}

bool CoversProduct(const v1::AgreementTerms& terms, const v1::Product& product) {
  return std::find(terms.product_line_ids().begin(), terms.product_line_ids().end(),
                   product.product_line_id()) != terms.product_line_ids().end() ||
         std::find(terms.skus().begin(), terms.skus().end(), product.sku()) != terms.skus().end();
}

const v1::PriceListEntry* ChannelPriceOn(const v1::Channel& channel, absl::string_view sku,
                                         absl::CivilDay day) {
  // The list is sorted by (sku, effective_from): a binary search finds the SKU's entries (a
  // channel may price 10,000 SKUs, and an order check looks up each of its lines).
  const auto& entries = channel.price_list();
  auto it = std::lower_bound(entries.begin(), entries.end(), sku,
                             [](const v1::PriceListEntry& entry, absl::string_view wanted) {
                               return entry.sku() < wanted;
                             });
  const v1::PriceListEntry* found = nullptr;
  for (; it != entries.end() && it->sku() == sku; ++it) {
    if (ToCivilDay(it->effective_from()) > day) break;
    found = &*it;
  }
  return found;
}

const v1::ListPrice* ListPriceOn(const v1::Product& product, absl::CivilDay day) {
  return InForceOn(product.list_prices(), day);
}

}  // namespace sales::channels
