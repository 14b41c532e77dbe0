#include "services/projections/cli/report_flags.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sales::salesctl {

namespace v1 = ::sales::projections::v1;
using google::protobuf::util::TimeUtil;

std::vector<FlagSpec> PeriodFlags() {
  return {{.name = "period", .help = "day, week, month (default), quarter or year"},
          {.name = "at", .help = "a day inside the period, e.g. 2026-11-20 (default: now)"},
          {.name = "last", .help = "the last N days through --at's day instead, e.g. 30 or 30d"},
          {.name = "to-date",
           .help = "the --period from its start through --at's day (month to date, …)",
           .boolean = true}};
}

FlagSpec UpdatesFlag() {
  return {.name = "updates", .help = "stop after this many reports (default: until interrupted)"};
}

absl::StatusOr<ReportPeriodFlags> ParsePeriodFlags(const Session& session,
                                                   const CommandArgs& args) {
  ReportPeriodFlags period;
  if (args.Has("last")) {
    if (args.Has("period") || args.Has("to-date")) {
      return InvalidField("--last", "cannot be combined with --period or --to-date");
    }
    std::string days = args.Get("last");
    if (absl::EndsWith(days, "d")) days.pop_back();
    if (!absl::SimpleAtoi(days, &period.last_days) || period.last_days < 1) {
      return InvalidField("--last", "a number of days, e.g. 30 or 30d");
    }
  } else {
    const std::string name = args.Has("period") ? args.Get("period") : "month";
    ASSIGN_OR_RETURN(int granularity,
                     ParseEnum(*v1::PeriodGranularity_descriptor(), name, "--period"));
    period.granularity = static_cast<v1::PeriodGranularity>(granularity);
    period.to_date = args.Has("to-date");
  }
  if (args.Has("at")) {
    ASSIGN_OR_RETURN(period.period_at, ParseTime(args.Get("at"), session.zone.zone, "--at"));
  } else {
    period.period_at = TimeUtil::GetCurrentTime();
  }
  return period;
}

std::string PeriodLine(const Session& session, const std::string& title, const v1::Period& period) {
  const std::string kind =
      period.relative().empty()
          ? EnumShortName(*v1::PeriodGranularity_descriptor(), period.granularity())
          : period.relative();
  return absl::StrCat(title, " ", period.key(), " (", kind, " ",
                      FormatTime(period.start(), session.zone.zone), " – ",
                      FormatTime(period.end(), session.zone.zone), ", ", session.zone.name, ")");
}

}  // namespace sales::salesctl
