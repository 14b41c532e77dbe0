// channels_loadgen: the channels command mix over gRPC with N clients, beside the empty RPC on the
// same server in the same run (README.md, "channels_loadgen").
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/runtime/flags_usage.h"
#include "tools/loadgen/channel_workload.h"
#include "tools/loadgen/command_mix_run.h"
#include "tools/loadgen/phase_report.h"
#include "tools/loadgen/phase_runner.h"

ABSL_FLAG(double, duration, 10, "Seconds measured per phase, after the warm-up.");
ABSL_FLAG(double, warm_up, 1, "Seconds of unmeasured calls before each phase is measured.");
ABSL_FLAG(int64_t, max_commands, 200'000, "A phase also ends after this many measured calls.");
ABSL_FLAG(int, clients, 8, "Concurrent clients (threads), one call in flight each.");
ABSL_FLAG(int, skus, 200, "SKUs in the run's catalogue.");
ABSL_FLAG(std::string, channels, "shared",
          "shared (one gRPC channel for all clients) or per_client (one connection each).");
ABSL_FLAG(std::string, server, "",
          "host:port of a running salesd (org, leads and channels); default: an in-process one "
          "on a temp dir, removed at exit.");

namespace sales::loadgen {
namespace {

int Run() {
  auto server = TargetServer::Start("channels_loadgen", absl::GetFlag(FLAGS_server),
                                    {"org", "leads", "channels"});
  if (!server.ok()) {
    std::cerr << "channels_loadgen: " << server.status() << "\n";
    return 1;
  }
  const int clients = absl::GetFlag(FLAGS_clients);
  const std::string mode = absl::GetFlag(FLAGS_channels);
  auto channels = MakeChannels((*server)->address(), mode, clients);
  auto org_stub = org::v1::OrgService::NewStub(channels.front());
  auto stub = channels::v1::ChannelService::NewStub(channels.front());
  absl::StatusOr<Organisation> org = SetUpOrganisation(*org_stub, NewRunDigits());
  absl::StatusOr<Catalogue> catalogue =
      org.ok() ? SetUpCatalogue(*stub, *org, absl::GetFlag(FLAGS_skus)) : org.status();
  if (!catalogue.ok()) {
    std::cerr << "channels_loadgen: " << catalogue.status() << "\n";
    return 1;
  }
  const PhaseOptions options{.clients = clients,
                             .warm_up = absl::Seconds(absl::GetFlag(FLAGS_warm_up)),
                             .duration = absl::Seconds(absl::GetFlag(FLAGS_duration)),
                             .max_calls = absl::GetFlag(FLAGS_max_commands)};
  // Each client's channels are set up before the phase (not timed).
  std::vector<std::unique_ptr<channels::v1::ChannelService::Stub>> stubs;
  std::vector<std::unique_ptr<ChannelClient>> channel_clients;
  for (int i = 0; i < clients; ++i) {
    stubs.push_back(channels::v1::ChannelService::NewStub(channels[i % channels.size()]));
    channel_clients.push_back(
        std::make_unique<ChannelClient>(stubs.back().get(), *org, *catalogue, i));
    if (absl::Status set_up = channel_clients.back()->SetUp(); !set_up.ok()) {
      std::cerr << "channels_loadgen: " << set_up << "\n";
      return 1;
    }
  }
  std::cout << "organisation " << org->prefix << ", " << catalogue->skus.size() << " SKUs, "
            << clients << " clients with 2 distributors each; channels mix...\n";
  const PhaseResult commands = RunPhase(options, [&](int client) {
    ChannelClient* channel_client = channel_clients[client].get();
    return std::function<CallOutcome()>([channel_client] { return channel_client->RunNext(); });
  });
  return CompareWithEmptyRpc(
      "channels_loadgen", options, channels, mode, commands,
      absl::StrFormat("check_p99_ms=%.3f",
                      commands.stats.Summarize("CheckOrderEligibility").p99_ms));
}

}  // namespace
}  // namespace sales::loadgen

int main(int argc, char** argv) {
  // As every process's main does (runtime::RunProcess): Debian's Abseil checks lock order on
  // every Mutex::Lock otherwise.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  sales::runtime::ListAllFlagsInHelp();
  absl::ParseCommandLine(argc, argv);
  return sales::loadgen::Run();
}
