// orders_loadgen: the orders command mix over gRPC with N clients, beside the empty RPC on the
// same server in the same run (README.md, "orders_loadgen").
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "common/runtime/flags_usage.h"
#include "tools/loadgen/channel_workload.h"
#include "tools/loadgen/command_mix_run.h"
#include "tools/loadgen/order_workload.h"
#include "tools/loadgen/phase_report.h"
#include "tools/loadgen/phase_runner.h"

ABSL_FLAG(double, duration, 10, "Seconds measured per phase, after the warm-up.");
ABSL_FLAG(double, warm_up, 1, "Seconds of unmeasured calls before each phase is measured.");
ABSL_FLAG(int64_t, max_commands, 200'000, "A phase also ends after this many measured calls.");
ABSL_FLAG(int, clients, 8, "Concurrent clients (threads), one call in flight each.");
ABSL_FLAG(int, skus, 50, "SKUs in the run's catalogue (every order's 3 lines draw from them).");
ABSL_FLAG(std::string, channels, "shared",
          "shared (one gRPC channel for all clients) or per_client (one connection each).");
ABSL_FLAG(std::string, server, "",
          "host:port of a running salesd (org, leads, channels and orders); default: an "
          "in-process one on a temp dir, removed at exit.");

namespace sales::loadgen {
namespace {

int Run() {
  auto server = TargetServer::Start("orders_loadgen", absl::GetFlag(FLAGS_server),
                                    {"org", "leads", "channels", "orders"});
  if (!server.ok()) {
    std::cerr << "orders_loadgen: " << server.status() << "\n";
    return 1;
  }
  const int clients = absl::GetFlag(FLAGS_clients);
  const std::string mode = absl::GetFlag(FLAGS_channels);
  auto channels = MakeChannels((*server)->address(), mode, clients);
  auto org_stub = org::v1::OrgService::NewStub(channels.front());
  auto channel_stub = channels::v1::ChannelService::NewStub(channels.front());
  auto order_stub = orders::v1::OrderService::NewStub(channels.front());
  absl::StatusOr<Organisation> org = SetUpOrganisation(*org_stub, NewRunDigits());
  absl::StatusOr<Catalogue> catalogue =
      org.ok() ? SetUpCatalogue(*channel_stub, *org, absl::GetFlag(FLAGS_skus)) : org.status();
  absl::StatusOr<OrderWorld> world =
      catalogue.ok() ? SetUpOrderWorld(*channel_stub, *order_stub, *org, *catalogue, clients)
                     : catalogue.status();
  if (!world.ok()) {
    std::cerr << "orders_loadgen: " << world.status() << "\n";
    return 1;
  }
  const PhaseOptions options{.clients = clients,
                             .warm_up = absl::Seconds(absl::GetFlag(FLAGS_warm_up)),
                             .duration = absl::Seconds(absl::GetFlag(FLAGS_duration)),
                             .max_calls = absl::GetFlag(FLAGS_max_commands)};
  std::vector<std::unique_ptr<orders::v1::OrderService::Stub>> stubs;
  std::vector<std::unique_ptr<OrderClient>> order_clients;
  for (int i = 0; i < clients; ++i) {
    stubs.push_back(orders::v1::OrderService::NewStub(channels[i % channels.size()]));
    order_clients.push_back(std::make_unique<OrderClient>(stubs.back().get(), *world, i));
  }
  std::cout << "organisation " << org->prefix << ", " << world->skus.size() << " SKUs in stock, "
            << clients << " clients with a customer each; orders mix...\n";
  const PhaseResult commands = RunPhase(options, [&](int client) {
    OrderClient* order_client = order_clients[client].get();
    return std::function<CallOutcome()>([order_client] { return order_client->RunNext(); });
  });
  return CompareWithEmptyRpc("orders_loadgen", options, channels, mode, commands,
                             absl::StrFormat("confirm_p99_ms=%.3f place_p99_ms=%.3f",
                                             commands.stats.Summarize("ConfirmOrder").p99_ms,
                                             commands.stats.Summarize("PlaceOrder").p99_ms));
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
