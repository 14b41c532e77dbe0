// RunProcess: the one main of every process of the platform (Envoy's thin exe/): flags, logging,
// signals, the ModuleHost (gRPC server, /metrics, the hosted modules), the start banner, a clean
// shutdown on SIGINT/SIGTERM. A process is its defaults:
//
//   int main(int argc, char** argv) {
//     return sales::runtime::RunProcess(argc, argv, {.program = "leads",
//                                                    .summary = "The leads context.",
//                                                    .contexts = {"leads"},
//                                                    .grpc_port = 50052, .http_port = 9465},
//                                       &sales::modules::AllModules);
//   }
//
// Flags (every process has all of them; `--help` lists them with this process's defaults):
// --data_dir --host --grpc_port --http_port --kafka_brokers --kafka_partitions --contexts
// --peers --demo_data --durability. `--contexts=` (empty) hosts nothing: with no
// --kafka_brokers that is the embedded Kafka broker on its own.
//
// Exit status: 0 after a clean shutdown, 1 when the process cannot start (the reason on stderr),
// 2 for a malformed flag.
#ifndef SALES_COMMON_RUNTIME_PROCESS_MAIN_H_
#define SALES_COMMON_RUNTIME_PROCESS_MAIN_H_

#include <memory>
#include <string>
#include <vector>

#include "common/runtime/context_module.h"

namespace sales::runtime {

struct ProcessDefaults {
  std::string program;  // "salesd", "leads", …: names the process in its banner and logs
  std::string summary;  // one line for --help
  std::vector<std::string> contexts;  // --contexts default
  int grpc_port = 50051;
  int http_port = 9464;
  bool demo_data = false;  // --demo_data default
  // Refuse to start without --kafka_brokers (a context's own process joins a cluster; it does
  // not start a broker of its own by accident).
  bool kafka_required = false;
};

using ModuleRegistry = std::vector<std::unique_ptr<ContextModule>> (*)();

int RunProcess(int argc, char** argv, const ProcessDefaults& defaults, ModuleRegistry modules);

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_PROCESS_MAIN_H_
