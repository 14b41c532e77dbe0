// The `salesctl projection …` commands: the read models' progress and a checked rebuild
// (ProjectionAdmin).
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "sales/projections/v1/admin.grpc.pb.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::projections::v1;
using Stub = v1::ProjectionAdmin::Stub;
using google::protobuf::util::TimeUtil;

// "12.3 µs" of CPU per event, or "-" without events.
std::string CpuPerEvent(const google::protobuf::Duration& cpu, uint64_t events) {
  if (events == 0) return "-";
  const double micros = static_cast<double>(TimeUtil::DurationToNanoseconds(cpu)) / 1000.0;
  return absl::StrFormat("%.1f µs", micros / static_cast<double>(events));
}

absl::Status List(Session& session, const CommandArgs&) {
  auto stub = v1::ProjectionAdmin::NewStub(session.channel);
  ASSIGN_OR_RETURN(v1::ListProjectionsResponse response,
                   Call(session, *stub, &Stub::ListProjections, v1::ListProjectionsRequest()));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"PROJECTION", "APPLIED", "DUPLICATES", "DEAD LETTERS", "CATCH-UPS", "LAG",
                      "LIVE CPU/EV", "CATCH-UP CPU/EV", "LAST APPLIED", "LAST ERROR"});
  for (size_t c = 1; c < 8; ++c) table.AlignRight(c);
  for (const v1::ProjectionStatus& status : response.projections()) {
    table.AddRow({status.name(), absl::StrCat(status.applied()), absl::StrCat(status.duplicates()),
                  absl::StrCat(status.dead_lettered()), absl::StrCat(status.catch_ups()),
                  absl::StrCat(status.consumer_lag()),
                  CpuPerEvent(status.live_cpu(), status.live_events()),
                  CpuPerEvent(status.catch_up_cpu(), status.catch_up_events()),
                  FormatTime(status.last_applied_at(), session.zone.zone),
                  status.last_error().empty() ? "-" : status.last_error()});
  }
  *session.out << table.Render();
  return absl::OkStatus();
}

absl::Status Rebuild(Session& session, const CommandArgs& args) {
  v1::RebuildRequest request;
  request.set_name(args.Get("name"));
  request.set_keep_copy(args.Has("keep"));
  ASSIGN_OR_RETURN(int64_t wait_seconds, args.GetInt("max-wait", 30));
  if (wait_seconds <= 0 || wait_seconds > 600) return InvalidField("--max-wait", "must be 1–600");
  *request.mutable_max_wait() = TimeUtil::SecondsToDuration(wait_seconds);
  session.deadline = absl::Seconds(wait_seconds) + absl::Minutes(5);  // the rebuild itself
  auto stub = v1::ProjectionAdmin::NewStub(session.channel);
  ASSIGN_OR_RETURN(v1::RebuildResponse response, Call(session, *stub, &Stub::Rebuild, request));
  if (session.json) return PrintJson(session, response);
  *session.out << "rebuilt " << response.name()
               << " from the event feeds: " << response.events_applied() << " events ("
               << (response.streams() > 0 ? absl::StrCat(response.streams(), " streams")
                                          : absl::StrCat("feeds at ", response.feed_positions()))
               << ") in " << TimeUtil::DurationToMilliseconds(response.took())
               << " ms (catch-up CPU " << CpuPerEvent(response.cpu(), response.events_applied())
               << " per event)\n"
               << "live     " << response.live_checksum() << "\n"
               << "rebuilt  " << response.rebuilt_checksum() << "\n"
               << (response.identical() ? "identical: the live read model equals its rebuild\n"
                                        : "DIFFERENT: the live read model does not equal its "
                                          "rebuild\n");
  if (!response.rebuilt_path().empty()) {
    *session.out << "rebuilt copy kept at " << response.rebuilt_path() << "\n";
  }
  // A difference is a finding, not a usage error: report it through the exit status too.
  if (!response.identical()) {
    absl::Status differs = absl::DataLossError("the rebuilt read model differs from the live one");
    differs.SetPayload(kRpcErrorPayload, absl::Cord("checksum comparison"));
    return differs;
  }
  return absl::OkStatus();
}

}  // namespace

CommandGroup ProjectionCommandGroup() {
  return {
      .name = "projection",
      .summary = "read models: progress, rebuild checked against the live one",
      .commands = {{"list", "the read models this server runs and their progress", {}, List},
                   {"rebuild",
                    "rebuild a read model from the event stores and compare it with the live one",
                    {{.name = "name",
                      .help = "funnel or deal-history",
                      .required = true,
                      .positional = true},
                     {.name = "keep", .help = "keep the rebuilt copy", .boolean = true},
                     {.name = "max-wait",
                      .help = "seconds to wait for the live model to catch up "
                              "(default 30)"}},
                    Rebuild}}};
}

}  // namespace sales::salesctl
