#include "tools/loadgen/command_mix_run.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/modules/modules.h"
#include "tools/loadgen/empty_rpc_client.h"
#include "tools/loadgen/phase_report.h"
#include "tools/salesctl/table_printer.h"

namespace sales::loadgen {

absl::StatusOr<std::unique_ptr<TargetServer>> TargetServer::Start(
    const std::string& program, const std::string& server, std::vector<std::string> contexts) {
  auto target = std::unique_ptr<TargetServer>(new TargetServer());
  if (!server.empty()) {
    target->address_ = server;
    return target;
  }
  std::string dir_template = absl::StrCat("/tmp/", program, ".XXXXXX");
  if (mkdtemp(dir_template.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot make a temp dir ", dir_template));
  }
  target->data_dir_ = dir_template;
  const std::string hosted = absl::StrJoin(contexts, ", ");
  auto started = runtime::ModuleHost::Start({.data_dir = target->data_dir_,
                                             .grpc_port = 0,
                                             .http_port = 0,
                                             .contexts = std::move(contexts)},
                                            modules::AllModules());
  if (!started.ok()) return started.status();
  target->host_ = *std::move(started);
  target->address_ = target->host_->grpc_address();
  std::cout << "in-process salesd (" << hosted << ") at " << target->address_ << ", data in "
            << target->data_dir_ << "\n";
  return target;
}

TargetServer::~TargetServer() {
  if (host_ != nullptr) host_->Shutdown();
  host_.reset();
  if (!data_dir_.empty()) std::filesystem::remove_all(data_dir_);
}

int CompareWithEmptyRpc(const std::string& program, const PhaseOptions& options,
                        const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                        const std::string& mode, const PhaseResult& commands,
                        const std::string& extra_summary) {
  std::cout << "empty RPC (grpc.health.v1.Health/Check)...\n";
  const PhaseResult empty = RunPhase(options, [&](int client) {
    auto empty_client = std::make_shared<EmptyRpcClient>(channels[client % channels.size()]);
    return std::function<CallOutcome()>([empty_client] { return empty_client->RunNext(); });
  });
  salesctl::TablePrinter table(
      {"CHANNELS", "KIND", "CALLS", "CALLS/S", "P50_MS", "P99_MS", "P999_MS", "ERRORS"});
  for (size_t column = 2; column < 8; ++column) table.AlignRight(column);
  AddRows(table, mode, commands, "ALL COMMANDS");
  AddRows(table, mode, empty, "ALL");
  std::cout << "\n" << table.Render();
  int exit_code = 0;
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
                   "%s: commands/s=%.0f empty_rpc/s=%.0f ratio=%.3f p50_ms=%.3f p99_ms=%.3f",
                   program, commands.calls_per_second(), empty.calls_per_second(), ratio,
                   all.p50_ms, all.p99_ms)
            << (extra_summary.empty() ? "" : " ") << extra_summary << "\n";
  return exit_code;
}

}  // namespace sales::loadgen
