// The channels read model (the lists of ChannelService): a Projection of the channels store on
// the common runner, and the queries over its store — channels with filters, the catalogue, the
// omnichannel price consistency report over every channel, conflicts with their age, flagged
// prices.
//
//   ChannelsReadModelProjection projection;
//   ASSIGN_OR_RETURN(auto runner, projection::ProjectionRunner::Create(&projection, {
//       .path = dir + "/read-model", .sources = {channels_source}}));
//   runner->Start();
//   ChannelsReadModel model(&runner->store());
//   ASSIGN_OR_RETURN(v1::ListChannelsResponse page, model.ListChannels(request, today));
//
// Rows fold each stream's events with the domain's Evolve (aggregates.h, claims.h), so what a
// list shows is what the aggregate held at the applied version; like every projection it is
// rebuildable to the same checksum (salesctl projection rebuild channels-read-model).
//
// Layout ('/'-separated; ids cannot contain '/'; numbers fixed-width so keys sort numerically):
//   s/<sku>                        the product (v1::Product)
//   c/<channel>                    the channel without its enablement records, with their count
//                                  (v1::ChannelListItem), from the channel stream
//   p/<sku>/<channel>              the channel's price list entries for the SKU, from its price
//                                  stream (a v1::Channel holding only channel_id and those
//                                  entries: what the domain's PriceConsistency reads, with status
//                                  and band from c/ at query time, so a band change rewrites one
//                                  row)
//   q/<channel>/<sku>              the same, by channel (GetChannel's price list)
//   cn/<channel>                   the channel's price entries and flagged prices, counted (sums:
//                                  independent of how the price streams interleave)
//   f/<channel>/<sku>/<version>    a price accepted outside its band (v1::FlaggedPrice)
//   k/<claim stream>/<conflict>    a conflict (v1::ConflictView without its age); its deal id is
//                                  the lead's deal once converted (ClaimedLeadConverted)
//   kn/<claim stream>              the ids of the stream's conflicts, '\n'-separated
//   xo/<raised nanos>/<claim stream>/<conflict>, xr/…   open / resolved conflicts by age (empty)
// Every row's effect depends only on its own stream, as the projection contract asks.
//
// Queries validate their requests (INVALID_ARGUMENT naming the field) and page with
// projection::ScanPage. Thread-safety: the runner applies; the queries may run concurrently with
// it and each other.
#ifndef SALES_SERVICES_CHANNELS_READ_MODEL_READ_MODEL_H_
#define SALES_SERVICES_CHANNELS_READ_MODEL_READ_MODEL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/projection/projection.h"
#include "common/projection/projection_store.h"
#include "sales/channels/v1/channels.pb.h"

namespace sales::channels {

class ChannelsReadModelProjection final : public projection::Projection {
 public:
  static constexpr char kName[] = "channels-read-model";
  absl::string_view name() const override { return kName; }
  // Product, channel, price and claim streams fold; an undecodable event is INVALID_ARGUMENT, a
  // sales.channels.v1 type their wrappers lack UNIMPLEMENTED; other streams are ignored.
  absl::Status Apply(const projection::EventEnvelope& event,
                     projection::ProjectionTxn& txn) override;
};

class ChannelsReadModel {
 public:
  // `store` is the projection's (ProjectionRunner::store()) and must outlive the model.
  explicit ChannelsReadModel(projection::ProjectionStore* store) : store_(store) {}

  // Channels matching every filter set; the region filter reads the agreement in force `today`.
  absl::StatusOr<v1::ListChannelsResponse> ListChannels(const v1::ListChannelsRequest& request,
                                                        absl::CivilDay today) const;
  absl::StatusOr<v1::ListProductsResponse> ListProducts(
      const v1::ListProductsRequest& request) const;
  // The report on the request's date, or on `today` when it has none.
  absl::StatusOr<v1::PriceConsistencyReport> PriceConsistency(
      const v1::GetPriceConsistencyRequest& request, absl::CivilDay today) const;
  // Ages are measured to `now` for open conflicts.
  absl::StatusOr<v1::ListConflictsResponse> ListConflicts(const v1::ListConflictsRequest& request,
                                                          absl::Time now) const;
  // The channel's price list: every SKU's entries, in (sku, effective_from) order.
  absl::StatusOr<google::protobuf::RepeatedPtrField<v1::PriceListEntry>> PriceList(
      absl::string_view channel_id) const;
  absl::StatusOr<v1::ListFlaggedPricesResponse> ListFlaggedPrices(
      const v1::ListFlaggedPricesRequest& request) const;

  // What an order check reads when this model is another context's replica of the channels topic
  // (orders): a product (nullopt: not in the catalogue), and the channel as
  // CheckOrderEligibility reads it — status, band, policy and agreement versions with the price
  // entries of `skus` (PriceDecisionView) — nullopt when the channel is unknown.
  absl::StatusOr<std::optional<v1::Product>> FindProduct(absl::string_view sku) const;
  absl::StatusOr<std::optional<v1::Channel>> OrderCheckView(
      absl::string_view channel_id, const std::vector<std::string>& skus) const;

 private:
  projection::ProjectionStore* const store_;
};

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_READ_MODEL_READ_MODEL_H_
