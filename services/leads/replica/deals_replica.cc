#include "services/leads/replica/deals_replica.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/eventsourcing/event_codec.h"
#include "common/status/status_macros.h"
#include "sales/leads/v1/events.pb.h"

namespace sales::leads {
namespace {

constexpr char kDeals[] = "d/";
constexpr char kOpen[] = "open";
constexpr char kWon[] = "won";
constexpr char kLost[] = "lost";

std::string DealKey(absl::string_view deal_id) { return absl::StrCat(kDeals, deal_id); }

}  // namespace

absl::Status DealsReplicaProjection::Apply(const projection::EventEnvelope& envelope,
                                           projection::ProjectionTxn& txn) {
  // A deal's events are on its lead's stream; the same event names its deal id.
  const absl::string_view type_url = envelope.payload().type_url();
  const absl::string_view type = type_url.substr(type_url.rfind('/') + 1);
  if (type != v1::ConvertedToOpportunity::descriptor()->full_name() &&
      type != v1::DealWon::descriptor()->full_name() &&
      type != v1::DealLost::descriptor()->full_name()) {
    return absl::OkStatus();
  }
  v1::LeadEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent(kName, envelope.payload(), event));
  switch (event.event_case()) {
    case v1::LeadEvent::kConvertedToOpportunity:
      txn.Put(DealKey(event.converted_to_opportunity().deal_id()), kOpen);
      break;
    case v1::LeadEvent::kDealWon:
      txn.Put(DealKey(event.deal_won().deal_id()), kWon);
      break;
    case v1::LeadEvent::kDealLost:
      txn.Put(DealKey(event.deal_lost().deal_id()), kLost);
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DealsReplica>> DealsReplica::Open(
    const DealsReplicaOptions& options) {
  auto replica = std::unique_ptr<DealsReplica>(new DealsReplica());
  replica->source_ = options.source;
  ASSIGN_OR_RETURN(replica->runner_,
                   projection::CreateReplicaRunner(&replica->projection_, options,
                                                   projection::kBackgroundWakeBatchDelay));
  replica->runner_->Start();
  return replica;
}

DealsReplica::~DealsReplica() {
  if (runner_ != nullptr) runner_->Stop();
}

absl::StatusOr<std::optional<DealStatus>> DealsReplica::Find(absl::string_view deal_id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> row, runner_->store().Get(DealKey(deal_id)));
  if (!row.has_value()) return std::nullopt;
  if (*row == kWon) return DealStatus::kWon;
  if (*row == kLost) return DealStatus::kLost;
  if (*row == kOpen) return DealStatus::kOpen;
  return absl::DataLossError(
      absl::StrCat("deals-replica: deal ", deal_id, " has an unknown status"));
}

absl::Status DealsReplica::CatchUp(absl::Duration timeout) {
  return runner_->AwaitCaughtUp(timeout);
}

projection::AdministeredProjection DealsReplica::administered(std::string name) const {
  return {.name = std::move(name),
          .runner = runner_.get(),
          .sources = {source_},
          .make_projection = [] { return std::make_unique<DealsReplicaProjection>(); }};
}

}  // namespace sales::leads
