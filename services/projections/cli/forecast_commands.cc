// The `salesctl forecast …` commands: a period's forecast per scenario (today's and its daily
// snapshots) and the accuracy of past forecasts (MAPE, RMSE).
#include "services/projections/cli/forecast_commands.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/projections/v1/performance.grpc.pb.h"
#include "services/projections/cli/performance_flags.h"
#include "services/projections/cli/report_flags.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/flag_values.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::projections::v1;

FlagSpec PeriodFlag() {
  return {.name = "period", .help = "week, month (default), quarter or year"};
}
FlagSpec AsOfFlag() {
  return {.name = "as-of", .help = "as of this day or time, e.g. 2026-11-20 (default: now)"};
}

std::vector<FlagSpec> ShowFlags() {
  std::vector<FlagSpec> flags = {
      PeriodFlag(),
      {.name = "at", .help = "a day inside the period, e.g. 2027-01-15 (default: --as-of)"},
      AsOfFlag(),
      {.name = "snapshots", .help = "list every daily snapshot too", .boolean = true}};
  for (FlagSpec& flag : ScopeFilterFlags()) flags.push_back(std::move(flag));
  return flags;
}

std::vector<FlagSpec> AccuracyFlags() {
  std::vector<FlagSpec> flags = {
      PeriodFlag(),
      {.name = "periods", .help = "the last N closed periods (1–24; 3)"},
      {.name = "day",
       .help = "compare the snapshot taken on this day of each period (0 = at its start; 0)"},
      AsOfFlag()};
  for (FlagSpec& flag : ScopeFilterFlags()) flags.push_back(std::move(flag));
  return flags;
}

template <typename Request>
absl::Status ParseCommon(const Session& session, const CommandArgs& args, Request& request) {
  ASSIGN_OR_RETURN(const ReportPeriodFlags period, ParsePeriodFlags(session, args));
  request.set_granularity(period.granularity);
  if (args.Has("as-of")) {
    ASSIGN_OR_RETURN(*request.mutable_as_of(),
                     ParseTime(args.Get("as-of"), session.zone.zone, "--as-of"));
  }
  return ParseScopeFilter(args, request);
}

std::string ScopeOf(v1::PerformanceDimension dimension, const std::string& value) {
  if (dimension == v1::PERFORMANCE_DIMENSION_UNSPECIFIED) return "the whole organisation";
  return absl::StrCat(DimensionName(dimension), " ", value);
}

// One table per currency, a column per scenario, read down: booked + the run rate's rest + the
// pipeline = the forecast (and the actual once the period closed).
std::string AmountsTable(const v1::ForecastSnapshot& snapshot) {
  std::string out;
  for (const v1::ForecastAmounts& a : snapshot.amounts()) {
    const std::string& currency = a.currency();
    TablePrinter table({currency, "CONSERVATIVE", "BASE", "OPTIMISTIC"});
    for (size_t c = 1; c < 4; ++c) table.AlignRight(c);
    const auto same = [&](const std::string& part, int64_t units) {
      const std::string money = Money(currency, units);
      table.AddRow({part, money, money, money});
    };
    same("booked", a.booked());
    same(absl::StrCat("run rate (28 days: ", Money(currency, a.run_rate_28_days()), ")"),
         a.run_rate_remainder());
    table.AddRow({"pipeline", Money(currency, a.pipeline_conservative()),
                  Money(currency, a.pipeline_base()), Money(currency, a.pipeline_optimistic())});
    table.AddRow({"forecast", Money(currency, a.conservative()), Money(currency, a.base()),
                  Money(currency, a.optimistic())});
    if (a.has_actual()) same("actual", a.actual());
    absl::StrAppend(&out, table.Render());
  }
  return out;
}

std::string SnapshotsTable(const Session& session, const v1::ForecastReport& report) {
  TablePrinter table(
      {"TAKEN", "DAYS LEFT", "CURRENCY", "CONSERVATIVE", "BASE", "OPTIMISTIC", "ACTUAL"});
  for (size_t c = 1; c < 7; ++c) table.AlignRight(c);
  for (const v1::ForecastSnapshot& snapshot : report.snapshots()) {
    for (const v1::ForecastAmounts& a : snapshot.amounts()) {
      table.AddRow({FormatTime(snapshot.taken_at(), session.zone.zone),
                    absl::StrCat(snapshot.remaining_days()), a.currency(),
                    Money(a.currency(), a.conservative()), Money(a.currency(), a.base()),
                    Money(a.currency(), a.optimistic()),
                    a.has_actual() ? Money(a.currency(), a.actual()) : "-"});
    }
  }
  return table.Render();
}

std::string ForecastText(const Session& session, const v1::ForecastReport& report, bool snapshots) {
  std::string out = absl::StrCat(PeriodLine(session, "forecast", report.period()), ", ",
                                 ScopeOf(report.dimension(), report.value()), "\nas of ",
                                 FormatTime(report.as_of(), session.zone.zone), "\n\n");
  if (report.closed()) {
    absl::StrAppend(&out, "closed; its last snapshot (",
                    report.snapshots().empty()
                        ? "none"
                        : FormatTime(report.snapshots().rbegin()->taken_at(), session.zone.zone),
                    ") against the actual:\n");
    if (!report.snapshots().empty()) {
      absl::StrAppend(&out, AmountsTable(*report.snapshots().rbegin()));
    }
  } else {
    absl::StrAppend(&out, "tonight's snapshot (",
                    FormatTime(report.current().taken_at(), session.zone.zone), ", ",
                    report.current().remaining_days(), " days left):\n");
    absl::StrAppend(&out, report.current().amounts().empty() ? "nothing booked or in the pipeline\n"
                                                             : AmountsTable(report.current()));
  }
  if (snapshots) {
    absl::StrAppend(&out, "\ndaily snapshots:\n", SnapshotsTable(session, report));
  } else if (!report.snapshots().empty()) {
    absl::StrAppend(&out, "\n", report.snapshots_size(),
                    " daily snapshot(s) kept; --snapshots lists them\n");
  }
  absl::StrAppend(&out,
                  "(conservative: deals at ≥ 60 % weighted; base: the weighted pipeline; "
                  "optimistic: deals at ≥ 40 % in full — each plus booked and the run rate; "
                  "the pipeline holds the deals expected to close within the period, and those "
                  "with no expected close date)\n");
  return out;
}

absl::Status Show(Session& session, const CommandArgs& args) {
  v1::GetForecastRequest request;
  RETURN_IF_ERROR(ParseCommon(session, args, request));
  if (args.Has("at")) {
    ASSIGN_OR_RETURN(*request.mutable_period_at(),
                     ParseTime(args.Get("at"), session.zone.zone, "--at"));
  }
  auto stub = v1::PerformanceService::NewStub(session.channel);
  ASSIGN_OR_RETURN(v1::ForecastReport report,
                   Call(session, *stub, &v1::PerformanceService::Stub::GetForecast, request));
  if (session.json) return PrintJson(session, report);
  *session.out << ForecastText(session, report, args.Has("snapshots"));
  return absl::OkStatus();
}

std::string Percent(const v1::ForecastError& error) {
  return error.has_percent_error() ? absl::StrFormat("%+.1f%%", error.percent_error()) : "excluded";
}

std::string AccuracyText(const v1::ForecastAccuracyReport& report) {
  std::string out = absl::StrCat(
      "forecast accuracy of ", ScopeOf(report.dimension(), report.value()),
      ": the snapshot of day ", report.snapshot_day(), " of each of the last ",
      report.periods_size(), " closed ",
      EnumShortName(*v1::PeriodGranularity_descriptor(), report.granularity()), "s\n\n");
  if (report.currencies().empty()) return absl::StrCat(out, "nothing booked or forecast\n");
  for (const v1::CurrencyAccuracy& currency : report.currencies()) {
    TablePrinter table({"SCENARIO", "PERIOD", "ACTUAL", "FORECAST", "ERROR", "ERROR %"});
    for (size_t c = 2; c < 6; ++c) table.AlignRight(c);
    const std::string& code = currency.currency();
    for (const v1::ScenarioAccuracy& scenario : currency.scenarios()) {
      const std::string name =
          EnumShortName(*v1::ForecastScenario_descriptor(), scenario.scenario());
      for (const v1::ForecastError& error : scenario.periods()) {
        table.AddRow({name, error.period(), Money(code, error.actual()),
                      Money(code, error.forecast()), Money(code, error.error()), Percent(error)});
      }
      table.AddRow(
          {name, "MAPE / RMSE",
           scenario.has_mape_percent() ? absl::StrFormat("%.2f%%", scenario.mape_percent()) : "-",
           Money(code, scenario.rmse()),
           scenario.excluded_periods() > 0
               ? absl::StrCat(scenario.excluded_periods(), " excluded (actual 0)")
               : "",
           ""});
    }
    absl::StrAppend(&out, code, ":\n", table.Render(), "\n");
  }
  return out;
}

absl::Status Accuracy(Session& session, const CommandArgs& args) {
  v1::GetForecastAccuracyRequest request;
  RETURN_IF_ERROR(ParseCommon(session, args, request));
  ASSIGN_OR_RETURN(const int64_t periods, args.GetInt("periods", 0));
  ASSIGN_OR_RETURN(const int64_t day, args.GetInt("day", 0));
  request.set_periods(static_cast<int32_t>(std::clamp<int64_t>(periods, -1, 1000)));
  request.set_snapshot_day(static_cast<int32_t>(std::clamp<int64_t>(day, -1, 1000)));
  auto stub = v1::PerformanceService::NewStub(session.channel);
  ASSIGN_OR_RETURN(
      v1::ForecastAccuracyReport report,
      Call(session, *stub, &v1::PerformanceService::Stub::GetForecastAccuracy, request));
  if (session.json) return PrintJson(session, report);
  *session.out << AccuracyText(report);
  return absl::OkStatus();
}

}  // namespace

CommandGroup ForecastCommandGroup() {
  return {.name = "forecast",
          .summary =
              "the sales forecast (销售预测): booked revenue plus run rate plus the "
              "pipeline, in three scenarios, with daily snapshots and their accuracy "
              "(PerformanceService)",
          .commands = {
              {"show", "a period's forecast: tonight's snapshot, or the last against the actual",
               ShowFlags(), Show},
              {"accuracy", "MAPE and RMSE of the forecasts of the last closed periods",
               AccuracyFlags(), Accuracy},
          }};
}

}  // namespace sales::salesctl
