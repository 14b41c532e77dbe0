// channels: the channels bounded context as its own process, against a Kafka cluster.
#include "common/runtime/process_main.h"
#include "services/modules/modules.h"

int main(int argc, char** argv) {
  return sales::runtime::RunProcess(
      argc, argv,
      {.program = "channels",
       .summary = "The channels context (ChannelService, EventFeed) as its own process.",
       .contexts = {"channels"},
       .grpc_port = 50055,
       .http_port = 9468,
       .kafka_required = true},
      &sales::modules::AllModules);
}
