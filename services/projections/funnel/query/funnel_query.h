// FunnelQuery: answers GetFunnel from the committed funnel read model (model/keys.h) — per
// stored period (1 for a DAY, MONTH or YEAR, the 7 days of a WEEK, the 3 months of a QUARTER) one
// point lookup of the cell row for a whole-organisation or filtered report, one prefix scan for a
// grouped one, plus the stock row(s) — and turns counters into figures by the definitions in
// proto/sales/projections/v1/funnel.proto.
//
//   FunnelQuery query(&runner->store());
//   ASSIGN_OR_RETURN(v1::FunnelReport report, query.GetFunnel(request));
//
// A grouped report is tens of thousands of small messages (≈190 a row): where it is served, build
// it on a protobuf Arena, which allocates them by bumping a pointer and frees them at once:
//
//   google::protobuf::Arena arena(ReportArenaOptions());
//   auto* report = google::protobuf::Arena::CreateMessage<v1::FunnelReport>(&arena);
//   RETURN_IF_ERROR(query.GetFunnel(request, *report));
//
// Errors: INVALID_ARGUMENT "field <name>: <reason>" for a bad request (ValidateGetFunnelRequest);
// DATA_LOSS for a row that does not decode; RocksDB errors as they come.
//
// Thread-safety: thread-safe (reads only; the store allows reads concurrent with commits). A
// report reads its rows one by one, so while the runner commits it may mix two consecutive
// commits' rows of different keys.
#ifndef SALES_SERVICES_PROJECTIONS_FUNNEL_QUERY_FUNNEL_QUERY_H_
#define SALES_SERVICES_PROJECTIONS_FUNNEL_QUERY_FUNNEL_QUERY_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/projection/projection_store.h"
#include "google/protobuf/arena.h"
#include "sales/projections/v1/funnel.pb.h"

namespace sales::funnel {

// INVALID_ARGUMENT naming the field: granularity and period_at required and valid; a filter
// needs a known dimension and a value that is "" or an id (SOURCE and GRADE: an enum name);
// group_by a known dimension; not both filter and group_by.
absl::Status ValidateGetFunnelRequest(const projections::v1::GetFunnelRequest& request);

// Options of the Arena a report is built on: blocks grow to 1 MiB, so that a large grouped report
// (tens of thousands of messages) takes a few blocks instead of hundreds.
google::protobuf::ArenaOptions ReportArenaOptions();

class FunnelQuery {
 public:
  // `store` (not owned) must outlive the query.
  explicit FunnelQuery(projection::ProjectionStore* store) : store_(store) {}

  // Fills `report` (cleared first; on an error its content is unspecified). Its submessages are
  // allocated on `report`'s Arena, if it has one.
  absl::Status GetFunnel(const projections::v1::GetFunnelRequest& request,
                         projections::v1::FunnelReport& report) const;
  // The same into a new heap-allocated report.
  absl::StatusOr<projections::v1::FunnelReport> GetFunnel(
      const projections::v1::GetFunnelRequest& request) const;

 private:
  projection::ProjectionStore* const store_;
};

}  // namespace sales::funnel

#endif  // SALES_SERVICES_PROJECTIONS_FUNNEL_QUERY_FUNNEL_QUERY_H_
