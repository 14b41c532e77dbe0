#include "tools/loadgen/projection_costs.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/grpc_status.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/client_context.h"
#include "sales/projections/v1/admin.grpc.pb.h"
#include "tools/salesctl/table_printer.h"

namespace sales::loadgen {
namespace {

using google::protobuf::util::TimeUtil;

// Below this, idle wakes and polls dominate what live following cost (the org replica under the
// leads load applies a handful of events).
constexpr uint64_t kFewestLiveEvents = 1000;

double Micros(const google::protobuf::Duration& duration) {
  return static_cast<double>(TimeUtil::DurationToNanoseconds(duration)) / 1000.0;
}

double PerEvent(double micros, uint64_t events) {
  return events > 0 ? micros / static_cast<double>(events) : 0;
}

// `name`'s status in `snapshot`, or an empty one (a projection that appeared since).
projections::v1::ProjectionStatus StatusIn(const ProjectionSnapshot& snapshot,
                                           const std::string& name) {
  const auto it = snapshot.find(name);
  return it != snapshot.end() ? it->second : projections::v1::ProjectionStatus();
}

}  // namespace

absl::StatusOr<ProjectionSnapshot> SnapshotProjections(
    const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = projections::v1::ProjectionAdmin::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  projections::v1::ListProjectionsResponse response;
  const grpc::Status status = stub->ListProjections(&context, {}, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  ProjectionSnapshot snapshot;
  for (const projections::v1::ProjectionStatus& projection : response.projections()) {
    snapshot[projection.name()] = projection;
  }
  return snapshot;
}

absl::Duration ProjectionCpuBetween(const ProjectionSnapshot& before,
                                    const ProjectionSnapshot& after) {
  absl::Duration spent;
  for (const auto& [name, now] : after) {
    const projections::v1::ProjectionStatus start = StatusIn(before, name);
    spent += absl::Nanoseconds(TimeUtil::DurationToNanoseconds(now.live_cpu()) -
                               TimeUtil::DurationToNanoseconds(start.live_cpu()) +
                               TimeUtil::DurationToNanoseconds(now.catch_up_cpu()) -
                               TimeUtil::DurationToNanoseconds(start.catch_up_cpu()));
  }
  return spent;
}

absl::StatusOr<std::vector<ProjectionCost>> MeasureProjectionCosts(
    const std::shared_ptr<grpc::Channel>& channel, const ProjectionSnapshot& before,
    const ProjectionSnapshot& after) {
  auto stub = projections::v1::ProjectionAdmin::NewStub(channel);
  std::vector<ProjectionCost> costs;
  for (const auto& [name, now] : after) {
    ProjectionCost cost{.name = name};
    const projections::v1::ProjectionStatus start = StatusIn(before, name);
    cost.live_events = now.live_events() - start.live_events();
    cost.live_us_per_event =
        PerEvent(Micros(now.live_cpu()) - Micros(start.live_cpu()), cost.live_events);

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    projections::v1::RebuildRequest request;
    request.set_name(name);
    projections::v1::RebuildResponse rebuilt;
    const grpc::Status status = stub->Rebuild(&context, request, &rebuilt);
    if (!status.ok()) {
      return absl::Status(FromGrpcStatus(status).code(),
                          absl::StrCat("rebuilding ", name, ": ", status.error_message()));
    }
    cost.rebuild_events = rebuilt.events_applied();
    cost.rebuild_us_per_event = PerEvent(Micros(rebuilt.cpu()), cost.rebuild_events);
    costs.push_back(std::move(cost));
  }
  return costs;
}

std::string RenderProjectionCosts(const std::vector<ProjectionCost>& costs) {
  salesctl::TablePrinter table({"PROJECTION", "LIVE_EVENTS", "LIVE_US/EV", "REBUILD_EVENTS",
                                "REBUILD_US/EV", "LIVE/REBUILD"});
  for (size_t column = 1; column < 6; ++column) table.AlignRight(column);
  std::string lines;
  for (const ProjectionCost& cost : costs) {
    const double ratio =
        cost.rebuild_us_per_event > 0 ? cost.live_us_per_event / cost.rebuild_us_per_event : 0;
    table.AddRow(
        {cost.name, absl::StrCat(cost.live_events), absl::StrFormat("%.1f", cost.live_us_per_event),
         absl::StrCat(cost.rebuild_events), absl::StrFormat("%.1f", cost.rebuild_us_per_event),
         absl::StrFormat("%.2f", ratio)});
    if (cost.live_events < kFewestLiveEvents) {
      absl::StrAppendFormat(&lines,
                            "leads_loadgen: projection %s: %d live events, too few to compare\n",
                            cost.name, cost.live_events);
      continue;
    }
    absl::StrAppendFormat(&lines,
                          "leads_loadgen: projection %s live_us/event=%.1f rebuild_us/event=%.1f "
                          "live/rebuild=%.2f (target <= 2)\n",
                          cost.name, cost.live_us_per_event, cost.rebuild_us_per_event, ratio);
  }
  return table.Render() + "\n" + lines;
}

}  // namespace sales::loadgen
