// incentives: the incentives context as its own process, against a Kafka cluster.
#include "common/runtime/process_main.h"
#include "services/modules/modules.h"

int main(int argc, char** argv) {
  return sales::runtime::RunProcess(
      argc, argv,
      {.program = "incentives",
       .summary = "The incentives context (IncentiveService, EventFeed) as its own process.",
       .contexts = {"incentives"},
       .grpc_port = 50057,
       .http_port = 9470,
       .kafka_required = true},
      &sales::modules::AllModules);
}
