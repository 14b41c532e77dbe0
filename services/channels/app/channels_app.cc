#include "services/channels/app/channels_app.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/eventsourcing/aggregate_loader.h"
#include "common/eventsourcing/command_executor.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "common/validation/field_validation.h"
#include "services/channels/domain/aggregates.h"
#include "services/channels/domain/claims.h"
#include "services/channels/domain/eligibility.h"

namespace sales::channels {
namespace {

constexpr absl::Duration kOrgCatchUpTimeout = absl::Seconds(1);
// Fixed cache sizes without a memory budget.
constexpr size_t kCacheBytes = size_t{32} << 20;

v1::Product EvolveProduct(v1::Product product, const v1::ProductEvent& event) {
  return Evolve(std::move(product), event);
}
v1::Channel EvolveChannel(v1::Channel channel, const v1::ChannelEvent& event) {
  return Evolve(std::move(channel), event);
}
v1::ClaimLedger EvolveLedger(v1::ClaimLedger ledger, const v1::ClaimEvent& event) {
  return Evolve(std::move(ledger), event);
}
std::string NoDeal(const google::protobuf::Message&) { return ""; }
// A claim ledger's events are about the deal of its lead once converted, else the deal of its
// latest claim that names one.
std::string LedgerDeal(const v1::ClaimLedger& ledger) {
  if (!ledger.deal_id().empty()) return ledger.deal_id();
  for (auto it = ledger.claims().rbegin(); it != ledger.claims().rend(); ++it) {
    if (!it->deal_id().empty()) return it->deal_id();
  }
  return "";
}

// Aggregates loaded for one command's or query's lookups, kept alive until it returns.
template <typename State, typename Wrapper>
class Loaded {
 public:
  Loaded(eventstore::EventStore& store, eventsourcing::AggregateCache<State>& cache,
         State (*evolve)(State, const Wrapper&), std::string (*stream_of)(absl::string_view),
         bool (*exists)(const State&))
      : store_(store), cache_(cache), evolve_(evolve), stream_of_(stream_of), exists_(exists) {}

  // Loads the aggregates of `ids` for the Finds that follow, in one batched store read
  // (eventsourcing::LoadAggregates): an order's cold products cost one read, not one each.
  void Prefetch(const std::vector<std::string>& ids) {
    std::vector<std::string> wanted;
    std::vector<std::string> streams;
    for (const std::string& id : ids) {
      if (!ValidateId("id", id).ok() || prefetched_.contains(id)) continue;
      wanted.push_back(id);
      streams.push_back(stream_of_(id));
    }
    auto loaded =
        eventsourcing::LoadAggregates<Wrapper>(store_, streams, State(), evolve_, &cache_);
    if (!loaded.ok()) {
      status_.Update(loaded.status());
      return;
    }
    for (size_t i = 0; i < wanted.size(); ++i) {
      prefetched_.try_emplace(wanted[i], std::move((*loaded)[i].state));
    }
  }

  // The aggregate with `id`, or null when it does not exist or cannot be read (a read error is
  // kept: status()).
  const State* Find(absl::string_view id) {
    if (auto found = prefetched_.find(id); found != prefetched_.end()) {
      return exists_(*found->second) ? found->second.get() : nullptr;
    }
    if (!ValidateId("id", id).ok()) return nullptr;
    auto loaded = eventsourcing::LoadAggregate<Wrapper>(store_, stream_of_(id), State(), evolve_,
                                                        {}, &cache_);
    if (!loaded.ok()) {
      status_.Update(loaded.status());
      return nullptr;
    }
    kept_.push_back(std::move(loaded->state));
    return exists_(*kept_.back()) ? kept_.back().get() : nullptr;
  }
  const absl::Status& status() const { return status_; }

 private:
  eventstore::EventStore& store_;
  eventsourcing::AggregateCache<State>& cache_;
  State (*evolve_)(State, const Wrapper&);
  std::string (*stream_of_)(absl::string_view);
  bool (*exists_)(const State&);
  std::vector<std::shared_ptr<const State>> kept_;
  absl::flat_hash_map<std::string, std::shared_ptr<const State>> prefetched_;
  absl::Status status_;
};

v1::ChannelsCommandResponse VersionResponse(uint64_t version) {
  v1::ChannelsCommandResponse response;
  response.set_stream_version(version);
  return response;
}

absl::Status ChannelNotFound(absl::string_view channel_id) {
  return absl::NotFoundError(absl::StrCat("channel ", Quoted(channel_id), " does not exist"));
}

bool ProductExists(const v1::Product& product) { return !product.sku().empty(); }
bool ChannelExists(const v1::Channel& channel) { return !channel.channel_id().empty(); }

}  // namespace

absl::StatusOr<std::unique_ptr<ChannelsApp>> ChannelsApp::Create(ChannelsAppOptions options) {
  if (options.store == nullptr) return absl::InvalidArgumentError("ChannelsApp: store is required");
  if (options.org == nullptr) return absl::InvalidArgumentError("ChannelsApp: org is required");
  if (options.read_model_path.empty()) {
    return absl::InvalidArgumentError("ChannelsApp: read_model_path is required");
  }
  auto app = std::unique_ptr<ChannelsApp>(new ChannelsApp(std::move(options)));
  ASSIGN_OR_RETURN(app->read_model_,
                   projection::OwnReadModel::Start(&app->projection_,
                                                   {.store = app->options_.store,
                                                    .topic = app->options_.topic,
                                                    .path = app->options_.read_model_path,
                                                    .dead_letters = app->options_.dead_letters,
                                                    .metrics = app->options_.metrics,
                                                    .memory = app->options_.memory}));
  app->model_ = std::make_unique<ChannelsReadModel>(&app->read_model_->store());
  return app;
}

ChannelsApp::~ChannelsApp() = default;

ChannelsApp::ChannelsApp(ChannelsAppOptions options)
    : options_(std::move(options)),
      products_(memory::JoinCachesOrFixed(options_.memory, "channels/products", 1, kCacheBytes)),
      channels_(memory::JoinCachesOrFixed(options_.memory, "channels/channels", 1, kCacheBytes)),
      prices_(memory::JoinCachesOrFixed(options_.memory, "channels/prices", 2, kCacheBytes)),
      claims_(memory::JoinCachesOrFixed(options_.memory, "channels/claims", 1, kCacheBytes)) {}

template <typename Wrapper, typename State, typename Request, typename DealIdOf, typename DecideFn>
absl::StatusOr<eventsourcing::CommandOutcome<State>> ChannelsApp::Execute(
    absl::string_view name, const std::string& stream_id, const Request& request,
    const CallOrigin& origin, State (*evolve)(State, const Wrapper&), DealIdOf deal_id_of,
    eventsourcing::AggregateCache<State>& cache, const absl::Status& lookups, DecideFn decide) {
  auto outcome = org::DecideWithOrgCatchUp(*options_.org, kOrgCatchUpTimeout, [&] {
    const org::OrgView::Snapshot org = options_.org->Current();
    const absl::Time now = origin.caused_at.value_or(options_.clock());
    absl::MutexLock lock(&locks_.For(stream_id));
    eventsourcing::CommandOptions options = eventsourcing::OptionsFor(
        stream_id, request.meta(), origin, eventsourcing::RequestFingerprint(request));
    // CheckOrderEligibility reads an order's price streams cold, many at a time: one block each.
    options.keep_in_index = absl::StartsWith(stream_id, kPriceStreamPrefix);
    return eventsourcing::ExecuteCommand<Wrapper>(
        *options_.store, options, State(), evolve,
        [&](const State& state) { return decide(state, now, *org.organisation); }, deal_id_of,
        &cache, eventsourcing::OccurredAtOfEvent(now));
  });
  // An aggregate that could not be read is not "not found": say what failed.
  if (!lookups.ok() && !outcome.ok()) outcome = lookups;
  counter_.Count(name, outcome.status());
  if (outcome.ok() && outcome->appended > 0) read_model_->Wake();
  return outcome;
}

template <typename Request>
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::ProductCommand(absl::string_view name,
                                                                        const Request& request,
                                                                        const CallOrigin& origin) {
  RETURN_IF_ERROR(ValidateId("sku", request.sku()));
  ASSIGN_OR_RETURN(auto outcome, Execute(name, ProductStreamId(request.sku()), request, origin,
                                         &EvolveProduct, &NoDeal, products_, absl::OkStatus(),
                                         [&](const v1::Product& product, absl::Time now,
                                             const org::v1::SalesOrganisation& org) {
                                           return Decide(product, request,
                                                         ChannelsContext{.now = now, .org = org});
                                         }));
  return VersionResponse(outcome.version);
}

template <typename Request>
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::ChannelCommand(absl::string_view name,
                                                                        const Request& request,
                                                                        const CallOrigin& origin) {
  RETURN_IF_ERROR(ValidateId("channel_id", request.channel_id()));
  Loaded<v1::Product, v1::ProductEvent> products(*options_.store, products_, &EvolveProduct,
                                                 &ProductStreamId, &ProductExists);
  ASSIGN_OR_RETURN(
      auto outcome,
      Execute(
          name, ChannelStreamId(request.channel_id()), request, origin, &EvolveChannel, &NoDeal,
          channels_, products.status(),
          [&](const v1::Channel& channel, absl::Time now, const org::v1::SalesOrganisation& org) {
            return Decide(
                channel, request,
                ChannelsContext{.now = now, .org = org, .products = [&](absl::string_view sku) {
                                  return products.Find(sku);
                                }});
          }));
  return VersionResponse(outcome.version);
}

template <typename Request>
absl::StatusOr<eventsourcing::CommandOutcome<v1::ClaimLedger>> ChannelsApp::ClaimCommand(
    absl::string_view name, const Request& request, const CallOrigin& origin) {
  RETURN_IF_ERROR(ValidateSubject("subject", request.subject()));
  Loaded<v1::Channel, v1::ChannelEvent> channels(*options_.store, channels_, &EvolveChannel,
                                                 &ChannelStreamId, &ChannelExists);
  return Execute(
      name, ClaimStreamId(request.subject()), request, origin, &EvolveLedger, &LedgerDeal, claims_,
      channels.status(),
      [&](const v1::ClaimLedger& ledger, absl::Time now, const org::v1::SalesOrganisation& org) {
        return Decide(ledger, request,
                      ClaimContext{.now = now, .org = org, .channels = [&](absl::string_view id) {
                                     return channels.Find(id);
                                   }});
      });
}

absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::AddProduct(const v1::AddProductRequest& r,
                                                                    const CallOrigin& o) {
  return ProductCommand("AddProduct", r, o);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::ChangeListPrice(
    const v1::ChangeListPriceRequest& r, const CallOrigin& o) {
  return ProductCommand("ChangeListPrice", r, o);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::RetireProduct(
    const v1::RetireProductRequest& r, const CallOrigin& o) {
  return ProductCommand("RetireProduct", r, o);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::RegisterChannel(
    const v1::RegisterChannelRequest& r, const CallOrigin& o) {
  return ChannelCommand("RegisterChannel", r, o);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::ChangeChannelStatus(
    const v1::ChangeChannelStatusRequest& r, const CallOrigin& o) {
  return ChannelCommand("ChangeChannelStatus", r, o);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::SetPriceBand(
    const v1::SetPriceBandRequest& r, const CallOrigin& o) {
  return ChannelCommand("SetPriceBand", r, o);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::AmendAgreement(
    const v1::AmendAgreementRequest& r, const CallOrigin& o) {
  return ChannelCommand("AmendAgreement", r, o);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::SetChannelPrice(
    const v1::SetChannelPriceRequest& r, const CallOrigin& o) {
  // Decided on the channel with this SKU's entries, appended to the SKU's price stream.
  RETURN_IF_ERROR(ValidateId("channel_id", r.channel_id()));
  RETURN_IF_ERROR(ValidateId("sku", r.sku()));
  Loaded<v1::Product, v1::ProductEvent> products(*options_.store, products_, &EvolveProduct,
                                                 &ProductStreamId, &ProductExists);
  Loaded<v1::Channel, v1::ChannelEvent> channels(*options_.store, channels_, &EvolveChannel,
                                                 &ChannelStreamId, &ChannelExists);
  absl::Status lookups;
  ASSIGN_OR_RETURN(
      auto outcome,
      Execute(
          "SetChannelPrice", PriceStreamId(r.channel_id(), r.sku()), r, o, &EvolveChannel, &NoDeal,
          prices_, lookups,
          [&](const v1::Channel& prices, absl::Time now, const org::v1::SalesOrganisation& org) {
            const v1::Channel* channel = channels.Find(r.channel_id());
            lookups.Update(channels.status());
            const v1::Channel view =
                PriceDecisionView(channel != nullptr ? *channel : v1::Channel(), {&prices});
            auto events = Decide(
                view, r,
                ChannelsContext{.now = now, .org = org, .products = [&](absl::string_view sku) {
                                  return products.Find(sku);
                                }});
            lookups.Update(products.status());
            return events;
          }));
  return VersionResponse(outcome.version);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::RecordEnablement(
    const v1::RecordEnablementRequest& r, const CallOrigin& o) {
  return ChannelCommand("RecordEnablement", r, o);
}

absl::StatusOr<v1::ClaimResponse> ChannelsApp::Claim(const v1::ClaimRequest& r,
                                                     const CallOrigin& o) {
  ASSIGN_OR_RETURN(auto outcome, ClaimCommand("Claim", r, o));
  v1::ClaimResponse response;
  response.set_stream_version(outcome.version);
  const v1::ClaimLedger& ledger = *outcome.state;
  // The channel's latest claim (a deduplicated retry answers the same one).
  for (auto it = ledger.claims().rbegin(); it != ledger.claims().rend(); ++it) {
    if (it->channel_id() != r.channel_id()) continue;
    response.set_claim_id(it->claim_id());
    break;
  }
  for (const v1::Conflict& conflict : ledger.conflicts()) {
    if (conflict.claim_ids_size() == 2 && conflict.claim_ids(1) == response.claim_id()) {
      response.add_conflict_ids(conflict.conflict_id());
    }
  }
  return response;
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::ResolveConflict(
    const v1::ResolveConflictRequest& r, const CallOrigin& o) {
  ASSIGN_OR_RETURN(auto outcome, ClaimCommand("ResolveConflict", r, o));
  return VersionResponse(outcome.version);
}
absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::WithdrawClaim(
    const v1::WithdrawClaimRequest& r, const CallOrigin& o) {
  ASSIGN_OR_RETURN(auto outcome, ClaimCommand("WithdrawClaim", r, o));
  return VersionResponse(outcome.version);
}

absl::StatusOr<v1::ChannelsCommandResponse> ChannelsApp::RecordLeadConversion(
    const v1::RecordLeadConversionRequest& r, const CallOrigin& o) {
  RETURN_IF_ERROR(ValidateId("lead_id", r.lead_id()));
  v1::ClaimSubject subject;
  subject.set_kind(v1::CLAIM_SUBJECT_KIND_LEAD);
  subject.set_id(r.lead_id());
  const absl::Status no_lookups;
  ASSIGN_OR_RETURN(
      auto outcome,
      Execute("RecordLeadConversion", ClaimStreamId(subject), r, o, &EvolveLedger, &LedgerDeal,
              claims_, no_lookups,
              [&](const v1::ClaimLedger& ledger, absl::Time now,
                  const org::v1::SalesOrganisation& org) {
                return Decide(
                    ledger, r,
                    ClaimContext{.now = now, .org = org, .channels = [](absl::string_view) {
                                   return static_cast<const v1::Channel*>(nullptr);
                                 }});
              }));
  return VersionResponse(outcome.version);
}

absl::StatusOr<v1::Product> ChannelsApp::GetProduct(const v1::GetProductRequest& request) {
  const std::string& sku = request.sku();
  RETURN_IF_ERROR(ValidateId("sku", sku));
  Loaded<v1::Product, v1::ProductEvent> products(*options_.store, products_, &EvolveProduct,
                                                 &ProductStreamId, &ProductExists);
  const v1::Product* product = products.Find(sku);
  RETURN_IF_ERROR(products.status());
  if (product == nullptr) {
    return absl::NotFoundError(absl::StrCat("product ", Quoted(sku), " is not in the catalogue"));
  }
  return *product;
}

absl::StatusOr<v1::Channel> ChannelsApp::GetChannel(const v1::GetChannelRequest& request) {
  const std::string& channel_id = request.channel_id();
  RETURN_IF_ERROR(ValidateId("channel_id", channel_id));
  Loaded<v1::Channel, v1::ChannelEvent> channels(*options_.store, channels_, &EvolveChannel,
                                                 &ChannelStreamId, &ChannelExists);
  const v1::Channel* channel = channels.Find(channel_id);
  RETURN_IF_ERROR(channels.status());
  if (channel == nullptr) {
    return ChannelNotFound(channel_id);
  }
  v1::Channel result = *channel;
  ASSIGN_OR_RETURN(*result.mutable_price_list(), model_->PriceList(channel_id));
  return result;
}

absl::StatusOr<v1::ClaimLedger> ChannelsApp::GetClaims(const v1::GetClaimsRequest& request) {
  const v1::ClaimSubject& subject = request.subject();
  RETURN_IF_ERROR(ValidateSubject("subject", subject));
  ASSIGN_OR_RETURN(auto ledger, eventsourcing::LoadAggregate<v1::ClaimEvent>(
                                    *options_.store, ClaimStreamId(subject), v1::ClaimLedger(),
                                    &EvolveLedger, {}, &claims_));
  v1::ClaimLedger result = *ledger.state;
  *result.mutable_subject() = subject;
  return result;
}

absl::StatusOr<v1::EligibilityVerdict> ChannelsApp::CheckOrderEligibility(
    const v1::OrderCheck& order) {
  RETURN_IF_ERROR(ValidateOrderCheck(order));
  Loaded<v1::Channel, v1::ChannelEvent> channels(*options_.store, channels_, &EvolveChannel,
                                                 &ChannelStreamId, &ChannelExists);
  const v1::Channel* channel = channels.Find(order.channel_id());
  RETURN_IF_ERROR(channels.status());
  if (channel == nullptr) return ChannelNotFound(order.channel_id());
  // The lines' SKUs' price streams (cached; the others read from the store in one batch),
  // merged into the channel the check reads.
  std::vector<std::string> price_streams;
  std::vector<std::string> skus;
  absl::flat_hash_set<std::string> seen;
  for (const v1::OrderCheckLine& line : order.lines()) {
    if (seen.insert(line.sku()).second) {
      skus.push_back(line.sku());
      price_streams.push_back(PriceStreamId(order.channel_id(), line.sku()));
    }
  }
  ASSIGN_OR_RETURN(auto loaded,
                   eventsourcing::LoadAggregates<v1::ChannelEvent>(
                       *options_.store, price_streams, v1::Channel(), &EvolveChannel, &prices_));
  std::vector<const v1::Channel*> prices;
  prices.reserve(loaded.size());
  for (const auto& price_stream : loaded) prices.push_back(price_stream.state.get());
  const v1::Channel view = PriceDecisionView(*channel, prices);
  Loaded<v1::Product, v1::ProductEvent> products(*options_.store, products_, &EvolveProduct,
                                                 &ProductStreamId, &ProductExists);
  products.Prefetch(skus);
  v1::EligibilityVerdict verdict = channels::CheckOrderEligibility(
      view, [&](absl::string_view sku) { return products.Find(sku); }, order);
  RETURN_IF_ERROR(products.status());
  return verdict;
}

absl::StatusOr<v1::ListChannelsResponse> ChannelsApp::ListChannels(
    const v1::ListChannelsRequest& request) {
  return model_->ListChannels(request, Today());
}

absl::StatusOr<v1::ListProductsResponse> ChannelsApp::ListProducts(
    const v1::ListProductsRequest& request) {
  return model_->ListProducts(request);
}

absl::StatusOr<v1::PriceConsistencyReport> ChannelsApp::GetPriceConsistency(
    const v1::GetPriceConsistencyRequest& request) {
  return model_->PriceConsistency(request, Today());
}

absl::StatusOr<v1::ListConflictsResponse> ChannelsApp::ListConflicts(
    const v1::ListConflictsRequest& request) {
  return model_->ListConflicts(request, options_.clock());
}

absl::StatusOr<v1::ListFlaggedPricesResponse> ChannelsApp::ListFlaggedPrices(
    const v1::ListFlaggedPricesRequest& request) {
  return model_->ListFlaggedPrices(request);
}

absl::Status ChannelsApp::WaitForReadModel(absl::Duration timeout) {
  return read_model_->AwaitFeedHeads(timeout);
}

projection::AdministeredProjection ChannelsApp::read_model() const {
  return read_model_->administered([] { return std::make_unique<ChannelsReadModelProjection>(); });
}

absl::CivilDay ChannelsApp::Today() const {
  return absl::ToCivilDay(options_.clock(), absl::UTCTimeZone());
}

}  // namespace sales::channels
