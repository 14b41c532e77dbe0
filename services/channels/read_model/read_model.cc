#include "services/channels/read_model/read_model.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/eventsourcing/event_codec.h"
#include "common/projection/paged_scan.h"
#include "common/projection/row_codec.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/time/civil_date.h"
#include "common/time/proto_time.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/aggregates.h"
#include "services/channels/domain/channel_rules.h"
#include "services/channels/domain/claims.h"
#include "services/channels/domain/consistency.h"

namespace sales::channels {
namespace {

constexpr char kProducts[] = "s/";
constexpr char kChannels[] = "c/";
constexpr char kPrices[] = "p/";
constexpr char kChannelPrices[] = "q/";
constexpr char kPriceCounts[] = "cn/";
constexpr char kFlagged[] = "f/";
constexpr char kConflicts[] = "k/";
constexpr char kConflictIds[] = "kn/";
constexpr char kOpenByAge[] = "xo/";
constexpr char kResolvedByAge[] = "xr/";

template <typename Row>
absl::StatusOr<Row> Decode(absl::string_view key, absl::string_view bytes) {
  return projection::DecodeRow<Row>(key, bytes, ChannelsReadModelProjection::kName);
}
template <typename Row>
absl::StatusOr<Row> Load(projection::ProjectionTxn& txn, absl::string_view key) {
  return projection::LoadRow<Row>(txn, key, ChannelsReadModelProjection::kName);
}
template <typename Row>
absl::StatusOr<std::optional<Row>> Read(projection::ProjectionStore& store, absl::string_view key) {
  return projection::ReadRow<Row>(store, key, ChannelsReadModelProjection::kName);
}

std::string Nanos(absl::Time time) {
  return absl::StrFormat("%020d", absl::ToInt64Nanoseconds(time - absl::UnixEpoch()));
}

std::string AgeIndexKey(absl::string_view family, const v1::Conflict& conflict,
                        absl::string_view stream) {
  return absl::StrCat(family, Nanos(FromTimestamp(conflict.raised_at())), "/", stream, "/",
                      conflict.conflict_id());
}

google::protobuf::Duration ToDurationProto(absl::Duration duration) {
  google::protobuf::Duration proto;
  const int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &duration);
  proto.set_seconds(seconds);
  proto.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(duration)));
  return proto;
}

absl::Status ApplyProduct(absl::string_view sku, const projection::EventEnvelope& envelope,
                          projection::ProjectionTxn& txn) {
  v1::ProductEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(ChannelsReadModelProjection::kName,
                                                      envelope.payload(), event));
  const std::string key = absl::StrCat(kProducts, sku);
  ASSIGN_OR_RETURN(v1::Product product, Load<v1::Product>(txn, key));
  product = Evolve(std::move(product), event);
  if (!product.sku().empty()) txn.Put(key, product.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ApplyChannel(absl::string_view channel_id, const projection::EventEnvelope& envelope,
                          projection::ProjectionTxn& txn) {
  v1::ChannelEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(ChannelsReadModelProjection::kName,
                                                      envelope.payload(), event));
  const std::string key = absl::StrCat(kChannels, channel_id);
  ASSIGN_OR_RETURN(v1::ChannelListItem item, Load<v1::ChannelListItem>(txn, key));
  *item.mutable_channel() = Evolve(std::move(*item.mutable_channel()), event);
  if (item.channel().channel_id().empty()) return absl::OkStatus();  // folds into nothing
  item.set_stream_version(envelope.stream_version());
  if (event.event_case() == v1::ChannelEvent::kEnablementRecorded) {
    item.set_enablement_records(item.enablement_records() + 1);
  }
  // Counted here; GetChannel has them whole.
  item.mutable_channel()->clear_enablement();
  txn.Put(key, item.SerializeAsString());
  return absl::OkStatus();
}

// The ids of the conflicts raised on a claim stream, '\n'-separated (ids contain none).
absl::StatusOr<std::string> ConflictIds(projection::ProjectionTxn& txn, absl::string_view stream) {
  ASSIGN_OR_RETURN(std::optional<std::string> ids, txn.Get(absl::StrCat(kConflictIds, stream)));
  return ids.value_or("");
}

// A price stream "prices-<channel>@<sku>": the SKU's entries under p/<sku>/<channel> (the
// consistency report) and q/<channel>/<sku> (the channel's price list), counted in cn/<channel>.
absl::Status ApplyPrices(absl::string_view stream, const projection::EventEnvelope& envelope,
                         projection::ProjectionTxn& txn) {
  v1::ChannelEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(ChannelsReadModelProjection::kName,
                                                      envelope.payload(), event));
  const absl::string_view rest = stream.substr(kPriceStreamPrefix.size());
  const size_t at = rest.find('@');
  if (at == absl::string_view::npos) return absl::OkStatus();  // not a price stream of ours
  const std::string channel_id(rest.substr(0, at));
  const std::string sku(rest.substr(at + 1));
  const std::string counts_key = absl::StrCat(kPriceCounts, channel_id);
  ASSIGN_OR_RETURN(v1::ChannelListItem counts, Load<v1::ChannelListItem>(txn, counts_key));
  if (event.has_channel_price_set()) {
    const std::string price_key = absl::StrCat(kPrices, sku, "/", channel_id);
    ASSIGN_OR_RETURN(v1::Channel prices, Load<v1::Channel>(txn, price_key));
    const int before = prices.price_list_size();
    prices.set_channel_id(channel_id);
    prices = Evolve(std::move(prices), event);
    counts.set_price_list_entries(counts.price_list_entries() + prices.price_list_size() - before);
    const std::string bytes = prices.SerializeAsString();
    txn.Put(price_key, bytes);
    txn.Put(absl::StrCat(kChannelPrices, channel_id, "/", sku), bytes);
  } else if (event.has_price_band_violation_flagged()) {
    v1::FlaggedPrice flagged;
    flagged.set_channel_id(channel_id);
    *flagged.mutable_flag() = event.price_band_violation_flagged();
    txn.Put(absl::StrFormat("%s%s/%s/%010d", kFlagged, channel_id, sku,
                            flagged.flag().price_list_version()),
            flagged.SerializeAsString());
    counts.set_flagged_prices(counts.flagged_prices() + 1);
  } else {
    return absl::OkStatus();
  }
  txn.Put(counts_key, counts.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ApplyClaims(absl::string_view stream, const projection::EventEnvelope& envelope,
                         projection::ProjectionTxn& txn) {
  v1::ClaimEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(ChannelsReadModelProjection::kName,
                                                      envelope.payload(), event));
  if (event.has_channel_conflict_raised()) {
    const v1::ChannelConflictRaised& raised = event.channel_conflict_raised();
    v1::ConflictView view;
    *view.mutable_subject() = raised.subject();
    *view.mutable_conflict() = raised.conflict();
    *view.mutable_claims() = raised.claims();
    view.set_deal_id(raised.deal_id());
    txn.Put(absl::StrCat(kConflicts, stream, "/", raised.conflict().conflict_id()),
            view.SerializeAsString());
    txn.Put(AgeIndexKey(kOpenByAge, raised.conflict(), stream), "");
    ASSIGN_OR_RETURN(std::string ids, ConflictIds(txn, stream));
    txn.Put(absl::StrCat(kConflictIds, stream),
            absl::StrCat(ids, ids.empty() ? "" : "\n", raised.conflict().conflict_id()));
  } else if (event.has_channel_conflict_resolved()) {
    const v1::ChannelConflictResolved& resolved = event.channel_conflict_resolved();
    const std::string key = absl::StrCat(kConflicts, stream, "/", resolved.conflict_id());
    ASSIGN_OR_RETURN(v1::ConflictView view, Load<v1::ConflictView>(txn, key));
    if (view.conflict().conflict_id().empty()) return absl::OkStatus();  // never raised: nothing
    v1::Conflict& conflict = *view.mutable_conflict();
    txn.Delete(AgeIndexKey(kOpenByAge, conflict, stream));
    conflict.set_status(v1::CONFLICT_STATUS_RESOLVED);
    conflict.set_winner_channel_id(resolved.winner_channel_id());
    conflict.set_reason(resolved.reason());
    *conflict.mutable_resolved_at() = resolved.at();
    txn.Put(key, view.SerializeAsString());
    txn.Put(AgeIndexKey(kResolvedByAge, conflict, stream), "");
  } else if (event.has_claimed_lead_converted()) {
    // The lead's conflicts raised before its conversion name its deal from now on.
    ASSIGN_OR_RETURN(std::string ids, ConflictIds(txn, stream));
    for (absl::string_view id : absl::StrSplit(ids, '\n', absl::SkipEmpty())) {
      const std::string key = absl::StrCat(kConflicts, stream, "/", id);
      ASSIGN_OR_RETURN(v1::ConflictView view, Load<v1::ConflictView>(txn, key));
      view.set_deal_id(event.claimed_lead_converted().deal_id());
      txn.Put(key, view.SerializeAsString());
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ChannelsReadModelProjection::Apply(const projection::EventEnvelope& envelope,
                                                projection::ProjectionTxn& txn) {
  const absl::string_view stream = envelope.stream_id();
  if (absl::StartsWith(stream, kProductStreamPrefix)) {
    return ApplyProduct(stream.substr(kProductStreamPrefix.size()), envelope, txn);
  }
  if (absl::StartsWith(stream, kChannelStreamPrefix)) {
    return ApplyChannel(stream.substr(kChannelStreamPrefix.size()), envelope, txn);
  }
  if (absl::StartsWith(stream, kPriceStreamPrefix)) return ApplyPrices(stream, envelope, txn);
  if (absl::StartsWith(stream, kClaimStreamPrefix)) return ApplyClaims(stream, envelope, txn);
  return absl::OkStatus();
}

absl::StatusOr<v1::ListChannelsResponse> ChannelsReadModel::ListChannels(
    const v1::ListChannelsRequest& request, absl::CivilDay today) const {
  RETURN_IF_ERROR(ValidateOptionalEnum("type", request.type(), v1::ChannelType_IsValid));
  RETURN_IF_ERROR(ValidateOptionalEnum("status", request.status(), v1::ChannelStatus_IsValid));
  RETURN_IF_ERROR(ValidateOptionalId("partner_id", request.partner_id()));
  RETURN_IF_ERROR(ValidateOptionalId("region_id", request.region_id()));
  v1::ListChannelsResponse response;
  ASSIGN_OR_RETURN(
      std::string next,
      projection::ScanPage(
          *store_, kChannels, projection::PageQueryOf(request), request.page_token(),
          {.page_size = request.page_size()},
          [&](absl::string_view key, absl::string_view bytes) -> absl::StatusOr<bool> {
            ASSIGN_OR_RETURN(v1::ChannelListItem item, Decode<v1::ChannelListItem>(key, bytes));
            const v1::Channel& channel = item.channel();
            if (request.type() != v1::CHANNEL_TYPE_UNSPECIFIED && channel.type() != request.type())
              return false;
            if (request.status() != v1::CHANNEL_STATUS_UNSPECIFIED &&
                channel.status() != request.status())
              return false;
            if (!request.partner_id().empty() &&
                channel.partner().partner_id() != request.partner_id())
              return false;
            if (!request.region_id().empty()) {
              const v1::AgreementVersion* terms = AgreementOn(channel, today);
              if (terms == nullptr || !CoversRegion(terms->terms(), request.region_id()))
                return false;
            }
            ASSIGN_OR_RETURN(std::optional<v1::ChannelListItem> counts,
                             Read<v1::ChannelListItem>(
                                 *store_, absl::StrCat(kPriceCounts, channel.channel_id())));
            if (counts.has_value()) {
              item.set_price_list_entries(counts->price_list_entries());
              item.set_flagged_prices(counts->flagged_prices());
            }
            *response.add_channels() = std::move(item);
            return true;
          }));
  response.set_next_page_token(std::move(next));
  return response;
}

absl::StatusOr<v1::ListProductsResponse> ChannelsReadModel::ListProducts(
    const v1::ListProductsRequest& request) const {
  RETURN_IF_ERROR(ValidateOptionalId("product_line_id", request.product_line_id()));
  RETURN_IF_ERROR(
      ValidateOptionalEnum("margin_class", request.margin_class(), v1::MarginClass_IsValid));
  v1::ListProductsResponse response;
  ASSIGN_OR_RETURN(std::string next,
                   projection::ScanPage(
                       *store_, kProducts, projection::PageQueryOf(request), request.page_token(),
                       {.page_size = request.page_size()},
                       [&](absl::string_view key, absl::string_view bytes) -> absl::StatusOr<bool> {
                         ASSIGN_OR_RETURN(v1::Product product, Decode<v1::Product>(key, bytes));
                         if (product.retired() && !request.include_retired()) return false;
                         if (!request.product_line_id().empty() &&
                             product.product_line_id() != request.product_line_id())
                           return false;
                         if (request.margin_class() != v1::MARGIN_CLASS_UNSPECIFIED &&
                             product.margin_class() != request.margin_class())
                           return false;
                         *response.add_products() = std::move(product);
                         return true;
                       }));
  response.set_next_page_token(std::move(next));
  return response;
}

absl::StatusOr<v1::PriceConsistencyReport> ChannelsReadModel::PriceConsistency(
    const v1::GetPriceConsistencyRequest& request, absl::CivilDay today) const {
  RETURN_IF_ERROR(ValidateOptionalId("sku", request.sku()));
  absl::CivilDay day = today;
  if (request.has_date()) {
    RETURN_IF_ERROR(ValidateDate("date", request.date()));
    day = ToCivilDay(request.date());
  }
  if (!request.sku().empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> product,
                     store_->Get(absl::StrCat(kProducts, request.sku())));
    if (!product.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("product ", Quoted(request.sku()), " is not in the catalogue"));
    }
  }
  v1::PriceConsistencyReport report;
  *report.mutable_date() = ToDate(day);
  // A SKU's rows are consecutive under p/<sku>/: gather them, and report the SKU when the next
  // SKU starts (or the scan ends). Channels are read once per query.
  absl::flat_hash_map<std::string, std::optional<v1::ChannelListItem>> channels;
  std::string first_sku;            // the page's first
  std::string sku;                  // the one being gathered
  std::vector<v1::Channel> priced;  // the SKU's channels, with their prices and current band
  auto report_sku = [&]() -> absl::StatusOr<bool> {
    if (sku.empty()) return false;
    ASSIGN_OR_RETURN(std::optional<v1::Product> product,
                     Read<v1::Product>(*store_, absl::StrCat(kProducts, sku)));
    if (!product.has_value()) return false;
    std::vector<const v1::Channel*> pointers;
    pointers.reserve(priced.size());
    for (const v1::Channel& channel : priced) pointers.push_back(&channel);
    v1::SkuPriceConsistency row = channels::PriceConsistency(*product, pointers, day);
    if (request.violations_only() && row.violations() == 0) return false;
    *report.add_skus() = std::move(row);
    return true;
  };
  const std::string prefix =
      request.sku().empty() ? std::string(kPrices) : absl::StrCat(kPrices, request.sku(), "/");
  const std::string query = projection::PageQueryOf(request);
  ASSIGN_OR_RETURN(
      std::string next,
      projection::ScanPage(
          *store_, prefix, query, request.page_token(), {.page_size = request.page_size()},
          [&](absl::string_view key, absl::string_view bytes) -> absl::StatusOr<bool> {
            const absl::string_view rest = key.substr(std::string_view(kPrices).size());
            const size_t slash = rest.find('/');
            const absl::string_view row_sku = rest.substr(0, slash);
            bool took = false;
            if (first_sku.empty()) first_sku = std::string(row_sku);
            if (row_sku != sku) {
              ASSIGN_OR_RETURN(took, report_sku());
              sku = std::string(row_sku);
              priced.clear();
            }
            ASSIGN_OR_RETURN(v1::Channel prices, Decode<v1::Channel>(key, bytes));
            auto [it, inserted] = channels.try_emplace(prices.channel_id());
            if (inserted) {
              ASSIGN_OR_RETURN(it->second, Read<v1::ChannelListItem>(
                                               *store_, absl::StrCat(kChannels, it->first)));
            }
            if (it->second.has_value()) {
              const v1::Channel& channel = it->second->channel();
              prices.set_status(channel.status());
              prices.set_price_band_bp(channel.price_band_bp());
              prices.set_price_band_policy(channel.price_band_policy());
              priced.push_back(std::move(prices));
            }
            return took;
          }));
  const int page_size =
      request.page_size() == 0 ? projection::kDefaultPageSize : request.page_size();
  if (next.empty() && report.skus_size() < page_size) {
    RETURN_IF_ERROR(report_sku().status());  // the last SKU of the prefix
    return report;
  }
  // The page stopped inside `sku`, not yet reported: the next page restarts at its first row.
  if (sku == first_sku && report.skus_size() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("SKU ", sku, " has prices in more channels than one page examines (",
                     projection::kMaxScannedPerPage, "): ask for it alone"));
  }
  report.set_next_page_token(projection::PageTokenAfter(query, absl::StrCat(kPrices, sku, "/")));
  return report;
}

absl::StatusOr<v1::ListConflictsResponse> ChannelsReadModel::ListConflicts(
    const v1::ListConflictsRequest& request, absl::Time now) const {
  RETURN_IF_ERROR(ValidateOptionalEnum("status", request.status(), v1::ConflictStatus_IsValid));
  RETURN_IF_ERROR(ValidateOptionalId("channel_id", request.channel_id()));
  const std::string prefix = request.status() == v1::CONFLICT_STATUS_OPEN       ? kOpenByAge
                             : request.status() == v1::CONFLICT_STATUS_RESOLVED ? kResolvedByAge
                                                                                : "x";
  const std::string query = projection::PageQueryOf(request);
  v1::ListConflictsResponse response;
  ASSIGN_OR_RETURN(
      std::string next,
      projection::ScanPage(
          *store_, prefix, query, request.page_token(), {.page_size = request.page_size()},
          [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
            // xo/<nanos>/<stream>/<conflict> → k/<stream>/<conflict>
            const absl::string_view rest = key.substr(key.find('/', 3) + 1);
            const std::string row_key = absl::StrCat(kConflicts, rest);
            ASSIGN_OR_RETURN(std::optional<v1::ConflictView> view,
                             Read<v1::ConflictView>(*store_, row_key));
            if (!view.has_value()) {
              return absl::DataLossError(absl::StrCat("channels-read-model: ", key,
                                                      " indexes a missing conflict ", row_key));
            }
            if (!request.channel_id().empty() &&
                std::none_of(view->claims().begin(), view->claims().end(),
                             [&](const v1::Claim& claim) {
                               return claim.channel_id() == request.channel_id();
                             })) {
              return false;
            }
            const v1::Conflict& conflict = view->conflict();
            const absl::Time end = conflict.status() == v1::CONFLICT_STATUS_RESOLVED
                                       ? FromTimestamp(conflict.resolved_at())
                                       : now;
            *view->mutable_age() = ToDurationProto(end - FromTimestamp(conflict.raised_at()));
            *response.add_conflicts() = *std::move(view);
            return true;
          }));
  response.set_next_page_token(std::move(next));
  return response;
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::PriceListEntry>> ChannelsReadModel::PriceList(
    absl::string_view channel_id) const {
  google::protobuf::RepeatedPtrField<v1::PriceListEntry> entries;
  absl::Status decoded;
  RETURN_IF_ERROR(store_->Scan(absl::StrCat(kChannelPrices, channel_id, "/"),
                               [&](absl::string_view key, absl::string_view bytes) {
                                 absl::StatusOr<v1::Channel> prices =
                                     Decode<v1::Channel>(key, bytes);
                                 if (!prices.ok()) {
                                   decoded = prices.status();
                                   return false;
                                 }
                                 for (v1::PriceListEntry& entry : *prices->mutable_price_list()) {
                                   *entries.Add() = std::move(entry);
                                 }
                                 return true;
                               }));
  RETURN_IF_ERROR(decoded);
  return entries;
}

absl::StatusOr<v1::ListFlaggedPricesResponse> ChannelsReadModel::ListFlaggedPrices(
    const v1::ListFlaggedPricesRequest& request) const {
  RETURN_IF_ERROR(ValidateOptionalId("channel_id", request.channel_id()));
  const std::string prefix = request.channel_id().empty()
                                 ? std::string(kFlagged)
                                 : absl::StrCat(kFlagged, request.channel_id(), "/");
  const std::string query = projection::PageQueryOf(request);
  v1::ListFlaggedPricesResponse response;
  ASSIGN_OR_RETURN(
      std::string next,
      projection::ScanPage(
          *store_, prefix, query, request.page_token(), {.page_size = request.page_size()},
          [&](absl::string_view key, absl::string_view bytes) -> absl::StatusOr<bool> {
            ASSIGN_OR_RETURN(*response.add_prices(), Decode<v1::FlaggedPrice>(key, bytes));
            return true;
          }));
  response.set_next_page_token(std::move(next));
  return response;
}

absl::StatusOr<std::optional<v1::Product>> ChannelsReadModel::FindProduct(
    absl::string_view sku) const {
  return Read<v1::Product>(*store_, absl::StrCat(kProducts, sku));
}

absl::StatusOr<std::optional<v1::Channel>> ChannelsReadModel::OrderCheckView(
    absl::string_view channel_id, const std::vector<std::string>& skus) const {
  ASSIGN_OR_RETURN(std::optional<v1::ChannelListItem> item,
                   Read<v1::ChannelListItem>(*store_, absl::StrCat(kChannels, channel_id)));
  if (!item.has_value()) return std::nullopt;
  std::vector<v1::Channel> prices;
  prices.reserve(skus.size());
  for (const std::string& sku : skus) {
    ASSIGN_OR_RETURN(std::optional<v1::Channel> entries,
                     Read<v1::Channel>(*store_, absl::StrCat(kPrices, sku, "/", channel_id)));
    if (entries.has_value()) prices.push_back(*std::move(entries));
  }
  std::vector<const v1::Channel*> views;
  views.reserve(prices.size());
  for (const v1::Channel& entries : prices) views.push_back(&entries);
  return PriceDecisionView(item->channel(), views);
}

}  // namespace sales::channels
