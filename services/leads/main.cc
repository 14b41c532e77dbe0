// leads: the leads service as its own process (DESIGN.md "Distributed"). Thin: flags →
// LeadsServer::Start → wait for SIGINT/SIGTERM → Shutdown. salesd hosts the same code.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"
#include "common/runtime/termination_signals.h"
#include "services/leads/leads_server.h"

ABSL_FLAG(std::string, data_dir, "./data", "Directory holding the leads store and read model.");
ABSL_FLAG(std::string, host, "127.0.0.1", "Interface the gRPC and HTTP servers listen on.");
ABSL_FLAG(int, grpc_port, 50052, "gRPC port (0 picks a free port).");
ABSL_FLAG(int, http_port, 9465, "HTTP port of /metrics (0 picks a free port).");
ABSL_FLAG(std::string, kafka_brokers, "",
          "Required: bootstrap servers of the Kafka cluster (or of salesd's embedded broker).");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The leads service (LeadService + EventFeed over gRPC, /metrics) as its own process.\n"
      "Usage: leads --kafka_brokers=host:port [--data_dir=./data] [--grpc_port=50052] "
      "[--http_port=9465]");
  // Debian's Abseil is built without NDEBUG, so every Mutex::Lock would also update a global
  // lock-order graph (deadlock detection, a debugging aid) under a global lock: off in servers.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);

  sales::runtime::TerminationSignals signals;  // before any thread starts

  auto server = sales::leads::LeadsServer::Start({
      .data_dir = absl::GetFlag(FLAGS_data_dir),
      .host = absl::GetFlag(FLAGS_host),
      .grpc_port = absl::GetFlag(FLAGS_grpc_port),
      .http_port = absl::GetFlag(FLAGS_http_port),
      .kafka_brokers = absl::GetFlag(FLAGS_kafka_brokers),
  });
  if (!server.ok()) {
    std::cerr << "leads: cannot start: " << server.status().message() << "\n";
    return 1;
  }
  std::cout << "leads: gRPC     " << (*server)->grpc_address()
            << "   (LeadService, EventFeed; health checking and reflection on)\n"
            << "leads: Kafka    " << absl::GetFlag(FLAGS_kafka_brokers) << "\n"
            << "leads: metrics  " << (*server)->metrics_url() << "\n"
            << "leads: data     " << absl::GetFlag(FLAGS_data_dir) << "\n"
            << "leads: running; Ctrl-C stops it" << std::endl;

  sales::log::Info("leads.signal", {{"signal", signals.Wait()}});
  (*server)->Shutdown();
  return 0;
}
