// WatchOnHub: the one way a server-streaming "Watch*" RPC of a dashboard answers — a
// LatestValueWriter subscribed to the dashboard's WatchHub (common/projection/watch_hub.h): the
// client gets the view at once, then a new one after each applied batch that changes it; a slow
// client's updates coalesce to the latest.
//
//   grpc::ServerWriteReactor<FunnelUpdate>* FunnelServiceImpl::WatchFunnel(
//       grpc::CallbackServerContext* context, const WatchFunnelRequest* request) {
//     return WatchOnHub<FunnelUpdate>(hub_, ValidateGetFunnelRequest(request->query()),
//         [this, query = request->query()] { return ViewOf(query); },
//         BatchHasPackages({"sales.leads.v1."}));
//   }
//
// `precheck` not OK ends the call at once with it (nothing subscribed). `compute` and `affected`
// follow WatchSubscriber's contract (hub thread; cheap and no I/O for `affected`). The call's
// end unsubscribes it; a hub shutdown ends it with UNAVAILABLE.
#ifndef SALES_COMMON_GRPC_HUB_WATCH_H_
#define SALES_COMMON_GRPC_HUB_WATCH_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/latest_value_writer.h"
#include "common/projection/watch_hub.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"

namespace sales::grpc_server {

template <typename Update>
grpc::ServerWriteReactor<Update>* WatchOnHub(
    projection::WatchHub<Update>* hub, const absl::Status& precheck,
    absl::AnyInvocable<absl::StatusOr<Update>()> compute,
    absl::AnyInvocable<bool(const projection::AppliedBatch&)> affected) {
  auto* writer = new LatestValueWriter<Update>();
  if (!precheck.ok()) {
    writer->Close(ToGrpcStatus(precheck));
    return writer;
  }
  const uint64_t id = hub->Subscribe({
      .compute = std::move(compute),
      .deliver =
          [writer](Update update, projection::WatchSent sent) {
            writer->Offer(std::move(update), std::move(sent));
          },
      .end = [writer](const absl::Status& status) { writer->Close(ToGrpcStatus(status)); },
      .affected = std::move(affected),
  });
  writer->set_on_done([hub, id] { hub->Unsubscribe(id); });
  return writer;
}

// An `affected` for a view that only events of these proto packages (e.g. "sales.leads.v1.")
// can change: true for a batch holding one.
inline absl::AnyInvocable<bool(const projection::AppliedBatch&)> BatchHasPackages(
    const std::vector<std::string>& names) {
  std::vector<std::string> packages;  // as they appear in type URLs: ".../<package><type>"
  packages.reserve(names.size());
  for (const std::string& name : names) packages.push_back(absl::StrCat("/", name));
  return [packages = std::move(packages)](const projection::AppliedBatch& batch) {
    for (const eventstore::SharedEvent& event : batch.events) {
      for (const std::string& package : packages) {
        if (absl::StrContains(event->payload().type_url(), package)) return true;
      }
    }
    return false;
  };
}

}  // namespace sales::grpc_server

#endif  // SALES_COMMON_GRPC_HUB_WATCH_H_
