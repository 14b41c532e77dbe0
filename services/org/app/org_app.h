// OrgApp: the org context's command handling and queries — a table of commands (load the "org"
// stream, Decide, append; eventsourcing::ExecuteCommand) plus GetOrganisation and
// ListTerritoryGaps, which read the aggregate itself (read-your-writes). No gRPC types here.
//
//   ASSIGN_OR_RETURN(auto app, OrgApp::Create({.store = side->store()}));
//   ASSIGN_OR_RETURN(v1::OrgCommandResponse added, app->AddRegion(request, origin));
//
// Every command's envelope carries the actor, the correlation and causation ids of the call;
// commands on the org stream are serialised in the process (one aggregate). Metrics:
// sales_org_commands_total{command,outcome}.
//
// Thread-safety: every method may be called concurrently. Methods block on RocksDB: call them
// from an executor, not from a gRPC reaction thread.
#ifndef SALES_SERVICES_ORG_APP_ORG_APP_H_
#define SALES_SERVICES_ORG_APP_ORG_APP_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/eventsourcing/aggregate_cache.h"
#include "common/eventsourcing/command_support.h"
#include "common/eventstore/event_store.h"
#include "sales/org/v1/org.pb.h"

namespace sales::org {

using eventsourcing::CallOrigin;

struct OrgAppOptions {
  eventstore::EventStore* store = nullptr;  // the org event store; must outlive the app
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class OrgApp {
 public:
  // INVALID_ARGUMENT without a store.
  static absl::StatusOr<std::unique_ptr<OrgApp>> Create(OrgAppOptions options);

  absl::StatusOr<v1::OrgCommandResponse> AddRegion(const v1::AddRegionRequest&, const CallOrigin&);
  absl::StatusOr<v1::OrgCommandResponse> AddProductLine(const v1::AddProductLineRequest&,
                                                        const CallOrigin&);
  absl::StatusOr<v1::OrgCommandResponse> AddCustomerSegment(const v1::AddCustomerSegmentRequest&,
                                                            const CallOrigin&);
  absl::StatusOr<v1::OrgCommandResponse> CreateTeam(const v1::CreateTeamRequest&,
                                                    const CallOrigin&);
  absl::StatusOr<v1::OrgCommandResponse> AddRep(const v1::AddRepRequest&, const CallOrigin&);
  absl::StatusOr<v1::OrgCommandResponse> MoveRep(const v1::MoveRepRequest&, const CallOrigin&);
  absl::StatusOr<v1::OrgCommandResponse> AddTerritoryRule(const v1::AddTerritoryRuleRequest&,
                                                          const CallOrigin&);
  absl::StatusOr<v1::OrgCommandResponse> RemoveTerritoryRule(const v1::RemoveTerritoryRuleRequest&,
                                                             const CallOrigin&);

  absl::StatusOr<v1::GetOrganisationResponse> GetOrganisation(const v1::GetOrganisationRequest&);
  absl::StatusOr<v1::ListTerritoryGapsResponse> ListTerritoryGaps(
      const v1::ListTerritoryGapsRequest&);

 private:
  explicit OrgApp(OrgAppOptions options) : options_(std::move(options)) {}

  // The command table's one entry: Decide(org, request) on the org stream.
  template <typename Request>
  absl::StatusOr<v1::OrgCommandResponse> Command(absl::string_view name, const Request& request,
                                                 const CallOrigin& origin);

  const OrgAppOptions options_;
  // The organisation is one stream: a fixed room for its snapshot.
  eventsourcing::AggregateCache<v1::SalesOrganisation> cache_{size_t{8} << 20};
  eventsourcing::StreamLocks locks_;
  const eventsourcing::CommandCounter counter_{"org"};
};

}  // namespace sales::org

#endif  // SALES_SERVICES_ORG_APP_ORG_APP_H_
