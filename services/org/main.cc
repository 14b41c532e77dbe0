// org: the org bounded context as its own process, against a Kafka cluster.
#include "common/runtime/process_main.h"
#include "services/modules/modules.h"

int main(int argc, char** argv) {
  return sales::runtime::RunProcess(
      argc, argv,
      {.program = "org",
       .summary = "The org context (OrgService, EventFeed) as its own process.",
       .contexts = {"org"},
       .grpc_port = 50054,
       .http_port = 9467,
       .kafka_required = true},
      &sales::modules::AllModules);
}
