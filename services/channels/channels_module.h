// ChannelsModule: the channels bounded context as a module (common/runtime/context_module.h) —
// its event store (opened by the host), its replica of the org (<data_dir>/channels/org-replica,
// from the org topic and feed), the ChannelsApp with its read model in
// <data_dir>/channels/read-model, the ChannelService adapter, the auto-claim process manager on
// the leads topic (<data_dir>/channels/auto-claims) and the demo catalogue and channels. salesd
// hosts it beside the other modules; the `channels` process hosts it alone and reads the org and
// the leads through --peers=org=HOST:PORT,leads=HOST:PORT.
//
// Claims carry the deal id of what they claim on their envelopes, so a deal's audit history
// shows its claims and conflicts; the module has no deal state of its own to fold (no audit
// folder).
//
// Thread-safety: see ContextModule; app() may be used from any thread after Start.
#ifndef SALES_SERVICES_CHANNELS_CHANNELS_MODULE_H_
#define SALES_SERVICES_CHANNELS_CHANNELS_MODULE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/context_module.h"
#include "services/channels/api/channel_service_impl.h"
#include "services/channels/app/channels_app.h"
#include "services/channels/auto_claims/auto_claims.h"
#include "services/org/replica/org_replica.h"

namespace sales::channels {

class ChannelsModule final : public runtime::ContextModule {
 public:
  static constexpr char kName[] = "channels";

  absl::string_view name() const override { return kName; }
  bool owns_store() const override { return true; }
  std::vector<std::string> try_commands() const override;

  absl::Status Start(const runtime::ModuleEnvironment& env) override;
  std::vector<runtime::HostedService> services() const override;
  std::vector<projection::AdministeredProjection> projections() const override;
  absl::StatusOr<std::string> SeedDemoData(runtime::DemoClock& clock) override;
  // The auto-claim process manager.
  absl::Status StartBackgroundJobs() override;
  void Stop() override;

  // The app, after Start (nullptr before).
  ChannelsApp* app() const { return app_.get(); }
  // The auto-claim process manager's runner, after Start (tests wait on it).
  projection::ProjectionRunner* auto_claim_runner() const { return auto_claim_runner_.get(); }

 private:
  std::unique_ptr<org::OrgReplica> org_;
  std::unique_ptr<ChannelsApp> app_;
  std::unique_ptr<ChannelServiceImpl> service_;
  std::unique_ptr<AutoClaimProcess> auto_claims_;
  std::unique_ptr<projection::ProjectionRunner> auto_claim_runner_;
};

}  // namespace sales::channels

#endif  // SALES_SERVICES_CHANNELS_CHANNELS_MODULE_H_
