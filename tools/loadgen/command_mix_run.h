// What the command-mix load generators (channels_loadgen, orders_loadgen) share around their
// workloads: the server they drive (--server's, or an in-process salesd on a temp dir, removed
// at exit) and the comparison with the empty RPC — run its phase on the same server with the
// same clients, print the table, the errors and the summary line
// "<program>: commands/s=… empty_rpc/s=… ratio=… p50_ms=… p99_ms=… <extra>".
//
//   ASSIGN_OR_RETURN(auto server, TargetServer::Start("orders_loadgen", flag, {"org", …}));
//   PhaseResult commands = RunPhase(options, …);
//   return CompareWithEmptyRpc("orders_loadgen", options, channels, mode, commands, "");
//
// Thread-safety: call from the main thread.
#ifndef SALES_TOOLS_LOADGEN_COMMAND_MIX_RUN_H_
#define SALES_TOOLS_LOADGEN_COMMAND_MIX_RUN_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/runtime/module_host.h"
#include "grpcpp/grpcpp.h"
#include "tools/loadgen/phase_runner.h"

namespace sales::loadgen {

class TargetServer {
 public:
  // `server`: host:port to drive; empty starts salesd in-process hosting `contexts`.
  static absl::StatusOr<std::unique_ptr<TargetServer>> Start(const std::string& program,
                                                             const std::string& server,
                                                             std::vector<std::string> contexts);
  ~TargetServer();  // stops the in-process salesd and removes its data
  const std::string& address() const { return address_; }

 private:
  TargetServer() = default;
  std::unique_ptr<runtime::ModuleHost> host_;
  std::string data_dir_;
  std::string address_;
};

// The exit code: 1 when any call of either phase failed.
int CompareWithEmptyRpc(const std::string& program, const PhaseOptions& options,
                        const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                        const std::string& mode, const PhaseResult& commands,
                        const std::string& extra_summary);

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_COMMAND_MIX_RUN_H_
