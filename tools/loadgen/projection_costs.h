// Projection costs, measured from outside through ProjectionAdmin: what each projection of a
// server spent per event following a load live (ListProjections before and after it: live CPU
// and events), against what it spends per event catching up (a Rebuild: its catch-up CPU and
// events). Issue 14's target: live ≤ 2 × catch-up.
#ifndef SALES_TOOLS_LOADGEN_PROJECTION_COSTS_H_
#define SALES_TOOLS_LOADGEN_PROJECTION_COSTS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "sales/projections/v1/admin.pb.h"

namespace sales::loadgen {

// Every projection's status, by name.
using ProjectionSnapshot = std::map<std::string, projections::v1::ProjectionStatus>;
absl::StatusOr<ProjectionSnapshot> SnapshotProjections(
    const std::shared_ptr<grpc::Channel>& channel);

// What the projections' own threads (runners and committers) spent between two snapshots of one
// server: the sum of every projection's live_cpu and catch_up_cpu differences. RocksDB's shared
// background threads (flushes, compactions) are not in it.
absl::Duration ProjectionCpuBetween(const ProjectionSnapshot& before,
                                    const ProjectionSnapshot& after);

struct ProjectionCost {
  std::string name;
  uint64_t live_events = 0;         // applied live between the snapshots
  double live_us_per_event = 0;     // live CPU between the snapshots ÷ live_events
  uint64_t rebuild_events = 0;      // applied by the rebuild
  double rebuild_us_per_event = 0;  // the rebuild's catch-up CPU ÷ rebuild_events
};

// Rebuilds every projection of `after` and pairs its live cost (after − before) with it.
absl::StatusOr<std::vector<ProjectionCost>> MeasureProjectionCosts(
    const std::shared_ptr<grpc::Channel>& channel, const ProjectionSnapshot& before,
    const ProjectionSnapshot& after);

// A table, then one line per projection "leads_loadgen: projection NAME live_us/event=… …".
std::string RenderProjectionCosts(const std::vector<ProjectionCost>& costs);

}  // namespace sales::loadgen

#endif  // SALES_TOOLS_LOADGEN_PROJECTION_COSTS_H_
