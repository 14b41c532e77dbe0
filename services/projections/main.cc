// projections: the read side (funnel, performance, audit) as its own process, fed by the contexts'
// processes.
#include "common/runtime/process_main.h"
#include "services/modules/modules.h"

int main(int argc, char** argv) {
  return sales::runtime::RunProcess(
      argc, argv,
      {.program = "projections",
       .summary = "The read side (FunnelService, PerformanceService, AuditService, "
                  "ProjectionAdmin) as its own process; --peers names the contexts' processes.",
       .contexts = {"funnel", "performance", "audit"},
       .grpc_port = 50053,
       .http_port = 9466,
       .kafka_required = true},
      &sales::modules::AllModules);
}
