// ChannelsApp: the channels context's command handling — a table of commands over its three
// kinds of streams (product-<sku>, channel-<id>, claims-<kind>-<id>; eventsourcing::
// ExecuteCommand) — the queries that read one aggregate (read-your-writes): a product, a
// channel (agreement history, price list, enablement), a subject's claims and conflicts, and
// CheckOrderEligibility — and the lists, answered by its read model (read_model/read_model.h, a
// projection of its own store it follows in this process; eventually consistent). No gRPC types
// here.
//
//   ASSIGN_OR_RETURN(auto app, ChannelsApp::Create({.store = store, .org = &org_view,
//                                                  .read_model_path = dir + "/read-model"}));
//   ASSIGN_OR_RETURN(v1::ChannelsCommandResponse set, app->SetChannelPrice(request, origin));
//
// A command that reads another aggregate (a channel's agreement its SKUs, a price its product, a
// claim its channel) loads it from the store at the time of the command; the org comes from the
// org replica (OrgView), caught up once when a region or product line is not found. Metrics:
// sales_channels_commands_total{command,outcome}.
//
// Thread-safety: every method may be called concurrently. Methods block on RocksDB: call them
// from an executor, not from a gRPC reaction thread.
#ifndef SALES_SERVICES_CHANNELS_APP_CHANNELS_APP_H_
#define SALES_SERVICES_CHANNELS_APP_CHANNELS_APP_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/eventsourcing/aggregate_cache.h"
#include "common/eventsourcing/command_executor.h"
#include "common/eventsourcing/command_support.h"
#include "common/eventstore/event_store.h"
#include "common/kafka/dead_letter_publisher.h"
#include "common/memory/memory_budget.h"
#include "common/metrics/metrics_registry.h"
#include "common/projection/admin/projection_admin_service.h"
#include "common/projection/own_read_model.h"
#include "sales/channels/v1/channels.pb.h"
#include "sales/channels/v1/commands.pb.h"
#include "sales/channels/v1/model.pb.h"
#include "services/channels/read_model/read_model.h"
#include "services/org/replica/org_view.h"

namespace sales::channels {

using eventsourcing::CallOrigin;

struct ChannelsAppOptions {
  eventstore::EventStore* store = nullptr;         // the channels event store; must outlive the app
  org::OrgView* org = nullptr;                     // the org replica; must outlive the app
  std::string read_model_path;                     // the read model's RocksDB directory; required
  std::string topic = "sales.channels.v1.events";  // the read model's source name
  kafka::DeadLetterPublisher* dead_letters = nullptr;  // its poison events; null: logged only
  metrics::MetricsRegistry* metrics = nullptr;         // its runner's metrics; null: none
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // The aggregates' caches join it as "channels/products", "channels/channels",
  // "channels/prices" and "channels/claims"; null: fixed sizes. Must outlive the app.
  memory::MemoryBudget* memory = nullptr;
};

class ChannelsApp {
 public:
  // INVALID_ARGUMENT without a store, an org view or a read model path; the read model's
  // errors when it cannot be opened. The read model starts following the store.
  static absl::StatusOr<std::unique_ptr<ChannelsApp>> Create(ChannelsAppOptions options);
  ~ChannelsApp();

  // Catalogue.
  absl::StatusOr<v1::ChannelsCommandResponse> AddProduct(const v1::AddProductRequest&,
                                                         const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> ChangeListPrice(const v1::ChangeListPriceRequest&,
                                                              const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> RetireProduct(const v1::RetireProductRequest&,
                                                            const CallOrigin&);
  // Channels.
  absl::StatusOr<v1::ChannelsCommandResponse> RegisterChannel(const v1::RegisterChannelRequest&,
                                                              const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> ChangeChannelStatus(
      const v1::ChangeChannelStatusRequest&, const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> SetPriceBand(const v1::SetPriceBandRequest&,
                                                           const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> AmendAgreement(const v1::AmendAgreementRequest&,
                                                             const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> SetChannelPrice(const v1::SetChannelPriceRequest&,
                                                              const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> RecordEnablement(const v1::RecordEnablementRequest&,
                                                               const CallOrigin&);
  // Channel conflict.
  absl::StatusOr<v1::ClaimResponse> Claim(const v1::ClaimRequest&, const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> ResolveConflict(const v1::ResolveConflictRequest&,
                                                              const CallOrigin&);
  absl::StatusOr<v1::ChannelsCommandResponse> WithdrawClaim(const v1::WithdrawClaimRequest&,
                                                            const CallOrigin&);
  // The auto-claim process manager's: a claimed lead was converted (claims.h).
  absl::StatusOr<v1::ChannelsCommandResponse> RecordLeadConversion(
      const v1::RecordLeadConversionRequest&, const CallOrigin&);

  // Queries (NOT_FOUND for what does not exist; INVALID_ARGUMENT for a malformed id).
  absl::StatusOr<v1::Product> GetProduct(const v1::GetProductRequest& request);
  absl::StatusOr<v1::Channel> GetChannel(const v1::GetChannelRequest& request);
  // An empty ledger (no claims) for a subject nobody claimed.
  absl::StatusOr<v1::ClaimLedger> GetClaims(const v1::GetClaimsRequest& request);
  // channels/domain/eligibility.h on the channel and the lines' products as stored now.
  absl::StatusOr<v1::EligibilityVerdict> CheckOrderEligibility(const v1::OrderCheck& order);

  // Lists (the read model; "today" and "now" from the app's clock, days in UTC).
  absl::StatusOr<v1::ListChannelsResponse> ListChannels(const v1::ListChannelsRequest& request);
  absl::StatusOr<v1::ListProductsResponse> ListProducts(const v1::ListProductsRequest& request);
  absl::StatusOr<v1::PriceConsistencyReport> GetPriceConsistency(
      const v1::GetPriceConsistencyRequest& request);
  absl::StatusOr<v1::ListConflictsResponse> ListConflicts(const v1::ListConflictsRequest& request);
  absl::StatusOr<v1::ListFlaggedPricesResponse> ListFlaggedPrices(
      const v1::ListFlaggedPricesRequest& request);

  // Waits until the read model has applied everything appended so far (tests, demo seeding).
  absl::Status WaitForReadModel(absl::Duration timeout);
  // The read model, for ProjectionAdmin (status, checked rebuild).
  projection::AdministeredProjection read_model() const;

 private:
  explicit ChannelsApp(ChannelsAppOptions options);
  absl::CivilDay Today() const;  // UTC

  // The command path every entry shares: on `stream_id`, under its lock, decide(state, now, org)
  // through ExecuteCommand, decided again once after an org catch-up (DecideWithOrgCatchUp),
  // counted. `lookups` is the running status of the other aggregates `decide` reads (looked at
  // after it ran, so a reference to it): a read error there
  // replaces a refusal that may only be its consequence.
  template <typename Wrapper, typename State, typename Request, typename DealIdOf,
            typename DecideFn>
  absl::StatusOr<eventsourcing::CommandOutcome<State>> Execute(
      absl::string_view name, const std::string& stream_id, const Request& request,
      const CallOrigin& origin, State (*evolve)(State, const Wrapper&), DealIdOf deal_id_of,
      eventsourcing::AggregateCache<State>& cache, const absl::Status& lookups, DecideFn decide);
  // The table's entries: Decide on one stream, with the context the aggregate's Decide takes.
  template <typename Request>
  absl::StatusOr<v1::ChannelsCommandResponse> ProductCommand(absl::string_view name,
                                                             const Request& request,
                                                             const CallOrigin& origin);
  template <typename Request>
  absl::StatusOr<v1::ChannelsCommandResponse> ChannelCommand(absl::string_view name,
                                                             const Request& request,
                                                             const CallOrigin& origin);
  template <typename Request>
  absl::StatusOr<eventsourcing::CommandOutcome<v1::ClaimLedger>> ClaimCommand(
      absl::string_view name, const Request& request, const CallOrigin& origin);

  const ChannelsAppOptions options_;
  ChannelsReadModelProjection projection_;
  std::unique_ptr<projection::OwnReadModel> read_model_;  // follows this app's store
  std::unique_ptr<ChannelsReadModel> model_;
  eventsourcing::AggregateCache<v1::Product> products_;
  eventsourcing::AggregateCache<v1::Channel> channels_;
  eventsourcing::AggregateCache<v1::Channel> prices_;  // price streams (aggregates.h)
  eventsourcing::AggregateCache<v1::ClaimLedger> claims_;
  eventsourcing::StreamLocks locks_;
  const eventsourcing::CommandCounter counter_{"channels"};
};

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_APP_CHANNELS_APP_H_
