// The `salesctl performance …` commands: the performance dashboard (PerformanceService) as
// tables: every figure beside the previous period's and the change (环比).
#include "services/projections/cli/performance_commands.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/projections/v1/performance.grpc.pb.h"
#include "services/incentives/cli/metric_format.h"
#include "services/projections/cli/performance_flags.h"
#include "services/projections/cli/report_flags.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/flag_values.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::projections::v1;
namespace incentives_v1 = ::sales::incentives::v1;

std::vector<FlagSpec> QueryFlags() {
  std::vector<FlagSpec> flags = PeriodFlags();
  flags.push_back(
      {.name = "by", .help = "one row per value of: rep, team, region, product-line, channel"});
  for (FlagSpec& flag : ScopeFilterFlags()) flags.push_back(std::move(flag));
  return flags;
}

absl::StatusOr<v1::GetPerformanceRequest> QueryFrom(const Session& session,
                                                    const CommandArgs& args) {
  v1::GetPerformanceRequest request;
  ASSIGN_OR_RETURN(const ReportPeriodFlags period, ParsePeriodFlags(session, args));
  period.ApplyTo(request);
  RETURN_IF_ERROR(ParseScopeFilter(args, request));
  if (args.Has("by")) {
    if (request.has_filter()) return InvalidField("--by", "cannot be combined with a filter flag");
    const std::string by = absl::AsciiStrToLower(args.Get("by"));
    for (const auto& [name, dimension] : DimensionFlags()) {
      if (by == name) request.set_group_by(dimension);
    }
    if (request.group_by() == v1::PERFORMANCE_DIMENSION_UNSPECIFIED) {
      return InvalidField("--by", "must be rep, team, region, product-line or channel");
    }
  }
  return request;
}

std::string Change(bool present, double percent) {
  return present ? absl::StrFormat("%+.1f%%", percent) : "-";
}

std::string Percent(bool present, double percent) {
  return present ? absl::StrFormat("%.1f%%", percent) : "-";
}

// FIGURE / NOW / BEFORE / CHANGE for one row.
std::string FiguresTable(const v1::PerformanceRow& row) {
  TablePrinter table({"FIGURE", "NOW", "BEFORE", "CHANGE"});
  for (size_t c = 1; c < 4; ++c) table.AlignRight(c);
  const auto money = [&](const std::string& name,
                         const google::protobuf::RepeatedPtrField<v1::MoneyFigure>& figures) {
    if (figures.empty()) table.AddRow({name, "0", "0", "-"});
    for (const v1::MoneyFigure& f : figures) {
      table.AddRow({name, Money(f.currency(), f.amount().value()),
                    Money(f.currency(), f.amount().previous()),
                    Change(f.amount().has_change_percent(), f.amount().change_percent())});
    }
  };
  const auto count = [&](const std::string& name, const v1::Figure& f) {
    table.AddRow({name, absl::StrCat(f.value()), absl::StrCat(f.previous()),
                  Change(f.has_change_percent(), f.change_percent())});
  };
  money("booked revenue", row.booked_revenue());
  money("invoiced revenue", row.invoiced_revenue());
  money("collected revenue", row.collected_revenue());
  count("orders", row.orders());
  for (const v1::MoneyRateFigure& f : row.average_order_value()) {
    const v1::RateFigure& r = f.amount();
    table.AddRow({"average order value", r.has_value() ? Money(f.currency(), r.value()) : "-",
                  r.has_previous() ? Money(f.currency(), r.previous()) : "-",
                  Change(r.has_change_percent(), r.change_percent())});
  }
  count("new customers", row.new_customers());
  count("buying customers", row.buying_customers());
  count("repeat customers", row.repeat_customers());
  const v1::RateFigure& repeat = row.repeat_purchase_rate();
  table.AddRow({"repeat-purchase rate", Percent(repeat.has_value(), repeat.value()),
                Percent(repeat.has_previous(), repeat.previous()),
                Change(repeat.has_change_percent(), repeat.change_percent())});
  money("commission earned", row.commission_earned());
  return table.Render();
}

std::string MetricName(incentives_v1::Metric metric) {
  return EnumShortName(*incentives_v1::Metric_descriptor(), metric);
}

// METRIC / TARGET / ACTUAL / ATTAINMENT / BEFORE.
std::string AttainmentTable(const v1::PerformanceRow& row) {
  TablePrinter table({"METRIC", "TARGET", "ACTUAL", "ATTAINMENT", "BEFORE"});
  for (size_t c = 1; c < 5; ++c) table.AlignRight(c);
  for (const v1::MetricAttainment& a : row.attainment()) {
    const v1::RateFigure& rate = a.attainment_percent();
    table.AddRow(
        {MetricName(a.metric()),
         a.target().value() == 0 ? "-"
                                 : MetricValue(a.metric(), a.target().value(), kDefaultCurrency),
         MetricValue(a.metric(), a.actual().value(), kDefaultCurrency),
         Percent(rate.has_value(), rate.value()), Percent(rate.has_previous(), rate.previous())});
  }
  return table.Render();
}

std::string Sum(const google::protobuf::RepeatedPtrField<v1::MoneyFigure>& figures) {
  if (figures.empty()) return "0";
  std::vector<std::string> parts;
  for (const v1::MoneyFigure& f : figures) parts.push_back(Money(f.currency(), f.amount().value()));
  return absl::StrJoin(parts, " + ");
}

// One line per value (group_by): the headline figures.
std::string GroupTable(const v1::PerformanceReport& report) {
  TablePrinter table({"VALUE", "BOOKED", "CHANGE", "ORDERS", "AOV", "NEW", "REPEAT",
                      "REVENUE ATTAINMENT", "COMMISSION"});
  for (size_t c = 1; c < 9; ++c) table.AlignRight(c);
  for (const v1::PerformanceRow& row : report.rows()) {
    std::string change = "-";
    if (row.booked_revenue_size() == 1) {
      const v1::Figure& booked = row.booked_revenue(0).amount();
      change = Change(booked.has_change_percent(), booked.change_percent());
    }
    std::string average = "-";
    if (row.average_order_value_size() == 1 && row.average_order_value(0).amount().has_value()) {
      average =
          Money(row.average_order_value(0).currency(), row.average_order_value(0).amount().value());
    }
    std::string attainment = "-";
    for (const v1::MetricAttainment& a : row.attainment()) {
      if (a.metric() == incentives_v1::METRIC_REVENUE) {
        attainment = Percent(a.attainment_percent().has_value(), a.attainment_percent().value());
      }
    }
    table.AddRow(
        {row.value().empty() ? "(none)" : row.value(), Sum(row.booked_revenue()), change,
         absl::StrCat(row.orders().value()), average, absl::StrCat(row.new_customers().value()),
         Percent(row.repeat_purchase_rate().has_value(), row.repeat_purchase_rate().value()),
         attainment, Sum(row.commission_earned())});
  }
  return table.Render();
}

std::string ReportText(const Session& session, const v1::GetPerformanceRequest& request,
                       const v1::PerformanceReport& report) {
  std::string out = PeriodLine(session, "performance", report.period());
  if (request.has_filter()) {
    absl::StrAppend(&out, ", ", DimensionName(request.filter().dimension()), " ",
                    request.filter().value());
  }
  absl::StrAppend(&out, "\ncompared with ", report.previous_period().key(), "; attributed ",
                  report.attribution(), "\n\n");
  if (request.group_by() != v1::PERFORMANCE_DIMENSION_UNSPECIFIED) {
    absl::StrAppend(&out, "by ", DimensionName(request.group_by()), ":\n", GroupTable(report));
  } else if (report.rows_size() > 0) {
    absl::StrAppend(&out, FiguresTable(report.rows(0)));
    if (report.rows(0).attainment_size() > 0) {
      absl::StrAppend(&out, "\n", AttainmentTable(report.rows(0)));
    }
  }
  if (!report.period().relative().empty()) {
    absl::StrAppend(&out,
                    "(a relative period has no targets — they are set per month, quarter and "
                    "year — and no distinct-customer counts; ask for a calendar --period)\n");
  }
  return out;
}

absl::Status Show(Session& session, const CommandArgs& args) {
  ASSIGN_OR_RETURN(v1::GetPerformanceRequest request, QueryFrom(session, args));
  auto stub = v1::PerformanceService::NewStub(session.channel);
  ASSIGN_OR_RETURN(v1::PerformanceReport report,
                   Call(session, *stub, &v1::PerformanceService::Stub::GetPerformance, request));
  if (session.json) return PrintJson(session, report);
  *session.out << ReportText(session, request, report);
  return absl::OkStatus();
}

absl::Status Watch(Session& session, const CommandArgs& args) {
  v1::WatchPerformanceRequest request;
  ASSIGN_OR_RETURN(*request.mutable_query(), QueryFrom(session, args));
  auto stub = v1::PerformanceService::NewStub(session.channel);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::PerformanceUpdate>> reader =
      stub->WatchPerformance(&context, request);
  return PrintWatch<v1::PerformanceUpdate>(
      session, args, context, *reader, [&](const v1::PerformanceUpdate& update) {
        return ReportText(session, request.query(), update.report());
      });
}

// ---- alerts ----

std::vector<FlagSpec> AlertFlags() {
  return {{.name = "by",
           .help = "alerts of every rep, team, region, product-line or channel (default: the "
                   "whole organisation)"},
          {.name = "at", .help = "as of this day, e.g. 2026-11-20 (default: now)"},
          {.name = "missed", .help = "months in a row below target that raise an alert (2–12; 2)"},
          {.name = "decline",
           .help = "a month-on-month fall of booked revenue beyond this percent (1–100; 15)"}};
}

absl::StatusOr<v1::ListAlertsRequest> AlertsQueryFrom(const Session& session,
                                                      const CommandArgs& args) {
  v1::ListAlertsRequest request;
  if (args.Has("by")) {
    const std::string by = absl::AsciiStrToLower(args.Get("by"));
    for (const auto& [name, dimension] : DimensionFlags()) {
      if (by == name) request.set_dimension(dimension);
    }
    if (request.dimension() == v1::PERFORMANCE_DIMENSION_UNSPECIFIED) {
      return InvalidField("--by", "must be rep, team, region, product-line or channel");
    }
  }
  if (args.Has("at")) {
    ASSIGN_OR_RETURN(*request.mutable_as_of(),
                     ParseTime(args.Get("at"), session.zone.zone, "--at"));
  }
  ASSIGN_OR_RETURN(const int64_t missed, args.GetInt("missed", 0));
  ASSIGN_OR_RETURN(const int64_t decline, args.GetInt("decline", 0));
  request.set_missed_periods(static_cast<int32_t>(std::clamp<int64_t>(missed, -1, 1000)));
  request.set_decline_percent(static_cast<int32_t>(std::clamp<int64_t>(decline, -1, 1000)));
  return request;
}

std::string AlertsText(const Session& session, const v1::AlertList& list) {
  std::string out = absl::StrCat("alerts as of ", FormatTime(list.as_of(), session.zone.zone), " (",
                                 session.zone.name, ")\n\n");
  if (list.alerts().empty()) return absl::StrCat(out, "none\n");
  TablePrinter table({"STATE", "ALERT", "RAISED", "CLEARED", "WHAT"});
  for (const v1::Alert& alert : list.alerts()) {
    table.AddRow({EnumShortName(*v1::AlertState_descriptor(), alert.state()), alert.alert_id(),
                  FormatTime(alert.raised_at(), session.zone.zone),
                  alert.has_cleared_at() ? FormatTime(alert.cleared_at(), session.zone.zone) : "-",
                  alert.summary()});
  }
  return absl::StrCat(out, table.Render());
}

absl::Status ListAlerts(Session& session, const CommandArgs& args) {
  ASSIGN_OR_RETURN(v1::ListAlertsRequest request, AlertsQueryFrom(session, args));
  auto stub = v1::PerformanceService::NewStub(session.channel);
  ASSIGN_OR_RETURN(v1::AlertList list,
                   Call(session, *stub, &v1::PerformanceService::Stub::ListAlerts, request));
  if (session.json) return PrintJson(session, list);
  *session.out << AlertsText(session, list);
  return absl::OkStatus();
}

absl::Status WatchAlerts(Session& session, const CommandArgs& args) {
  if (args.Has("at")) return InvalidField("--at", "a watch is always as of now");
  v1::WatchAlertsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_query(), AlertsQueryFrom(session, args));
  auto stub = v1::PerformanceService::NewStub(session.channel);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::AlertsUpdate>> reader =
      stub->WatchAlerts(&context, request);
  return PrintWatch<v1::AlertsUpdate>(
      session, args, context, *reader,
      [&](const v1::AlertsUpdate& update) { return AlertsText(session, update.alerts()); });
}

}  // namespace

CommandGroup PerformanceCommandGroup() {
  std::vector<FlagSpec> watch_flags = QueryFlags();
  watch_flags.push_back(UpdatesFlag());
  return {
      .name = "performance",
      .summary =
          "the performance dashboard: revenue, orders, customers, attainment and "
          "commission by period and scope, against the period before "
          "(PerformanceService)",
      .commands = {
          {"show", "performance for a period, every figure beside the previous period's",
           QueryFlags(), Show},
          {"watch", "the same, printed again each time it changes", std::move(watch_flags), Watch},
      }};
}

CommandGroup AlertsCommandGroup() {
  std::vector<FlagSpec> watch_flags = AlertFlags();
  watch_flags.erase(watch_flags.begin() + 1);  // no --at: a watch is as of now
  watch_flags.push_back(UpdatesFlag());
  return {.name = "alerts",
          .summary =
              "performance alerts (业绩波动预警): targets missed months in a row, revenue "
              "declines, receivables and follow-ups overdue (PerformanceService)",
          .commands = {
              {"list", "the alerts, active then cleared, with what raised them", AlertFlags(),
               ListAlerts},
              {"watch", "the alerts, printed again each time they change", std::move(watch_flags),
               WatchAlerts},
          }};
}

}  // namespace sales::salesctl
