#include "common/runtime/process_main.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"
#include "common/runtime/byte_size.h"
#include "common/runtime/flags_usage.h"
#include "common/runtime/module_host.h"
#include "common/runtime/protobuf_log.h"
#include "common/runtime/termination_signals.h"

ABSL_FLAG(std::string, data_dir, "./data", "Directory holding every store of this process.");
ABSL_FLAG(std::string, host, "127.0.0.1", "Interface the gRPC and HTTP servers listen on.");
ABSL_FLAG(int, grpc_port, 50051, "gRPC port (0 picks a free port).");
ABSL_FLAG(int, http_port, 9464, "HTTP port of /metrics and /healthz (0 picks a free port).");
ABSL_FLAG(std::string, kafka_brokers, "",
          "Bootstrap servers of a Kafka cluster (or of another process's embedded broker); "
          "empty starts the embedded broker in this process.");
ABSL_FLAG(int, kafka_partitions, 12, "Partitions per topic on the embedded broker.");
ABSL_FLAG(std::vector<std::string>, contexts, {},
          "The modules this process hosts, comma-separated (bounded contexts such as leads, read "
          "sides such as funnel and audit). Empty: none (with no --kafka_brokers, a broker "
          "alone).");
ABSL_FLAG(std::vector<std::string>, peers, {},
          "Contexts hosted by other processes, as NAME=HOST:PORT of their gRPC server (their "
          "EventFeed), comma-separated, e.g. leads=127.0.0.1:50052.");
ABSL_FLAG(bool, demo_data, false, "Seed demo data into every hosted store that is empty.");
ABSL_FLAG(std::string, memory_budget, "512MiB",
          "What this process's caches and RocksDB (block cache, memtables) may use in all, shared "
          "by every module it hosts, e.g. 512MiB or 2GiB. Plan for resident memory of about 1.2x "
          "this; /metrics shows each cache's bytes and sales_process_resident_bytes.");
ABSL_FLAG(std::string, durability, "process",
          "What an acknowledged command survives: process (a crash of the process; the WAL is "
          "written before the ack) or machine (power loss too; every commit group is fsynced).");

namespace sales::runtime {
namespace {

// The salesctl built beside this binary (build/tools/salesctl/salesctl for
// build/services/<name>/<name>), else plain "salesctl".
std::string SalesctlCommand(const char* argv0) {
  const std::filesystem::path beside =
      (std::filesystem::path(argv0).parent_path() / "../../tools/salesctl/salesctl")
          .lexically_normal();
  std::error_code error;
  return std::filesystem::exists(beside, error) ? beside.string() : "salesctl";
}

absl::StatusOr<std::map<std::string, std::string>> ParsePeers(
    const std::vector<std::string>& peers) {
  std::map<std::string, std::string> parsed;
  for (const std::string& peer : peers) {
    std::vector<std::string> parts = absl::StrSplit(peer, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--peers: \"", peer, "\" is not NAME=HOST:PORT"));
    }
    parsed[parts[0]] = parts[1];
  }
  return parsed;
}

absl::StatusOr<eventstore::Durability> ParseDurability(absl::string_view durability) {
  if (durability == "process") return eventstore::Durability::kProcessCrash;
  if (durability == "machine") return eventstore::Durability::kMachineCrash;
  return absl::InvalidArgumentError(
      absl::StrCat("--durability: \"", durability, "\" is neither process nor machine"));
}

void PrintBanner(const std::string& program, const char* argv0, const ModuleHost& host) {
  const std::string prefix = absl::StrCat(program, ": ");
  const std::string& kafka = host.kafka_bootstrap();
  const std::vector<std::string> hosted = host.hosted();
  std::cout << prefix << "gRPC     " << host.grpc_address()
            << "   (gRPC health checking and server reflection on)\n"
            << prefix << "Kafka    " << kafka
            << (host.embedded_broker() ? "   (embedded broker: kcat -b " + kafka + " -L)" : "")
            << "\n"
            << prefix << "metrics  " << host.metrics_url() << "\n"
            << prefix << "memory   " << FormatByteSize(host.memory_budget_bytes())
            << " budget (--memory_budget; sales_process_resident_bytes on /metrics)\n"
            << prefix << "data     " << absl::GetFlag(FLAGS_data_dir)
            << (host.demo_seeded().empty()
                    ? ""
                    : absl::StrCat("   (demo data: ", absl::StrJoin(host.demo_seeded(), ", "), ")"))
            << "\n"
            << prefix << "hosts    "
            << (hosted.empty() ? "(no context)" : absl::StrJoin(hosted, ", ")) << "\n";
  const std::string salesctl =
      absl::StrCat(SalesctlCommand(argv0), " --server ", host.grpc_address());
  const std::vector<std::string> commands = host.try_commands();
  for (size_t i = 0; i < commands.size(); ++i) {
    std::cout << prefix << (i == 0 ? "try      " : "         ") << salesctl << " " << commands[i]
              << "\n";
  }
  std::cout << prefix << "running; Ctrl-C stops it" << std::endl;
}

}  // namespace

int RunProcess(int argc, char** argv, const ProcessDefaults& defaults, ModuleRegistry modules) {
  absl::SetProgramUsageMessage(absl::StrCat(
      defaults.summary, "\nUsage: ", defaults.program,
      defaults.kafka_required ? " --kafka_brokers=HOST:PORT" : "", " [flags]; --help lists them."));
  ListAllFlagsInHelp();
  // This process's defaults; --help shows them as "currently".
  absl::SetFlag(&FLAGS_contexts, defaults.contexts);
  absl::SetFlag(&FLAGS_grpc_port, defaults.grpc_port);
  absl::SetFlag(&FLAGS_http_port, defaults.http_port);
  absl::SetFlag(&FLAGS_demo_data, defaults.demo_data);
  // Debian's Abseil is built without NDEBUG, so every Mutex::Lock would also update a global
  // lock-order graph (deadlock detection, a debugging aid) under a global lock: off in servers.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  RouteProtobufLogs();

  const std::string name = defaults.program;
  absl::StatusOr<std::map<std::string, std::string>> peers = ParsePeers(absl::GetFlag(FLAGS_peers));
  absl::StatusOr<eventstore::Durability> durability =
      ParseDurability(absl::GetFlag(FLAGS_durability));
  absl::StatusOr<size_t> memory_budget = ParseByteSize(absl::GetFlag(FLAGS_memory_budget));
  if (!memory_budget.ok()) {
    memory_budget = absl::InvalidArgumentError(
        absl::StrCat("--memory_budget: ", memory_budget.status().message()));
  }
  for (const absl::Status& status : {peers.status(), durability.status(), memory_budget.status()}) {
    if (!status.ok()) {
      std::cerr << name << ": " << status.message() << "\n";
      return 2;
    }
  }
  if (defaults.kafka_required && absl::GetFlag(FLAGS_kafka_brokers).empty()) {
    std::cerr << name << ": --kafka_brokers is required (a Kafka cluster's bootstrap servers, or "
              << "the embedded broker of salesd or of `salesd --contexts=`)\n";
    return 2;
  }

  TerminationSignals signals;  // before any thread starts

  absl::StatusOr<std::unique_ptr<ModuleHost>> host = ModuleHost::Start(
      {
          .data_dir = absl::GetFlag(FLAGS_data_dir),
          .host = absl::GetFlag(FLAGS_host),
          .grpc_port = absl::GetFlag(FLAGS_grpc_port),
          .http_port = absl::GetFlag(FLAGS_http_port),
          .kafka_brokers = absl::GetFlag(FLAGS_kafka_brokers),
          .kafka_partitions = absl::GetFlag(FLAGS_kafka_partitions),
          .contexts = absl::GetFlag(FLAGS_contexts),
          .peers = *std::move(peers),
          .demo_data = absl::GetFlag(FLAGS_demo_data),
          .durability = *durability,
          .memory_budget_bytes = *memory_budget,
      },
      modules());
  if (!host.ok()) {
    std::cerr << name << ": cannot start: " << host.status().message() << "\n";
    return 1;
  }
  PrintBanner(name, argv[0], **host);
  log::Info("process.signal", {{"process", name}, {"signal", signals.Wait()}});
  (*host)->Shutdown();
  return 0;
}

}  // namespace sales::runtime
