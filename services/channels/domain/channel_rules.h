// The rules of a channel's state (v1::Channel) that do not depend on a command: its lifecycle,
// which agreement version and which price apply on a day, and the catalogue's list price on a
// day. Commands (Decide) and the order check (eligibility.h) are built on them, and so is the
// orders context on its replica: one definition of "the terms on that day".
//
//   RETURN_IF_ERROR(CheckStatusChange(channel, v1::CHANNEL_STATUS_SUSPENDED));
//   const v1::AgreementVersion* terms = AgreementOn(channel, absl::CivilDay(2026, 3, 1));
//
// Errors: FAILED_PRECONDITION "rule illegal_status_change: …" and "rule channel_terminated: …".
// Pure functions; thread-safe.
#ifndef SALES_SERVICES_CHANNELS_DOMAIN_CHANNEL_RULES_H_
#define SALES_SERVICES_CHANNELS_DOMAIN_CHANNEL_RULES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "sales/channels/v1/model.pb.h"

namespace sales::channels {

// Indirect channel types (distributor, agent, retailer) must name their partner; direct ones
// (website, own store, field sales) have none; the platforms (e-commerce, social, live
// streaming) may name the operator behind them.
bool IsIndirect(v1::ChannelType type);
bool IsDirect(v1::ChannelType type);

// onboarding → active; active → suspended; suspended → active; any but terminated → terminated.
// Terminated is final ("rule channel_terminated"); anything else is "rule illegal_status_change".
absl::Status CheckStatusChange(const v1::Channel& channel, v1::ChannelStatus to);

// The agreement version in force on `day`: the one with the latest effective_from ≤ day; null
// when none is (no agreement yet, or all start later). Whether `day` lies within its term is
// the caller's question (WithinTerm).
const v1::AgreementVersion* AgreementOn(const v1::Channel& channel, absl::CivilDay day);
bool WithinTerm(const v1::AgreementTerms& terms, absl::CivilDay day);
// Whether the terms cover a region, and a SKU of a product line.
bool CoversRegion(const v1::AgreementTerms& terms, absl::string_view region_id);
bool CoversProduct(const v1::AgreementTerms& terms, const v1::Product& product);

// The channel's price list entry for `sku` in force on `day`; null when none. Relies on the
// price list's order, (sku, effective_from) ascending with one entry per pair (Evolve keeps it).
const v1::PriceListEntry* ChannelPriceOn(const v1::Channel& channel, absl::string_view sku,
                                         absl::CivilDay day);

// The product's list price in force on `day`; null when none is yet.
const v1::ListPrice* ListPriceOn(const v1::Product& product, absl::CivilDay day);

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_DOMAIN_CHANNEL_RULES_H_
