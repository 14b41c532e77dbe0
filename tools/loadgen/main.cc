// leads_loadgen: drives the leads command mix over gRPC with N concurrent clients, then the
// empty RPC (grpc.health.v1.Health/Check) on the same server with the same clients, and reports
// throughput and latency percentiles of both and their ratio. See README.md.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/concurrency/thread_cpu_time.h"
#include "common/runtime/byte_size.h"
#include "common/runtime/flags_usage.h"
#include "common/runtime/memory_release.h"
#include "common/runtime/module_host.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/modules/modules.h"
#include "tools/loadgen/empty_rpc_client.h"
#include "tools/loadgen/lead_workload.h"
#include "tools/loadgen/phase_report.h"
#include "tools/loadgen/phase_runner.h"
#include "tools/loadgen/projection_costs.h"
#include "tools/loadgen/watch_probe.h"
#include "tools/salesctl/table_printer.h"

ABSL_FLAG(double, duration, 10, "Seconds measured per phase, after the warm-up.");
ABSL_FLAG(double, warm_up, 1, "Seconds of unmeasured calls before each phase is measured.");
ABSL_FLAG(int64_t, max_commands, 200'000, "A phase also ends after this many measured calls.");
ABSL_FLAG(int, clients, 8, "Concurrent clients (threads), one call in flight each.");
ABSL_FLAG(std::string, server, "",
          "host:port of a running server; empty: start an in-process salesd on a temp dir.");
ABSL_FLAG(bool, watch_probe, false,
          "Also measure command-ack → visible in WatchFunnel during the command phase (the "
          "in-process salesd then runs its read side too).");
ABSL_FLAG(std::string, read_side, "off",
          "In-process salesd only: off (the org and leads contexts), on (every module, as salesd "
          "ships: the leads read model plus the funnel, audit and org-replica projections), or "
          "both (off, then on, each on a fresh server; prints the on/off throughput ratio, "
          "target >= 0.85). --watch_probe implies on.");
ABSL_FLAG(int, rounds, 1,
          "In-process salesd only: how many times each read-side setting runs (each on a fresh "
          "server). With --read_side=both the settings alternate off, on, on, off, off, on, … so "
          "that a drift of the machine's speed during the run weighs on both alike, and the "
          "on/off ratio is that of their mean throughputs. The machine's speed varies by 10-20 % "
          "from run to run: use 2 or more to read the ratio.");
ABSL_FLAG(std::vector<std::string>, memory_budget, {"512MiB"},
          "In-process salesd only: its --memory_budget; a comma-separated list runs each in turn "
          "on a fresh server (e.g. 512MiB,8GiB: the budget against a baseline that bounds "
          "nothing) and prints the throughput ratio to the last. After each run the load "
          "generator prints the events stored, the resident memory (now and at its peak) and "
          "their ratio to the budget (target: <= 1.2 at 10^6 events, with throughput within 10 %; "
          "--max_commands and --duration bound the run).");
ABSL_FLAG(std::string, channels, "both",
          "shared (one channel for all clients), per_client (one connection each) or both "
          "(run both, report the faster).");

namespace sales::loadgen {
namespace {

struct ModeResult {
  std::string mode;
  PhaseResult commands;
  PhaseResult empty_rpc;
  LatencyStats watch;  // with --watch_probe: ack → visible in WatchFunnel, during `commands`
  // In-process server only (the process's CPU is then the server's and the clients'): the share
  // of the process's CPU that the projections' own threads took during `commands` (warm-up
  // included); negative when not measured.
  double read_side_cpu_share = -1;
  double ratio() const {
    const double empty = empty_rpc.calls_per_second();
    return empty > 0 ? commands.calls_per_second() / empty : 0;
  }
};

// `first_client_index`: runs of several modes number their clients apart, since a client's index
// names its leads and idempotency keys. `in_process`: the server runs in this process.
ModeResult RunMode(const std::string& target, const std::string& mode, const Organisation& org,
                   const PhaseOptions& options, int first_client_index, bool in_process) {
  std::vector<std::shared_ptr<grpc::Channel>> channels =
      MakeChannels(target, mode, options.clients);
  auto channel_of = [&](int client) { return channels[client % channels.size()]; };
  ModeResult result{.mode = mode};
  std::cout << "[" << mode << "] leads command mix, " << options.clients << " clients...\n";
  std::unique_ptr<WatchProbe> probe;
  if (absl::GetFlag(FLAGS_watch_probe)) {
    Organisation probe_org = org;
    probe_org.prefix = absl::StrCat(org.prefix, "m", first_client_index);  // a slice per mode
    probe = std::make_unique<WatchProbe>(channels.front(), probe_org);
    probe->Start();
  }
  absl::StatusOr<ProjectionSnapshot> projections_before = absl::UnknownError("not measured");
  if (in_process) projections_before = SnapshotProjections(channels.front());
  const absl::Duration process_cpu_before = concurrency::ProcessCpuTime();
  const absl::Time started = absl::Now();
  result.commands = RunPhase(options, [&](int client) {
    auto stub = std::shared_ptr<leads::v1::LeadService::Stub>(
        leads::v1::LeadService::NewStub(channel_of(client)));
    auto lead_client = std::make_shared<LeadClient>(stub.get(), org, first_client_index + client);
    return std::function<CallOutcome()>([stub, lead_client] { return lead_client->RunNext(); });
  });
  if (probe != nullptr) {
    probe->Stop();
    result.watch = probe->stats();
  }
  const absl::Duration process_cpu = concurrency::ProcessCpuTime() - process_cpu_before;
  const absl::Duration wall = absl::Now() - started;
  if (projections_before.ok()) {
    const absl::StatusOr<ProjectionSnapshot> projections_after =
        SnapshotProjections(channels.front());
    if (projections_after.ok() && process_cpu > absl::ZeroDuration()) {
      result.read_side_cpu_share = absl::FDivDuration(
          ProjectionCpuBetween(*projections_before, *projections_after), process_cpu);
      std::cout << absl::StrFormat(
          "[%s] the projections' own threads took %.1f %% of the process's CPU during the "
          "commands (%.2f cores busy)\n",
          mode, 100 * result.read_side_cpu_share, absl::FDivDuration(process_cpu, wall));
    }
  }
  std::cout << "[" << mode << "] empty RPC (grpc.health.v1.Health/Check)...\n";
  result.empty_rpc = RunPhase(options, [&](int client) {
    auto empty_client = std::make_shared<EmptyRpcClient>(channel_of(client));
    return std::function<CallOutcome()>([empty_client] { return empty_client->RunNext(); });
  });
  return result;
}

// Starts the process's peak resident memory (VmHWM) afresh, so that each run reports its own.
void ResetPeakResident() { std::ofstream("/proc/self/clear_refs") << "5"; }

// The in-process salesd of one read-side setting on a temp dir, removed with it.
class InProcessServer {
 public:
  static absl::StatusOr<std::unique_ptr<InProcessServer>> Start(bool read_side,
                                                                size_t memory_budget_bytes) {
    char dir_template[] = "/tmp/leads_loadgen.XXXXXX";
    if (mkdtemp(dir_template) == nullptr) return absl::InternalError("cannot create a temp dir");
    auto server = std::unique_ptr<InProcessServer>(new InProcessServer(dir_template));
    // The org and leads contexts alone, or every module (as salesd).
    auto started = runtime::ModuleHost::Start(
        {.data_dir = server->data_dir_,
         .grpc_port = 0,
         .http_port = 0,
         .contexts =
             read_side ? modules::AllModuleNames() : std::vector<std::string>{"org", "leads"},
         .memory_budget_bytes = memory_budget_bytes},
        modules::AllModules());
    if (!started.ok()) return started.status();
    server->host_ = *std::move(started);
    std::cout << "in-process salesd (read side " << (read_side ? "on" : "off") << ") at "
              << server->host_->grpc_address() << ", data in " << server->data_dir_ << "\n";
    return server;
  }
  ~InProcessServer() {
    if (host_ != nullptr) host_->Shutdown();
    host_.reset();
    std::filesystem::remove_all(data_dir_);
  }
  std::string address() const { return host_->grpc_address(); }
  // Events in the hosted stores, and the resident memory of this process (server and clients)
  // against the server's budget.
  std::string MemoryLine() const {
    uint64_t events = 0;
    for (const std::string& name : host_->hosted()) {
      if (runtime::WriteSide* side = host_->write_side(name); side != nullptr) {
        events += side->store()->HeadPosition();
      }
    }
    const auto mib = [](int64_t bytes) { return static_cast<double>(bytes) / (1 << 20); };
    const double budget = mib(static_cast<int64_t>(host_->memory_budget_bytes()));
    const double rss = mib(runtime::ResidentBytes());
    const double peak = mib(runtime::PeakResidentBytes());
    return absl::StrFormat(
        "events=%d rss_mb=%.0f peak_rss_mb=%.0f budget_mb=%.0f rss/budget=%.2f "
        "peak/budget=%.2f (target <= 1.2)",
        events, rss, peak, budget, rss / budget, peak / budget);
  }

 private:
  explicit InProcessServer(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  std::string data_dir_;
  std::unique_ptr<runtime::ModuleHost> host_;
};

// Formats a rate without decimals, for absl::StrJoin.
struct RoundedFormatter {
  void operator()(std::string* out, double value) const {
    absl::StrAppendFormat(out, "%.0f", value);
  }
};

// Formats a share as a percentage with one decimal, for absl::StrJoin.
struct PercentFormatter {
  void operator()(std::string* out, double share) const {
    absl::StrAppendFormat(out, "%.1f", 100 * share);
  }
};

double Mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

struct ServerResult {
  int exit_code = 0;
  double commands_per_second = 0;   // of the faster channel mode
  double read_side_cpu_share = -1;  // of the faster channel mode (ModeResult)
};

// Sets up an organisation on `target`, runs every channel mode, prints the tables and summary.
ServerResult MeasureAgainst(const std::string& target, const std::vector<std::string>& modes,
                            const PhaseOptions& options, bool in_process) {
  ServerResult outcome;
  int exit_code = 0;
  {
    auto setup_stub = org::v1::OrgService::NewStub(
        grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
    absl::StatusOr<Organisation> org = SetUpOrganisation(*setup_stub, NewRunDigits());
    if (!org.ok()) {
      std::cerr << "leads_loadgen: " << org.status() << "\n";
      exit_code = 1;
    } else {
      std::cout << "organisation " << org->prefix << " set up; measuring "
                << absl::ToDoubleSeconds(options.duration) << " s per phase after "
                << absl::ToDoubleSeconds(options.warm_up) << " s warm-up, at most "
                << options.max_calls << " calls\n";
      std::vector<ModeResult> results;
      for (const std::string& mode : modes) {
        const int first_client_index = static_cast<int>(results.size()) * options.clients;
        results.push_back(RunMode(target, mode, *org, options, first_client_index, in_process));
      }

      salesctl::TablePrinter table(
          {"CHANNELS", "KIND", "CALLS", "CALLS/S", "P50_MS", "P99_MS", "P999_MS", "ERRORS"});
      for (size_t column = 2; column < 8; ++column) table.AlignRight(column);
      salesctl::TablePrinter errors({"CHANNELS", "PHASE", "KIND", "CODE", "COUNT"});
      for (const ModeResult& result : results) {
        AddRows(table, result.mode, result.commands, "ALL COMMANDS");
        AddRows(table, result.mode, result.empty_rpc, "ALL");
        if (result.watch.ok_count() + result.watch.error_count() > 0) {
          AddRows(table, result.mode,
                  PhaseResult{.stats = result.watch, .measured = result.commands.measured},
                  "WATCH");
        }
        AddErrorRows(errors, result.mode, "commands", result.commands);
        AddErrorRows(errors, result.mode, "empty_rpc", result.empty_rpc);
      }
      std::cout << "\n" << table.Render();
      for (const ModeResult& result : results) {
        std::cout << absl::StrFormat("[%s] commands/s=%.0f empty_rpc/s=%.0f ratio=%.3f\n",
                                     result.mode, result.commands.calls_per_second(),
                                     result.empty_rpc.calls_per_second(), result.ratio());
      }
      const ModeResult& best = *std::max_element(
          results.begin(), results.end(), [](const ModeResult& a, const ModeResult& b) {
            return a.commands.calls_per_second() < b.commands.calls_per_second();
          });
      if (!errors.empty()) {
        std::cout << "\nERRORS (any error fails the run)\n" << errors.Render();
        exit_code = 1;
      }
      const KindSummary all = best.commands.stats.SummarizeAll();
      const KindSummary empty = best.empty_rpc.stats.SummarizeAll();
      std::cout << absl::StrFormat(
          "\nfaster channel mode: %s; empty_rpc p50_ms=%.3f p99_ms=%.3f; target ratio >= 0.5\n",
          best.mode, empty.p50_ms, empty.p99_ms);
      std::cout << absl::StrFormat(
          "leads_loadgen: commands/s=%.0f empty_rpc/s=%.0f ratio=%.3f p50_ms=%.3f p99_ms=%.3f\n",
          best.commands.calls_per_second(), best.empty_rpc.calls_per_second(), best.ratio(),
          all.p50_ms, all.p99_ms);
      outcome.commands_per_second = best.commands.calls_per_second();
      outcome.read_side_cpu_share = best.read_side_cpu_share;
      if (absl::GetFlag(FLAGS_watch_probe)) {
        const KindSummary watch = best.watch.Summarize("ack_to_watch");
        std::cout << absl::StrFormat(
            "leads_loadgen: ack_to_watch probes=%d p50_ms=%.3f p99_ms=%.3f errors=%d (target "
            "p99 < 100 ms)\n",
            watch.count, watch.p50_ms, watch.p99_ms, best.watch.error_count());
      }
    }
  }
  outcome.exit_code = exit_code;
  return outcome;
}

// MeasureAgainst, then what each projection of the server spent per event following that load
// live, against its cost per event in a rebuild (ProjectionAdmin; see projection_costs.h).
// `after_commands` runs between the commands and the rebuilds (e.g. to read memory under load).
ServerResult MeasureWithProjectionCosts(
    const std::string& target, const std::vector<std::string>& modes, const PhaseOptions& options,
    bool in_process, const std::function<void()>& after_commands = [] {}) {
  const auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  absl::StatusOr<ProjectionSnapshot> before = SnapshotProjections(channel);
  ServerResult result = MeasureAgainst(target, modes, options, in_process);
  after_commands();
  if (!before.ok() || result.exit_code != 0) return result;
  absl::StatusOr<ProjectionSnapshot> after = SnapshotProjections(channel);
  absl::StatusOr<std::vector<ProjectionCost>> costs =
      after.ok() ? MeasureProjectionCosts(channel, *before, *after)
                 : absl::StatusOr<std::vector<ProjectionCost>>(after.status());
  if (!costs.ok()) {
    std::cerr << "leads_loadgen: projection costs: " << costs.status() << "\n";
    result.exit_code = 1;
    return result;
  }
  std::cout << "\nprojection CPU per event: live (during the commands phase) vs a rebuild\n"
            << RenderProjectionCosts(*costs);
  return result;
}

int Run() {
  const PhaseOptions options{.clients = std::max(1, absl::GetFlag(FLAGS_clients)),
                             .warm_up = absl::Seconds(absl::GetFlag(FLAGS_warm_up)),
                             .duration = absl::Seconds(absl::GetFlag(FLAGS_duration)),
                             .max_calls = absl::GetFlag(FLAGS_max_commands)};
  const std::string channels_flag = absl::GetFlag(FLAGS_channels);
  std::vector<std::string> modes;
  if (channels_flag == "both") {
    modes = {"shared", "per_client"};
  } else if (channels_flag == "shared" || channels_flag == "per_client") {
    modes = {channels_flag};
  } else {
    std::cerr << "leads_loadgen: --channels must be shared, per_client or both\n";
    return 2;
  }

  const std::string read_side =
      absl::GetFlag(FLAGS_watch_probe) ? std::string("on") : absl::GetFlag(FLAGS_read_side);
  if (read_side != "off" && read_side != "on" && read_side != "both") {
    std::cerr << "leads_loadgen: --read_side must be off, on or both\n";
    return 2;
  }
  if (const std::string target = absl::GetFlag(FLAGS_server); !target.empty()) {
    return MeasureWithProjectionCosts(target, modes, options, /*in_process=*/false).exit_code;
  }
  std::vector<size_t> budgets;
  for (const std::string& text : absl::GetFlag(FLAGS_memory_budget)) {
    absl::StatusOr<size_t> budget = runtime::ParseByteSize(text);
    if (!budget.ok()) {
      std::cerr << "leads_loadgen: --memory_budget: " << budget.status().message() << "\n";
      return 2;
    }
    budgets.push_back(*budget);
  }
  if (budgets.empty()) {
    std::cerr << "leads_loadgen: --memory_budget: at least one budget\n";
    return 2;
  }
  std::vector<bool> settings;
  if (read_side != "on") settings.push_back(false);
  if (read_side != "off") settings.push_back(true);
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  // results[b][s]: budget b, read-side setting s (the mean over the rounds).
  std::vector<std::vector<ServerResult>> results(budgets.size());
  for (size_t b = 0; b < budgets.size(); ++b) {
    std::vector<std::vector<double>> throughputs(settings.size());
    std::vector<std::vector<double>> read_side_shares(settings.size());
    for (int round = 0; round < rounds; ++round) {
      for (size_t i = 0; i < settings.size(); ++i) {
        const size_t s = round % 2 == 0 ? i : settings.size() - 1 - i;  // ABBA
        const bool on = settings[s];
        ResetPeakResident();  // each run's peak is its own
        auto server = InProcessServer::Start(on, budgets[b]);
        if (!server.ok()) {
          std::cerr << "leads_loadgen: starting salesd: " << server.status() << "\n";
          return 1;
        }
        const std::string label = absl::StrCat("leads_loadgen: read side ", on ? "on" : "off",
                                               ", budget ", runtime::FormatByteSize(budgets[b]));
        // Memory under the load (as the commands end), and after the rebuilds, which read the
        // whole log once more per projection.
        const auto print_memory = [&](absl::string_view when) {
          std::cout << label << ", " << when << ": " << (*server)->MemoryLine() << "\n";
        };
        const ServerResult result =
            on ? MeasureWithProjectionCosts((*server)->address(), modes, options,
                                            /*in_process=*/true,
                                            [&] { print_memory("after the commands"); })
               : MeasureAgainst((*server)->address(), modes, options, /*in_process=*/true);
        print_memory(on ? "after the rebuilds" : "after the commands");
        if (result.exit_code != 0) return result.exit_code;
        throughputs[s].push_back(result.commands_per_second);
        if (result.read_side_cpu_share >= 0) {
          read_side_shares[s].push_back(result.read_side_cpu_share);
        }
      }
    }
    for (const std::vector<double>& runs : throughputs) {
      results[b].push_back({.commands_per_second = Mean(runs)});
    }
    if (settings.size() == 2) {
      const double off = results[b][0].commands_per_second;
      const double on = results[b][1].commands_per_second;
      std::cout << absl::StrFormat(
          "leads_loadgen: read side off commands/s=%.0f (%s) on commands/s=%.0f (%s) "
          "on/off=%.3f (target >= 0.85)\n",
          off, absl::StrJoin(throughputs[0], ", ", RoundedFormatter()), on,
          absl::StrJoin(throughputs[1], ", ", RoundedFormatter()), off > 0 ? on / off : 0);
      // The same ratio from the CPU each phase's projections took, which the machine's speed
      // drifting between phases does not move: when the process keeps its cores busy, the
      // command path gets the rest, so throughput scales with 1 − share.
      if (!read_side_shares[0].empty() && !read_side_shares[1].empty()) {
        const double share_off = Mean(read_side_shares[0]);
        const double share_on = Mean(read_side_shares[1]);
        std::cout << absl::StrFormat(
            "leads_loadgen: the projections' own threads took %.1f %% of the process's CPU "
            "with the read side off (%s), %.1f %% with it on (%s): on/off from CPU = "
            "(1 - on) / (1 - off) = %.3f (target >= 0.85)\n",
            100 * share_off, absl::StrJoin(read_side_shares[0], ", ", PercentFormatter()),
            100 * share_on, absl::StrJoin(read_side_shares[1], ", ", PercentFormatter()),
            (1 - share_on) / (1 - share_off));
      }
    }
  }
  for (size_t b = 0; b + 1 < budgets.size(); ++b) {
    for (size_t s = 0; s < settings.size(); ++s) {
      const double baseline = results.back()[s].commands_per_second;
      std::cout << absl::StrFormat(
          "leads_loadgen: read side %s: budget %s commands/s=%.0f, budget %s commands/s=%.0f, "
          "ratio=%.3f (target >= 0.9)\n",
          settings[s] ? "on" : "off", runtime::FormatByteSize(budgets[b]),
          results[b][s].commands_per_second, runtime::FormatByteSize(budgets.back()), baseline,
          baseline > 0 ? results[b][s].commands_per_second / baseline : 0);
    }
  }
  return 0;
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
