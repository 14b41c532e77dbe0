// channels_loadgen: the channels command mix over gRPC with N clients, beside the empty RPC on the
// same server in the same run (README.md, "channels_loadgen").
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/runtime/flags_usage.h"
#include "common/runtime/module_host.h"
#include "services/modules/modules.h"
#include "tools/loadgen/channel_workload.h"
#include "tools/loadgen/empty_rpc_client.h"
#include "tools/loadgen/phase_report.h"
#include "tools/loadgen/phase_runner.h"
#include "tools/salesctl/table_printer.h"

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

std::string RunDigits() {
  std::random_device device;
  return absl::StrFormat("%06d", std::uniform_int_distribution<int>(0, 999'999)(device));
}

int Run() {
  std::unique_ptr<runtime::ModuleHost> host;
  std::string data_dir;
  std::string target = absl::GetFlag(FLAGS_server);
  if (target.empty()) {
    char dir_template[] = "/tmp/channels_loadgen.XXXXXX";
    if (mkdtemp(dir_template) == nullptr) return 1;
    data_dir = dir_template;
    auto started = runtime::ModuleHost::Start({.data_dir = data_dir,
                                               .grpc_port = 0,
                                               .http_port = 0,
                                               .contexts = {"org", "leads", "channels"}},
                                              modules::AllModules());
    if (!started.ok()) {
      std::cerr << "channels_loadgen: " << started.status() << "\n";
      return 1;
    }
    host = *std::move(started);
    target = host->grpc_address();
    std::cout << "in-process salesd (org, leads, channels) at " << target << ", data in "
              << data_dir << "\n";
  }
  int exit_code = 0;
  {
    const int clients = absl::GetFlag(FLAGS_clients);
    auto channels = MakeChannels(target, absl::GetFlag(FLAGS_channels), clients);
    auto org_stub = org::v1::OrgService::NewStub(channels.front());
    auto stub = channels::v1::ChannelService::NewStub(channels.front());
    absl::StatusOr<Organisation> org = SetUpOrganisation(*org_stub, RunDigits());
    absl::StatusOr<Catalogue> catalogue =
        org.ok() ? SetUpCatalogue(*stub, *org, absl::GetFlag(FLAGS_skus)) : org.status();
    if (!catalogue.ok()) {
      std::cerr << "channels_loadgen: " << catalogue.status() << "\n";
      exit_code = 1;
    } else {
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
      std::cout << "empty RPC (grpc.health.v1.Health/Check)...\n";
      const PhaseResult empty = RunPhase(options, [&](int client) {
        auto empty_client = std::make_shared<EmptyRpcClient>(channels[client % channels.size()]);
        return std::function<CallOutcome()>([empty_client] { return empty_client->RunNext(); });
      });
      const std::string mode = absl::GetFlag(FLAGS_channels);
      salesctl::TablePrinter table(
          {"CHANNELS", "KIND", "CALLS", "CALLS/S", "P50_MS", "P99_MS", "P999_MS", "ERRORS"});
      for (size_t column = 2; column < 8; ++column) table.AlignRight(column);
      AddRows(table, mode, commands, "ALL COMMANDS");
      AddRows(table, mode, empty, "ALL");
      std::cout << "\n" << table.Render();
      salesctl::TablePrinter errors({"CHANNELS", "PHASE", "KIND", "CODE", "COUNT"});
      AddErrorRows(errors, mode, "commands", commands);
      AddErrorRows(errors, mode, "empty_rpc", empty);
      if (!errors.empty()) {
        std::cout << "\nERRORS (any error fails the run)\n" << errors.Render();
        exit_code = 1;
      }
      const KindSummary all = commands.stats.SummarizeAll();
      const double ratio =
          empty.calls_per_second() > 0 ? commands.calls_per_second() / empty.calls_per_second() : 0;
      std::cout << absl::StrFormat(
          "channels_loadgen: commands/s=%.0f empty_rpc/s=%.0f ratio=%.3f p50_ms=%.3f "
          "p99_ms=%.3f check_p99_ms=%.3f\n",
          commands.calls_per_second(), empty.calls_per_second(), ratio, all.p50_ms, all.p99_ms,
          commands.stats.Summarize("CheckOrderEligibility").p99_ms);
    }
  }
  if (host != nullptr) host->Shutdown();
  host.reset();
  if (!data_dir.empty()) std::filesystem::remove_all(data_dir);
  return exit_code;
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
