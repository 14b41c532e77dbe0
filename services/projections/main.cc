// projections: the read side as its own process (DESIGN.md "Distributed"). Thin: flags →
// ProjectionsServer::Start → wait for SIGINT/SIGTERM → Shutdown. salesd hosts the same code.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/log/log.h"
#include "common/runtime/termination_signals.h"
#include "services/projections/projections_server.h"

ABSL_FLAG(std::string, data_dir, "./data", "Directory holding the read models.");
ABSL_FLAG(std::string, host, "127.0.0.1", "Interface the gRPC and HTTP servers listen on.");
ABSL_FLAG(int, grpc_port, 50053, "gRPC port (0 picks a free port).");
ABSL_FLAG(int, http_port, 9466, "HTTP port of /metrics (0 picks a free port).");
ABSL_FLAG(std::string, kafka_brokers, "",
          "Required: bootstrap servers of the Kafka cluster (or of salesd's embedded broker).");
ABSL_FLAG(std::string, leads_feed, "",
          "Required: gRPC address of the leads service (its EventFeed), e.g. 127.0.0.1:50052.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The projections (funnel read model; FunnelService + ProjectionAdmin over gRPC, /metrics) "
      "as their own process.\n"
      "Usage: projections --kafka_brokers=host:port --leads_feed=host:port [--data_dir=./data] "
      "[--grpc_port=50053] [--http_port=9466]");
  absl::ParseCommandLine(argc, argv);

  sales::runtime::TerminationSignals signals;  // before any thread starts

  auto server = sales::projections::ProjectionsServer::Start({
      .data_dir = absl::GetFlag(FLAGS_data_dir),
      .host = absl::GetFlag(FLAGS_host),
      .grpc_port = absl::GetFlag(FLAGS_grpc_port),
      .http_port = absl::GetFlag(FLAGS_http_port),
      .kafka_brokers = absl::GetFlag(FLAGS_kafka_brokers),
      .leads_feed = absl::GetFlag(FLAGS_leads_feed),
  });
  if (!server.ok()) {
    std::cerr << "projections: cannot start: " << server.status().message() << "\n";
    return 1;
  }
  std::cout << "projections: gRPC     " << (*server)->grpc_address()
            << "   (FunnelService, ProjectionAdmin; health checking and reflection on)\n"
            << "projections: Kafka    " << absl::GetFlag(FLAGS_kafka_brokers) << "\n"
            << "projections: metrics  " << (*server)->metrics_url() << "\n"
            << "projections: data     " << absl::GetFlag(FLAGS_data_dir) << "\n"
            << "projections: running; Ctrl-C stops it" << std::endl;

  sales::log::Info("projections.signal", {{"signal", signals.Wait()}});
  (*server)->Shutdown();
  return 0;
}
