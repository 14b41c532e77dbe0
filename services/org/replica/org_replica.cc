#include "services/org/replica/org_replica.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/eventsourcing/event_codec.h"
#include "common/status/status_macros.h"
#include "sales/org/v1/events.pb.h"
#include "services/org/domain/org.h"

namespace sales::org {
namespace {

constexpr char kOrgKey[] = "org";
constexpr char kVersionKey[] = "version";
constexpr char kPositionKey[] = "position";
constexpr absl::string_view kOrgPackage = "sales.org.v1.";

uint64_t ParseCount(const std::optional<std::string>& value) {
  uint64_t parsed = 0;
  if (value.has_value() && !absl::SimpleAtoi(*value, &parsed)) return 0;
  return parsed;
}

}  // namespace

absl::Status OrgReplicaProjection::Apply(const projection::EventEnvelope& envelope,
                                         projection::ProjectionTxn& txn) {
  const absl::string_view type_url = envelope.payload().type_url();
  const absl::string_view full_name = type_url.substr(type_url.rfind('/') + 1);
  if (!absl::StartsWith(full_name, kOrgPackage)) return absl::OkStatus();
  v1::OrgEvent event;
  RETURN_IF_ERROR(eventsourcing::UnpackProjectedEvent("org-replica", envelope.payload(), event));
  ASSIGN_OR_RETURN(std::optional<std::string> stored, txn.Get(kOrgKey));
  v1::SalesOrganisation organisation;
  if (stored.has_value() && !organisation.ParseFromString(*stored)) {
    return absl::DataLossError("org-replica: the stored organisation does not decode");
  }
  organisation = Evolve(std::move(organisation), event);
  txn.Put(kOrgKey, organisation.SerializeAsString());
  txn.Put(kVersionKey, absl::StrCat(envelope.stream_version()));
  txn.Put(kPositionKey, absl::StrCat(envelope.global_position()));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<OrgReplica>> OrgReplica::Open(const OrgReplicaOptions& options) {
  auto replica = std::unique_ptr<OrgReplica>(new OrgReplica());
  replica->source_ = options.source;
  ASSIGN_OR_RETURN(replica->runner_,
                   projection::CreateReplicaRunner(&replica->projection_, options));
  RETURN_IF_ERROR(replica->Refresh());
  OrgReplica* raw = replica.get();
  replica->observer_ = replica->runner_->Subscribe([raw](const projection::AppliedBatch&) {
    absl::Status refreshed = raw->Refresh();
    (void)refreshed;  // a failed read keeps the previous snapshot; the next batch tries again
  });
  replica->runner_->Start();
  return replica;
}

OrgReplica::~OrgReplica() {
  if (runner_ == nullptr) return;
  runner_->Unsubscribe(observer_);
  runner_->Stop();
}

absl::Status OrgReplica::Refresh() {
  projection::ProjectionStore& store = runner_->store();
  ASSIGN_OR_RETURN(std::optional<std::string> stored, store.Get(kOrgKey));
  ASSIGN_OR_RETURN(std::optional<std::string> version, store.Get(kVersionKey));
  ASSIGN_OR_RETURN(std::optional<std::string> position, store.Get(kPositionKey));
  auto organisation = std::make_shared<v1::SalesOrganisation>();
  if (stored.has_value() && !organisation->ParseFromString(*stored)) {
    return absl::DataLossError("org-replica: the stored organisation does not decode");
  }
  absl::MutexLock lock(&mu_);
  const uint64_t folded = ParseCount(version);
  if (folded < snapshot_.version) return absl::OkStatus();  // never go back
  snapshot_ = {std::move(organisation), folded};
  position_ = ParseCount(position);
  return absl::OkStatus();
}

OrgView::Snapshot OrgReplica::Current() const {
  absl::MutexLock lock(&mu_);
  return snapshot_;
}

absl::Status OrgReplica::CatchUp(absl::Duration timeout) {
  ASSIGN_OR_RETURN(uint64_t head, source_.feed->HeadPosition());
  absl::MutexLock lock(&mu_);
  auto caught_up = [this, head]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return position_ >= head; };
  if (!mu_.AwaitWithTimeout(absl::Condition(&caught_up), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("the org replica is at position ", position_, ", the org store at ", head));
  }
  return absl::OkStatus();
}

projection::AdministeredProjection OrgReplica::administered(std::string name) const {
  return {.name = std::move(name),
          .runner = runner_.get(),
          .sources = {source_},
          .make_projection = [] { return std::make_unique<OrgReplicaProjection>(); }};
}

}  // namespace sales::org
