// What the dashboards' salesctl groups share: the period flags (--period, --at, --last,
// --to-date) of every report request, the report's period line, and the loop that prints a
// Watch* stream.
//
//   std::vector<FlagSpec> flags = PeriodFlags();
//   ASSIGN_OR_RETURN(const ReportPeriodFlags period, ParsePeriodFlags(session, args));
//   period.ApplyTo(request);  // any request with the period fields
//   ...
//   return PrintWatch<v1::FunnelUpdate>(session, args, context, *reader, [&](const auto& u) {...});
//
// Thread-compatible.
#ifndef SALES_SERVICES_PROJECTIONS_CLI_REPORT_FLAGS_H_
#define SALES_SERVICES_PROJECTIONS_CLI_REPORT_FLAGS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "sales/projections/v1/period.pb.h"
#include "tools/salesctl/commands.h"

namespace sales::salesctl {

// --period, --at, --last, --to-date.
std::vector<FlagSpec> PeriodFlags();

struct ReportPeriodFlags {
  projections::v1::PeriodGranularity granularity = projections::v1::PERIOD_GRANULARITY_UNSPECIFIED;
  google::protobuf::Timestamp period_at;
  int32_t last_days = 0;
  bool to_date = false;

  template <typename Request>
  void ApplyTo(Request& request) const {
    request.set_granularity(granularity);
    *request.mutable_period_at() = period_at;
    request.set_last_days(last_days);
    request.set_to_date(to_date);
  }
};
// INVALID_ARGUMENT naming the flag: --last with --period or --to-date, a --last that is not a
// number of days, an unknown --period, a bad --at. Defaults: the month holding now.
absl::StatusOr<ReportPeriodFlags> ParsePeriodFlags(const Session& session, const CommandArgs& args);

// "<title> 2026-11 (MONTH 2026-11-01 00:00 – 2026-12-01 00:00, Asia/Shanghai)"; a relative
// period names itself ("last 30 days").
std::string PeriodLine(const Session& session, const std::string& title,
                       const projections::v1::Period& period);

// The --updates flag of a watch command.
FlagSpec UpdatesFlag();

// Prints a Watch* stream's snapshot and every update (`text`, or JSON with --json) until the
// server ends it, --updates were printed, or salesctl is interrupted.
template <typename Update>
absl::Status PrintWatch(Session& session, const CommandArgs& args, grpc::ClientContext& context,
                        grpc::ClientReader<Update>& reader,
                        const std::function<std::string(const Update&)>& text) {
  ASSIGN_OR_RETURN(int64_t limit, args.GetInt("updates", 0));
  if (limit < 0) return InvalidField("--updates", "must not be negative");
  Update update;
  int64_t received = 0;
  while (reader.Read(&update)) {
    ++received;
    if (session.json) {
      RETURN_IF_ERROR(PrintJson(session, update));
    } else {
      *session.out << "── update " << received << " at "
                   << FormatTime(google::protobuf::util::TimeUtil::GetCurrentTime(),
                                 session.zone.zone)
                   << " ──\n"
                   << text(update) << "\n";
    }
    session.out->flush();
    if (limit > 0 && received >= limit) {
      context.TryCancel();
      reader.Finish();
      return absl::OkStatus();
    }
  }
  grpc::Status status = reader.Finish();
  return status.ok() ? absl::OkStatus() : RpcError(status, context);
}

}  // namespace sales::salesctl

#endif  // SALES_SERVICES_PROJECTIONS_CLI_REPORT_FLAGS_H_
