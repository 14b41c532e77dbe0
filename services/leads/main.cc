// leads: the leads bounded context as its own process, against a Kafka cluster.
#include "common/runtime/process_main.h"
#include "services/modules/modules.h"

int main(int argc, char** argv) {
  return sales::runtime::RunProcess(
      argc, argv,
      {.program = "leads",
       .summary = "The leads context (LeadService, EventFeed, overdue scanner) as its own process.",
       .contexts = {"leads"},
       .grpc_port = 50052,
       .http_port = 9465,
       .kafka_required = true},
      &sales::modules::AllModules);
}
