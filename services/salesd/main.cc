// salesd: the embedded all-in-one process — every module and the embedded Kafka broker.
#include "common/runtime/process_main.h"
#include "services/modules/modules.h"

int main(int argc, char** argv) {
  return sales::runtime::RunProcess(
      argc, argv,
      {.program = "salesd",
       .summary = "The sales platform, all in one process: embedded Kafka broker, every context "
                  "and projection, gRPC and /metrics.",
       .contexts = sales::modules::AllModuleNames(),
       .demo_data = true},
      &sales::modules::AllModules);
}
