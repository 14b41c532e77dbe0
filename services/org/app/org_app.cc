#include "services/org/app/org_app.h"

#include <string>
#include <utility>

#include "common/eventsourcing/aggregate_loader.h"
#include "common/eventsourcing/command_executor.h"
#include "common/status/status_macros.h"
#include "services/org/domain/org.h"

namespace sales::org {
namespace {

v1::SalesOrganisation EvolveOrg(v1::SalesOrganisation org, const v1::OrgEvent& event) {
  return Evolve(std::move(org), event);
}
std::string NoDeal(const v1::SalesOrganisation&) { return ""; }

}  // namespace

absl::StatusOr<std::unique_ptr<OrgApp>> OrgApp::Create(OrgAppOptions options) {
  if (options.store == nullptr) return absl::InvalidArgumentError("OrgApp: store is required");
  return std::unique_ptr<OrgApp>(new OrgApp(std::move(options)));
}

template <typename Request>
absl::StatusOr<v1::OrgCommandResponse> OrgApp::Command(absl::string_view name,
                                                       const Request& request,
                                                       const CallOrigin& origin) {
  const std::string stream_id(kOrgStreamId);
  absl::StatusOr<eventsourcing::CommandOutcome<v1::SalesOrganisation>> outcome;
  {
    absl::MutexLock lock(&locks_.For(stream_id));
    outcome = eventsourcing::ExecuteCommand<v1::OrgEvent>(
        *options_.store,
        eventsourcing::OptionsFor(stream_id, request.meta(), origin,
                                  eventsourcing::RequestFingerprint(request)),
        v1::SalesOrganisation(), &EvolveOrg,
        [&](const v1::SalesOrganisation& org) { return Decide(org, request); }, &NoDeal, &cache_,
        eventsourcing::OccurredAtOfEvent(options_.clock()));
  }
  counter_.Count(name, outcome.status());
  if (!outcome.ok()) return outcome.status();
  v1::OrgCommandResponse response;
  response.set_stream_version(outcome->version);
  return response;
}

absl::StatusOr<v1::OrgCommandResponse> OrgApp::AddRegion(const v1::AddRegionRequest& r,
                                                         const CallOrigin& o) {
  return Command("AddRegion", r, o);
}
absl::StatusOr<v1::OrgCommandResponse> OrgApp::AddProductLine(const v1::AddProductLineRequest& r,
                                                              const CallOrigin& o) {
  return Command("AddProductLine", r, o);
}
absl::StatusOr<v1::OrgCommandResponse> OrgApp::AddCustomerSegment(
    const v1::AddCustomerSegmentRequest& r, const CallOrigin& o) {
  return Command("AddCustomerSegment", r, o);
}
absl::StatusOr<v1::OrgCommandResponse> OrgApp::CreateTeam(const v1::CreateTeamRequest& r,
                                                          const CallOrigin& o) {
  return Command("CreateTeam", r, o);
}
absl::StatusOr<v1::OrgCommandResponse> OrgApp::AddRep(const v1::AddRepRequest& r,
                                                      const CallOrigin& o) {
  return Command("AddRep", r, o);
}
absl::StatusOr<v1::OrgCommandResponse> OrgApp::MoveRep(const v1::MoveRepRequest& r,
                                                       const CallOrigin& o) {
  return Command("MoveRep", r, o);
}
absl::StatusOr<v1::OrgCommandResponse> OrgApp::AddTerritoryRule(
    const v1::AddTerritoryRuleRequest& r, const CallOrigin& o) {
  return Command("AddTerritoryRule", r, o);
}
absl::StatusOr<v1::OrgCommandResponse> OrgApp::RemoveTerritoryRule(
    const v1::RemoveTerritoryRuleRequest& r, const CallOrigin& o) {
  return Command("RemoveTerritoryRule", r, o);
}

absl::StatusOr<v1::GetOrganisationResponse> OrgApp::GetOrganisation(
    const v1::GetOrganisationRequest&) {
  ASSIGN_OR_RETURN(
      eventsourcing::LoadedAggregate<v1::SalesOrganisation> org,
      eventsourcing::LoadAggregate<v1::OrgEvent>(*options_.store, std::string(kOrgStreamId),
                                                 v1::SalesOrganisation(), &EvolveOrg, {}, &cache_));
  v1::GetOrganisationResponse response;
  *response.mutable_organisation() = *org.state;
  response.set_stream_version(org.version);
  return response;
}

absl::StatusOr<v1::ListTerritoryGapsResponse> OrgApp::ListTerritoryGaps(
    const v1::ListTerritoryGapsRequest&) {
  ASSIGN_OR_RETURN(v1::GetOrganisationResponse org, GetOrganisation({}));
  v1::ListTerritoryGapsResponse response;
  for (v1::TerritoryKey& gap : TerritoryGaps(org.organisation())) {
    *response.add_gaps() = std::move(gap);
  }
  return response;
}

}  // namespace sales::org
