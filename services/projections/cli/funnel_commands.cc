// The `salesctl funnel …` commands: the funnel dashboard (FunnelService) as tables.
#include "services/projections/cli/funnel_commands.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/projections/v1/funnel.grpc.pb.h"
#include "services/projections/cli/report_flags.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::projections::v1;
namespace leads_v1 = ::sales::leads::v1;

// The dimension flags, in the order of FunnelDimension.
const std::vector<std::pair<std::string, v1::FunnelDimension>>& DimensionFlags() {
  static const auto* flags = new std::vector<std::pair<std::string, v1::FunnelDimension>>{
      {"region", v1::FUNNEL_DIMENSION_REGION}, {"team", v1::FUNNEL_DIMENSION_TEAM},
      {"rep", v1::FUNNEL_DIMENSION_REP},       {"channel", v1::FUNNEL_DIMENSION_CHANNEL},
      {"source", v1::FUNNEL_DIMENSION_SOURCE}, {"product-line", v1::FUNNEL_DIMENSION_PRODUCT_LINE},
      {"grade", v1::FUNNEL_DIMENSION_GRADE}};
  return *flags;
}

std::vector<FlagSpec> QueryFlags() {
  std::vector<FlagSpec> flags = PeriodFlags();
  flags.push_back({.name = "by",
                   .help = "one row per value of: region, team, rep, channel, source, "
                           "product-line, grade"});
  for (const auto& [name, dimension] : DimensionFlags()) {
    flags.push_back({.name = name,
                     .help = name == "source"  ? "only leads from this source, e.g. web"
                             : name == "grade" ? "only leads of this grade: a, b or c"
                                               : absl::StrCat("only this ", name, " id")});
  }
  flags.push_back({.name = "attribution",
                   .help = "count flows under each lead's current owner, team and grade "
                           "(current, the default) or those it had at the time (event-time)"});
  return flags;
}

absl::StatusOr<v1::FunnelDimension> ParseDimension(absl::string_view text) {
  for (const auto& [name, dimension] : DimensionFlags()) {
    if (absl::AsciiStrToLower(text) == name) return dimension;
  }
  return InvalidField("--by", "must be region, team, rep, channel, source, product-line or grade");
}

// --source and --grade take the leads enums' short names; the API wants their full names.
absl::StatusOr<std::string> FilterValue(v1::FunnelDimension dimension, const std::string& text) {
  if (dimension == v1::FUNNEL_DIMENSION_SOURCE) {
    ASSIGN_OR_RETURN(int value, ParseEnum(*leads_v1::LeadSource_descriptor(), text, "--source"));
    return leads_v1::LeadSource_Name(value);
  }
  if (dimension == v1::FUNNEL_DIMENSION_GRADE) {
    ASSIGN_OR_RETURN(int value, ParseEnum(*leads_v1::Grade_descriptor(), text, "--grade"));
    return leads_v1::Grade_Name(value);
  }
  return text;
}

absl::StatusOr<v1::GetFunnelRequest> QueryFrom(const Session& session, const CommandArgs& args) {
  v1::GetFunnelRequest request;
  ASSIGN_OR_RETURN(const ReportPeriodFlags period, ParsePeriodFlags(session, args));
  period.ApplyTo(request);
  for (const auto& [name, dimension] : DimensionFlags()) {
    if (!args.Has(name)) continue;
    if (request.has_filter()) {
      return InvalidField(absl::StrCat("--", name), "give at most one of the filter flags");
    }
    request.mutable_filter()->set_dimension(dimension);
    ASSIGN_OR_RETURN(*request.mutable_filter()->mutable_value(),
                     FilterValue(dimension, args.Get(name)));
  }
  if (args.Has("by")) {
    if (request.has_filter()) return InvalidField("--by", "cannot be combined with a filter flag");
    ASSIGN_OR_RETURN(v1::FunnelDimension by, ParseDimension(args.Get("by")));
    request.set_group_by(by);
  }
  if (args.Has("attribution")) {
    const std::string attribution = absl::AsciiStrToLower(args.Get("attribution"));
    if (attribution == "current") {
      request.set_attribution(v1::FUNNEL_ATTRIBUTION_CURRENT);
    } else if (attribution == "event-time") {
      request.set_attribution(v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME);
    } else {
      return InvalidField("--attribution", "must be current or event-time");
    }
  }
  return request;
}

// "3d 4h", "5h 12m", "42m", "30s"; "-" without a value.
std::string FormatDuration(const google::protobuf::Duration& duration, bool present) {
  if (!present) return "-";
  int64_t seconds = duration.seconds();
  if (seconds >= 86400) return absl::StrCat(seconds / 86400, "d ", seconds % 86400 / 3600, "h");
  if (seconds >= 3600) return absl::StrCat(seconds / 3600, "h ", seconds % 3600 / 60, "m");
  if (seconds >= 60) return absl::StrCat(seconds / 60, "m");
  return absl::StrCat(seconds, "s");
}

std::string Percent(bool present, double rate) {
  return present ? absl::StrFormat("%.1f%%", rate * 100) : "-";
}

std::string Amounts(const google::protobuf::RepeatedPtrField<common::v1::Money>& amounts) {
  if (amounts.empty()) return "0";
  std::vector<std::string> parts;
  for (const common::v1::Money& money : amounts) parts.push_back(FormatMoney(money));
  return absl::StrJoin(parts, " + ");
}

std::string NodeName(const v1::FunnelNode& node) {
  return node.has_stage() ? EnumShortName(*leads_v1::LeadStage_descriptor(), node.stage())
                          : EnumShortName(*leads_v1::SalesStep_descriptor(), node.step());
}

std::string DimensionName(v1::FunnelDimension dimension) {
  return EnumShortName(*v1::FunnelDimension_descriptor(), dimension);
}

// Time-in-stage columns: samples, average and p90 of the latest visit, average cumulative.
std::vector<std::string> TimeCells(const v1::TimeInStage& latest, const v1::TimeInStage& total) {
  return {absl::StrCat(latest.samples()), FormatDuration(latest.average(), latest.has_average()),
          FormatDuration(latest.p90(), latest.has_p90()),
          FormatDuration(total.average(), total.has_average()),
          FormatDuration(total.p90(), total.has_p90())};
}

// The stages' or the sales steps' table: entries, cohort, occupancy and time in them.
// `name_of` names a row's stage or step.
template <typename Figures, typename NameOf>
std::string FiguresTable(const std::string& title,
                         const google::protobuf::RepeatedPtrField<Figures>& figures,
                         NameOf name_of) {
  TablePrinter table({title, "ENTRIES", "COHORT", "NOW", "LEFT", "AVG VISIT", "P90 VISIT",
                      "AVG TOTAL", "P90 TOTAL"});
  for (size_t c = 1; c < 9; ++c) table.AlignRight(c);
  for (const Figures& node : figures) {
    std::vector<std::string> cells = {name_of(node), absl::StrCat(node.entries()),
                                      absl::StrCat(node.cohort()), absl::StrCat(node.occupancy())};
    for (std::string& cell : TimeCells(node.latest_visit(), node.cumulative())) {
      cells.push_back(std::move(cell));
    }
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

// One row in full: stages, steps, conversions and the totals.
std::string RowDetail(const v1::FunnelRow& row) {
  std::string out;
  absl::StrAppend(
      &out,
      FiguresTable("STAGE", row.stages(),
                   [](const v1::StageFigures& stage) {
                     return EnumShortName(*leads_v1::LeadStage_descriptor(), stage.stage());
                   }),
      "\n",
      FiguresTable("SALES STEP", row.steps(),
                   [](const v1::StepFigures& step) {
                     return EnumShortName(*leads_v1::SalesStep_descriptor(), step.step());
                   }),
      "\n");
  TablePrinter conversions({"CONVERSION", "ENTERED", "REACHED", "RATE"});
  for (size_t c = 1; c < 4; ++c) conversions.AlignRight(c);
  for (const v1::Conversion& conversion : row.conversions()) {
    if (conversion.entered() == 0) continue;  // nothing to convert: keep the table short
    conversions.AddRow({absl::StrCat(NodeName(conversion.from()), " → ", NodeName(conversion.to())),
                        absl::StrCat(conversion.entered()), absl::StrCat(conversion.reached()),
                        Percent(conversion.has_rate(), conversion.rate())});
  }
  if (!conversions.empty()) absl::StrAppend(&out, conversions.Render(), "\n");
  absl::StrAppend(&out, "won ", row.won(), "   lost ", row.lost(), "   win rate ",
                  Percent(row.has_win_rate(), row.win_rate()), "   avg sales cycle ",
                  FormatDuration(row.average_sales_cycle(), row.has_average_sales_cycle()), "\n",
                  "pipeline ", Amounts(row.pipeline_value()), "   weighted ",
                  Amounts(row.weighted_pipeline()), "\n", "overdue follow-ups now ",
                  row.overdue_now(), "   overdue events in the period ", row.overdue_events(),
                  "\n");
  return out;
}

// One line per value (group_by): the headline figures.
std::string GroupTable(const v1::FunnelReport& report) {
  TablePrinter table({"VALUE", "CAPTURED", "OPPORTUNITIES", "WON", "LOST", "WIN RATE",
                      "CAPTURED→WON", "OPEN", "PIPELINE", "WEIGHTED", "OVERDUE"});
  for (size_t c = 1; c < 11; ++c) table.AlignRight(c);
  for (const v1::FunnelRow& row : report.rows()) {
    int64_t captured = 0, opportunities = 0, open = 0;
    for (const v1::StageFigures& stage : row.stages()) {
      if (stage.stage() == leads_v1::LEAD_STAGE_CAPTURED) captured = stage.entries();
      if (stage.stage() == leads_v1::LEAD_STAGE_OPPORTUNITY) {
        opportunities = stage.entries();
        open = stage.occupancy();
      }
    }
    std::string overall = "-";
    for (const v1::Conversion& conversion : row.conversions()) {
      if (conversion.from().stage() == leads_v1::LEAD_STAGE_CAPTURED &&
          conversion.to().stage() == leads_v1::LEAD_STAGE_WON) {
        overall = Percent(conversion.has_rate(), conversion.rate());
      }
    }
    table.AddRow({row.value().empty() ? "(none)" : row.value(), absl::StrCat(captured),
                  absl::StrCat(opportunities), absl::StrCat(row.won()), absl::StrCat(row.lost()),
                  Percent(row.has_win_rate(), row.win_rate()), overall, absl::StrCat(open),
                  Amounts(row.pipeline_value()), Amounts(row.weighted_pipeline()),
                  absl::StrCat(row.overdue_now())});
  }
  return table.Render();
}

std::string ReportText(const Session& session, const v1::GetFunnelRequest& request,
                       const v1::FunnelReport& report) {
  std::string out = PeriodLine(session, "funnel", report.period());
  if (request.has_filter()) {
    absl::StrAppend(&out, ", ", DimensionName(request.filter().dimension()), " ",
                    request.filter().value().empty() ? "(none)" : request.filter().value());
  }
  absl::StrAppend(&out, "\nflows attributed to ",
                  report.attribution() == v1::FUNNEL_ATTRIBUTION_AT_EVENT_TIME
                      ? "the owner, team and grade each lead had at the time"
                      : "each lead's current owner, team and grade",
                  "\n\n");
  if (request.has_group_by()) {
    absl::StrAppend(&out, "by ", DimensionName(request.group_by()), ":\n", GroupTable(report));
  } else if (report.rows_size() > 0) {
    absl::StrAppend(&out, RowDetail(report.rows(0)));
  }
  return out;
}

absl::Status Show(Session& session, const CommandArgs& args) {
  ASSIGN_OR_RETURN(v1::GetFunnelRequest request, QueryFrom(session, args));
  auto stub = v1::FunnelService::NewStub(session.channel);
  ASSIGN_OR_RETURN(v1::FunnelReport report,
                   Call(session, *stub, &v1::FunnelService::Stub::GetFunnel, request));
  if (session.json) return PrintJson(session, report);
  *session.out << ReportText(session, request, report);
  return absl::OkStatus();
}

// Prints the snapshot and every update until the server ends the stream, --updates are
// printed, or salesctl is interrupted.
absl::Status Watch(Session& session, const CommandArgs& args) {
  v1::WatchFunnelRequest request;
  ASSIGN_OR_RETURN(*request.mutable_query(), QueryFrom(session, args));
  auto stub = v1::FunnelService::NewStub(session.channel);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::FunnelUpdate>> reader =
      stub->WatchFunnel(&context, request);
  return PrintWatch<v1::FunnelUpdate>(
      session, args, context, *reader, [&](const v1::FunnelUpdate& update) {
        return ReportText(session, request.query(), update.report());
      });
}

}  // namespace

CommandGroup FunnelCommandGroup() {
  std::vector<FlagSpec> watch_flags = QueryFlags();
  watch_flags.push_back(UpdatesFlag());
  return {.name = "funnel",
          .summary = "the funnel dashboard by period and dimension (FunnelService)",
          .commands = {
              {"show", "the funnel for a period: stages, steps, conversions, win rate, pipeline",
               QueryFlags(), Show},
              {"watch", "the funnel, printed again each time it changes", std::move(watch_flags),
               Watch},
          }};
}

}  // namespace sales::salesctl
