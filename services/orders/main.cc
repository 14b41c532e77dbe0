// orders: the orders bounded context as its own process, against a Kafka cluster.
#include "common/runtime/process_main.h"
#include "services/modules/modules.h"

int main(int argc, char** argv) {
  return sales::runtime::RunProcess(
      argc, argv,
      {.program = "orders",
       .summary = "The orders context (OrderService, EventFeed) as its own process.",
       .contexts = {"orders"},
       .grpc_port = 50056,
       .http_port = 9469,
       .kafka_required = true},
      &sales::modules::AllModules);
}
