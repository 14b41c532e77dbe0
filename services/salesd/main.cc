// salesd: the embedded all-in-one process. Thin: flags → Salesd::Start → wait for a signal.
#include <filesystem>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"
#include "common/runtime/termination_signals.h"
#include "services/salesd/salesd.h"

ABSL_FLAG(std::string, data_dir, "./data", "Directory holding every store of this process.");
ABSL_FLAG(std::string, host, "127.0.0.1", "Interface the gRPC and HTTP servers listen on.");
ABSL_FLAG(int, grpc_port, 50051, "gRPC port (0 picks a free port).");
ABSL_FLAG(int, http_port, 9464, "HTTP port of /metrics (0 picks a free port).");
ABSL_FLAG(std::string, kafka_brokers, "",
          "Bootstrap servers of a real Kafka cluster; empty starts the embedded broker.");
ABSL_FLAG(int, kafka_partitions, 12, "Partitions per topic on the embedded broker.");
ABSL_FLAG(bool, demo_data, true,
          "Seed a demo sales organisation and leads when the leads store is empty.");

namespace {

// The salesctl built beside this salesd (build/tools/salesctl/salesctl for
// build/services/salesd/salesd), else plain "salesctl".
std::string SalesctlCommand(const char* argv0) {
  const std::filesystem::path beside =
      (std::filesystem::path(argv0).parent_path() / "../../tools/salesctl/salesctl")
          .lexically_normal();
  std::error_code error;
  return std::filesystem::exists(beside, error) ? beside.string() : "salesctl";
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The sales platform, all in one process: embedded Kafka broker, every service and "
      "projection, gRPC and /metrics.\nUsage: salesd [--data_dir=./data] [--grpc_port=50051] "
      "[--http_port=9464] [--kafka_brokers=host:port] [--demo_data=false]");
  // Debian's Abseil is built without NDEBUG, so every Mutex::Lock would also update a global
  // lock-order graph (deadlock detection, a debugging aid) under a global lock: off in servers.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);

  sales::runtime::TerminationSignals signals;  // before any thread starts

  auto salesd = sales::salesd::Salesd::Start({
      .data_dir = absl::GetFlag(FLAGS_data_dir),
      .host = absl::GetFlag(FLAGS_host),
      .grpc_port = absl::GetFlag(FLAGS_grpc_port),
      .http_port = absl::GetFlag(FLAGS_http_port),
      .kafka_brokers = absl::GetFlag(FLAGS_kafka_brokers),
      .kafka_partitions = absl::GetFlag(FLAGS_kafka_partitions),
      .demo_data = absl::GetFlag(FLAGS_demo_data),
  });
  if (!salesd.ok()) {
    std::cerr << "salesd: cannot start: " << salesd.status().message() << "\n";
    return 1;
  }
  const std::string kafka = (*salesd)->kafka_bootstrap();
  const std::string salesctl =
      absl::StrCat(SalesctlCommand(argv[0]), " --server ", (*salesd)->grpc_address());
  std::cout << "salesd: gRPC     " << (*salesd)->grpc_address()
            << "   (gRPC health checking and server reflection on)\n"
            << "salesd: Kafka    " << kafka
            << ((*salesd)->embedded_broker() ? "   (embedded broker: kcat -b " + kafka + " -L)"
                                             : "")
            << "\n"
            << "salesd: metrics  " << (*salesd)->metrics_url() << "\n"
            << "salesd: data     " << absl::GetFlag(FLAGS_data_dir)
            << ((*salesd)->demo_leads_seeded() > 0
                    ? absl::StrCat("   (demo data: ", (*salesd)->demo_leads_seeded(), " leads)")
                    : "")
            << "\n"
            << "salesd: try      " << salesctl << " leads list\n"
            << "salesd:          " << salesctl << " funnel show --by team\n"
            << "salesd:          " << salesctl << " audit history D-2026-001\n"
            << "salesd: running; Ctrl-C stops it" << std::endl;

  sales::log::Info("salesd.signal", {{"signal", signals.Wait()}});
  (*salesd)->Shutdown();
  return 0;
}
