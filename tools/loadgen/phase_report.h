// What every load generator's main shares: the client channels of a channel mode, and a phase's
// rows of the report table (one per command kind, then the total).
//
//   auto channels = MakeChannels(target, "shared", 8);
//   AddRows(table, "shared", phase_result, "ALL COMMANDS");
//
// Thread-safety: functions of their arguments.
#ifndef SALES_TOOLS_LOADGEN_PHASE_REPORT_H_
#define SALES_TOOLS_LOADGEN_PHASE_REPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "tools/loadgen/phase_runner.h"
#include "tools/salesctl/table_printer.h"

namespace sales::loadgen {

// mode "shared": one channel for every client; else one each with its own connection (a local
// subchannel pool, else gRPC would share one connection between identical channels).
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target,
                                                         const std::string& mode, int clients);

// The table's columns: MODE, KIND, CALLS, CALLS/S, P50 MS, P99 MS, P999 MS, ERRORS.
void AddRows(salesctl::TablePrinter& table, const std::string& mode, const PhaseResult& phase,
             const std::string& total_name);

// The phase's failed calls, one row per (kind, code): MODE, PHASE, KIND, CODE, COUNT.
void AddErrorRows(salesctl::TablePrinter& errors, const std::string& mode,
                  const std::string& phase_name, const PhaseResult& phase);

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_PHASE_REPORT_H_
