// The `salesctl targets …`, `plans …`, `splits …` and `commissions …` commands
// (sales.incentives.v1.IncentiveService).
#include "services/incentives/cli/incentives_commands.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "sales/incentives/v1/incentives.grpc.pb.h"
#include "services/incentives/cli/metric_format.h"
#include "tools/salesctl/flag_values.h"
#include "tools/salesctl/format.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::incentives::v1;
using Stub = v1::IncentiveService::Stub;

template <typename Request, typename Response>
absl::StatusOr<Response> Call(Session& session,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  return CallService<v1::IncentiveService>(session, method, request);
}

// Sends a command and prints "<done>; stream at version N".
template <typename Request>
absl::Status SendCommand(Session& session,
                         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                      v1::IncentivesCommandResponse*),
                         Request request, const CommandArgs& args, absl::string_view done) {
  ASSIGN_OR_RETURN(*request.mutable_meta(), MetaFrom(session, args));
  ASSIGN_OR_RETURN(v1::IncentivesCommandResponse response, Call(session, method, request));
  if (session.json) return PrintJson(session, response);
  *session.out << done;
  if (response.version() != 0) *session.out << " (version " << response.version() << ")";
  if (!response.generated_id().empty()) *session.out << " (" << response.generated_id() << ")";
  *session.out << "; stream at version " << response.stream_version() << "\n";
  return absl::OkStatus();
}

std::string MetricName(v1::Metric metric) {
  return EnumShortName(*v1::Metric_descriptor(), metric);
}
std::string KindName(v1::LineKind kind) { return EnumShortName(*v1::LineKind_descriptor(), kind); }

std::string AttainmentText(const v1::MetricAttainment& metric) {
  if (!metric.attainment_defined()) return "undefined";
  return absl::StrFormat("%.1f%%", static_cast<double>(metric.attainment_bp()) / 100.0);
}

// A rate in hundredths of a basis point as a percentage ("2.0000%").
std::string Rate(int64_t centi_bp) {
  if (centi_bp == 0) return "-";
  return absl::StrFormat("%.4f%%", static_cast<double>(centi_bp) / 10'000.0);
}

// The current month in the business time zone.
std::string ThisMonth(const Session& session) {
  const absl::CivilMonth month(absl::ToCivilSecond(absl::Now(), session.zone.zone));
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::StatusOr<google::protobuf::Timestamp> AsOfFlag(const Session& session,
                                                     const CommandArgs& args) {
  google::protobuf::Timestamp as_of;
  if (!args.Has("as-of")) return as_of;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%S", args.Get("as-of"), session.zone.zone, &time, &error) &&
      !absl::ParseTime("%Y-%m-%d", args.Get("as-of"), session.zone.zone, &time, &error)) {
    return InvalidField("--as-of", "YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\" (business time zone)");
  }
  as_of.set_seconds(absl::ToUnixSeconds(time));
  return as_of;
}

// --- targets ---

absl::Status ListTargets(Session& session, const CommandArgs& args) {
  v1::ListTargetsRequest request;
  request.set_year(args.Get("year"));
  request.set_node_id(args.Get("node"));
  ASSIGN_OR_RETURN(auto metric, EnumFlag<v1::Metric>(args, "metric", *v1::Metric_descriptor()));
  request.set_metric(metric);
  ASSIGN_OR_RETURN(v1::ListTargetsResponse response, Call(session, &Stub::ListTargets, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"NODE", "PERIOD", "METRIC", "PRODUCT LINE", "TARGET"});
  table.AlignRight(4);
  for (const v1::Target& target : response.targets()) {
    table.AddRow({target.node_id(), target.period(), MetricName(target.metric()),
                  OrDash(target.product_line_id()),
                  MetricValue(target.metric(), target.value(), kDefaultCurrency)});
  }
  *session.out << table.Render();
  return absl::OkStatus();
}

absl::Status ListGaps(Session& session, const CommandArgs& args) {
  v1::ListTargetGapsRequest request;
  request.set_year(args.Get("year"));
  ASSIGN_OR_RETURN(auto metric, EnumFlag<v1::Metric>(args, "metric", *v1::Metric_descriptor()));
  request.set_metric(metric);
  ASSIGN_OR_RETURN(v1::ListTargetGapsResponse response,
                   Call(session, &Stub::ListTargetGaps, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table(
      {"NODE", "PERIOD", "METRIC", "ACROSS", "TARGET", "CHILDREN SUM", "GAP", "WITH TARGET"});
  for (int column : {4, 5, 6}) table.AlignRight(column);
  int undecomposed = 0;
  for (const v1::TargetGap& gap : response.gaps()) {
    if (gap.children_with_target() == 0 && !args.Has("all")) {
      ++undecomposed;  // not decomposed at all: listed with --all
      continue;
    }
    const v1::Target& parent = gap.parent();
    table.AddRow({parent.node_id(), parent.period(), MetricName(parent.metric()),
                  gap.kind() == v1::GAP_KIND_TIME ? "sub-periods" : "org",
                  MetricValue(parent.metric(), parent.value(), kDefaultCurrency),
                  MetricValue(parent.metric(), gap.children_sum(), kDefaultCurrency),
                  MetricValue(parent.metric(), gap.gap(), kDefaultCurrency),
                  absl::StrCat(gap.children_with_target(), "/", gap.children())});
  }
  *session.out << table.Render();
  if (response.gaps_size() == undecomposed) {
    *session.out << "no gaps: every decomposed target adds up\n";
  }
  if (undecomposed > 0) {
    *session.out << undecomposed << " targets not decomposed at all (--all lists them)\n";
  }
  return absl::OkStatus();
}

// A target value: money ("12000.00") for revenue, a count otherwise.
absl::StatusOr<int64_t> TargetValueFlag(const CommandArgs& args, v1::Metric metric) {
  if (metric == v1::METRIC_REVENUE || metric == v1::METRIC_UNSPECIFIED) {
    ASSIGN_OR_RETURN(common::v1::Money money,
                     ParseMoney(args.Get("value"), kDefaultCurrency, "--value"));
    return money.units();
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(args.Get("value"), &value)) {
    return InvalidField("--value", "a whole number for this metric");
  }
  return value;
}

absl::Status SetTarget(Session& session, const CommandArgs& args) {
  v1::SetTargetRequest request;
  v1::Target& target = *request.mutable_target();
  target.set_node_id(args.Get("node"));
  target.set_period(args.Get("period"));
  ASSIGN_OR_RETURN(auto metric, EnumFlag<v1::Metric>(args, "metric", *v1::Metric_descriptor()));
  target.set_metric(metric == v1::METRIC_UNSPECIFIED ? v1::METRIC_REVENUE : metric);
  target.set_product_line_id(args.Get("product-line"));
  ASSIGN_OR_RETURN(int64_t value, TargetValueFlag(args, target.metric()));
  target.set_value(value);
  return SendCommand(
      session, &Stub::SetTarget, request, args,
      absl::StrCat("target of ", target.node_id(), " for ", target.period(), " set"));
}

absl::Status Decompose(Session& session, const CommandArgs& args) {
  v1::DecomposeTargetRequest request;
  request.set_node_id(args.Get("node"));
  request.set_period(args.Get("period"));
  ASSIGN_OR_RETURN(auto metric, EnumFlag<v1::Metric>(args, "metric", *v1::Metric_descriptor()));
  request.set_metric(metric == v1::METRIC_UNSPECIFIED ? v1::METRIC_REVENUE : metric);
  request.set_product_line_id(args.Get("product-line"));
  const std::string into = args.Get("into");
  if (into == "periods") {
    request.set_into(v1::DECOMPOSE_INTO_SUB_PERIODS);
  } else if (into == "org") {
    request.set_into(v1::DECOMPOSE_INTO_ORG_CHILDREN);
  } else {
    return InvalidField("--into", "periods (a year into quarters, a quarter into months) or org");
  }
  for (absl::string_view weight : absl::StrSplit(args.Get("weights"), ',', absl::SkipEmpty())) {
    int64_t value = 0;
    if (!absl::SimpleAtoi(weight, &value)) return InvalidField("--weights", "numbers, e.g. 2,1");
    request.add_weights(value);
  }
  return SendCommand(
      session, &Stub::DecomposeTarget, request, args,
      absl::StrCat("target of ", request.node_id(), " for ", request.period(), " decomposed"));
}

// --- plans ---

std::string Bands(const v1::CompensationPlan& plan) {
  std::vector<std::string> bands;
  for (const v1::TierBand& band : plan.bands()) {
    common::v1::Money up_to;
    up_to.set_units(band.up_to());
    up_to.set_currency(plan.base_pay().currency());
    bands.push_back(absl::StrCat(absl::StrFormat("%.2f%%", band.rate_bp() / 100.0),
                                 band.up_to() == 0 ? " above" : " to " + FormatMoney(up_to)));
  }
  return absl::StrJoin(bands, ", ");
}

absl::Status ListPlans(Session& session, const CommandArgs&) {
  ASSIGN_OR_RETURN(v1::ListPlansResponse response,
                   Call(session, &Stub::ListPlans, v1::ListPlansRequest()));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"PLAN", "VERSION", "NAME", "BASIS", "TIERS", "BANDS", "ACCELERATOR"});
  for (const v1::CompensationPlan& plan : response.plans()) {
    table.AddRow({plan.plan_id(), absl::StrCat(plan.version()), plan.name(),
                  EnumShortName(*v1::CommissionBasis_descriptor(), plan.basis()),
                  EnumShortName(*v1::TierMode_descriptor(), plan.tier_mode()), Bands(plan),
                  plan.accelerator_bp() == 0
                      ? "-"
                      : absl::StrFormat("x%.2f", plan.accelerator_bp() / 10'000.0)});
  }
  *session.out << table.Render();
  return absl::OkStatus();
}

absl::Status ShowPlan(Session& session, const CommandArgs& args) {
  v1::GetPlanRequest request;
  request.set_plan_id(args.Get("plan"));
  ASSIGN_OR_RETURN(int32_t version, Int32Flag(args, "version"));
  request.set_version(version);
  ASSIGN_OR_RETURN(v1::CompensationPlan plan, Call(session, &Stub::GetPlan, request));
  return PrintJson(session, plan);  // a plan is a document: shown whole
}

absl::Status PublishPlan(Session& session, const CommandArgs& args) {
  std::ifstream file(args.Get("file"));
  if (!file) return InvalidField("--file", "cannot be read");
  std::stringstream text;
  text << file.rdbuf();
  v1::PublishPlanRequest request;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(text.str(), request.mutable_plan());
  if (!parsed.ok()) {
    return InvalidField(
        "--file", absl::StrCat("not a CompensationPlan in JSON: ", std::string(parsed.message())));
  }
  return SendCommand(session, &Stub::PublishPlan, request, args,
                     absl::StrCat("plan ", request.plan().plan_id(), " published"));
}

absl::Status AssignPlan(Session& session, const CommandArgs& args) {
  v1::AssignPlanRequest request;
  v1::PlanAssignment& assignment = *request.mutable_assignment();
  assignment.set_rep_id(args.Get("rep"));
  assignment.set_plan_id(args.Get("plan"));
  ASSIGN_OR_RETURN(int32_t version, Int32Flag(args, "version"));
  assignment.set_plan_version(version);
  assignment.set_from_period(args.Get("from"));
  return SendCommand(session, &Stub::AssignPlan, request, args,
                     absl::StrCat(assignment.rep_id(), " is paid under ", assignment.plan_id(),
                                  " from ", assignment.from_period()));
}

absl::Status RepPlans(Session& session, const CommandArgs& args) {
  v1::GetRepPlansRequest request;
  request.set_rep_id(args.Get("rep"));
  ASSIGN_OR_RETURN(v1::RepPlans response, Call(session, &Stub::GetRepPlans, request));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"FROM", "PLAN", "VERSION"});
  for (const v1::PlanAssignment& a : response.assignments()) {
    table.AddRow({a.from_period(), a.plan_id(), absl::StrCat(a.plan_version())});
  }
  *session.out << table.Render();
  return absl::OkStatus();
}

// --- splits ---

absl::Status ShowSplit(Session& session, const CommandArgs& args) {
  v1::GetCreditSplitRequest request;
  request.set_deal_id(args.Get("deal"));
  ASSIGN_OR_RETURN(v1::CreditSplit split, Call(session, &Stub::GetCreditSplit, request));
  if (session.json) return PrintJson(session, split);
  TablePrinter table({"REP", "ROLE", "SHARE"});
  for (const v1::SplitShare& share : split.shares()) {
    table.AddRow({share.rep_id(), EnumShortName(*v1::SplitRole_descriptor(), share.role()),
                  absl::StrFormat("%.2f%%", share.share_bp() / 100.0)});
  }
  *session.out << "deal " << split.deal_id() << " (version " << split.version()
               << "): " << OrDash(split.reason()) << "\n"
               << table.Render();
  return absl::OkStatus();
}

// --shares "REP:ROLE:BP,…"
absl::Status SetSplit(Session& session, const CommandArgs& args) {
  v1::SetCreditSplitRequest request;
  request.set_deal_id(args.Get("deal"));
  request.set_reason(args.Get("reason"));
  for (absl::string_view item : absl::StrSplit(args.Get("shares"), ',', absl::SkipWhitespace())) {
    const std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    if (parts.size() != 3) return InvalidField("--shares", "REP:ROLE:BASIS_POINTS,…");
    v1::SplitShare& share = *request.add_shares();
    share.set_rep_id(std::string(parts[0]));
    ASSIGN_OR_RETURN(int role, ParseEnum(*v1::SplitRole_descriptor(), parts[1], "--shares role"));
    share.set_role(static_cast<v1::SplitRole>(role));
    int32_t bp = 0;
    if (!absl::SimpleAtoi(parts[2], &bp)) return InvalidField("--shares", "basis points: 7000");
    share.set_share_bp(bp);
  }
  return SendCommand(session, &Stub::SetCreditSplit, request, args,
                     absl::StrCat("credit split of ", request.deal_id(), " set"));
}

// --- commissions ---

absl::StatusOr<v1::CommissionStatement> GetStatement(Session& session, const CommandArgs& args) {
  v1::GetStatementRequest request;
  request.set_rep_id(args.Get("rep"));
  request.set_period(args.Has("period") ? args.Get("period") : ThisMonth(session));
  ASSIGN_OR_RETURN(*request.mutable_as_of(), AsOfFlag(session, args));
  return Call(session, &Stub::GetStatement, request);
}

void PrintLines(Session& session, const v1::CommissionStatement& statement, bool detailed) {
  std::vector<std::string> header = {"#",    "KIND", "ORDER", "DEAL",
                                     "BASE", "RATE", "TIER",  "AMOUNT"};
  if (detailed) {
    for (const char* column : {"EARNED IN", "SHARE", "PLAN", "CAUSE", "REASON"}) {
      header.emplace_back(column);
    }
  }
  TablePrinter table(header);
  table.AlignRight(4);
  table.AlignRight(7);
  for (const v1::LedgerLine& line : statement.lines()) {
    const bool units = line.kind() == v1::LINE_KIND_SPIFF ||
                       line.reverses_kind() == v1::LINE_KIND_SPIFF ||
                       line.kind() == v1::LINE_KIND_NEW_CUSTOMER_BONUS;
    common::v1::Money base;
    base.set_units(line.base_amount());
    base.set_currency(line.amount().currency());
    std::string kind = KindName(line.kind());
    if (line.kind() == v1::LINE_KIND_CLAWBACK) kind += "/" + KindName(line.reverses_kind());
    if (line.amount().units() != line.uncapped_amount()) kind += " (capped)";
    std::vector<std::string> row = {
        absl::StrCat(line.line_no()),
        kind,
        OrDash(line.order_id()),
        OrDash(line.deal_id()),
        line.base_amount() == 0
            ? "-"
            : (units ? absl::StrCat(line.base_amount(), " units") : FormatMoney(base)),
        Rate(line.rate_centi_bp()),
        line.kind() == v1::LINE_KIND_COMMISSION || line.kind() == v1::LINE_KIND_TRUE_UP
            ? absl::StrCat(line.tier() + 1)
            : "-",
        FormatMoney(line.amount())};
    if (detailed) {
      row.push_back(line.period() == statement.period() ? "" : line.period());
      row.push_back(line.share_bp() == 0 ? "-"
                                         : absl::StrFormat("%.0f%%", line.share_bp() / 100.0));
      row.push_back(
          line.plan_id().empty() ? "-" : absl::StrCat(line.plan_id(), " v", line.plan_version()));
      row.push_back(absl::StrJoin(line.cause_event_ids(), " "));
      row.push_back(line.reason());
    }
    table.AddRow(row);
  }
  *session.out << table.Render();
}

absl::Status Statement(Session& session, const CommandArgs& args) {
  ASSIGN_OR_RETURN(v1::CommissionStatement statement, GetStatement(session, args));
  if (session.json) return PrintJson(session, statement);
  std::ostream& out = *session.out;
  out << "statement  " << statement.rep_id() << "  " << statement.period()
      << (statement.closed() ? "  CLOSED by " + statement.closed_by() : "  open")
      << (statement.approved() ? ", approved by " + statement.approved_by() : "") << "\n"
      << "as of      " << FormatTime(statement.as_of(), session.zone.zone) << "\n"
      << "plan       "
      << (statement.plan_id().empty()
              ? "none (attainment only)"
              : absl::StrCat(statement.plan_id(), " v", statement.plan_version()))
      << "\n"
      << "base pay   " << FormatMoney(statement.base_pay()) << "\n"
      << "commission " << FormatMoney(statement.commission()) << "\n"
      << "total pay  " << FormatMoney(statement.total_pay()) << "\n\n";
  TablePrinter metrics({"METRIC", "CREDITED", "TARGET", "ATTAINMENT"});
  for (int column : {1, 2, 3}) metrics.AlignRight(column);
  for (const v1::MetricAttainment& metric : statement.metrics()) {
    metrics.AddRow(
        {MetricName(metric.metric()),
         MetricValue(metric.metric(), metric.credited(), statement.base_pay().currency()),
         MetricValue(metric.metric(), metric.target(), statement.base_pay().currency()),
         AttainmentText(metric)});
  }
  out << metrics.Render() << "\n";
  TablePrinter totals({"KIND", "TOTAL"});
  totals.AlignRight(1);
  for (const v1::KindTotal& total : statement.totals()) {
    totals.AddRow({KindName(total.kind()), FormatMoney(total.amount())});
  }
  out << totals.Render() << "\n";
  PrintLines(session, statement, /*detailed=*/false);
  return absl::OkStatus();
}

absl::Status Ledger(Session& session, const CommandArgs& args) {
  ASSIGN_OR_RETURN(v1::CommissionStatement statement, GetStatement(session, args));
  if (session.json) {
    v1::CommissionStatement lines;
    *lines.mutable_lines() = statement.lines();
    return PrintJson(session, lines);
  }
  PrintLines(session, statement, /*detailed=*/true);
  return absl::OkStatus();
}

absl::Status ShowAttainment(Session& session, const CommandArgs& args) {
  v1::GetAttainmentRequest request;
  request.set_node_id(args.Get("node"));
  request.set_period(args.Has("period") ? args.Get("period") : ThisMonth(session));
  ASSIGN_OR_RETURN(*request.mutable_as_of(), AsOfFlag(session, args));
  ASSIGN_OR_RETURN(v1::Attainment response, Call(session, &Stub::GetAttainment, request));
  if (session.json) return PrintJson(session, response);
  *session.out << response.node_id() << "  " << response.period() << "  (" << response.reps()
               << " reps; commission " << FormatMoney(response.commission()) << ")\n";
  TablePrinter table({"METRIC", "CREDITED", "TARGET", "ATTAINMENT"});
  for (int column : {1, 2, 3}) table.AlignRight(column);
  for (const v1::MetricAttainment& metric : response.metrics()) {
    table.AddRow({MetricName(metric.metric()),
                  MetricValue(metric.metric(), metric.credited(), kDefaultCurrency),
                  MetricValue(metric.metric(), metric.target(), kDefaultCurrency),
                  AttainmentText(metric)});
  }
  *session.out << table.Render();
  return absl::OkStatus();
}

absl::Status Adjust(Session& session, const CommandArgs& args) {
  v1::RecordAdjustmentRequest request;
  request.set_rep_id(args.Get("rep"));
  request.set_period(args.Get("period"));
  request.set_reason(args.Get("reason"));
  const std::string currency = args.Has("currency") ? args.Get("currency") : kDefaultCurrency;
  std::string amount = args.Get("amount");
  const bool negative = !amount.empty() && amount[0] == '-';
  if (negative) amount.erase(0, 1);
  ASSIGN_OR_RETURN(*request.mutable_amount(), ParseMoney(amount, currency, "--amount"));
  if (negative) request.mutable_amount()->set_units(-request.amount().units());
  return SendCommand(session, &Stub::RecordAdjustment, request, args,
                     absl::StrCat("adjustment recorded for ", request.rep_id()));
}

absl::Status Close(Session& session, const CommandArgs& args) {
  v1::ClosePeriodRequest request;
  request.set_period(args.Get("period"));
  return SendCommand(session, &Stub::ClosePeriod, request, args,
                     absl::StrCat(request.period(), " closed"));
}

absl::Status Approve(Session& session, const CommandArgs& args) {
  v1::ApprovePeriodRequest request;
  request.set_period(args.Get("period"));
  return SendCommand(session, &Stub::ApprovePeriod, request, args,
                     absl::StrCat(request.period(), " approved by ", session.actor));
}

absl::Status Periods(Session& session, const CommandArgs&) {
  ASSIGN_OR_RETURN(v1::ListPeriodsResponse response,
                   Call(session, &Stub::ListPeriods, v1::ListPeriodsRequest()));
  if (session.json) return PrintJson(session, response);
  TablePrinter table({"PERIOD", "CLOSED BY", "CLOSED AT", "APPROVED BY", "APPROVED AT"});
  for (const v1::PeriodStatus& period : response.periods()) {
    table.AddRow({period.period(), period.closed_by(),
                  FormatTime(period.closed_at(), session.zone.zone), OrDash(period.approved_by()),
                  period.approved() ? FormatTime(period.approved_at(), session.zone.zone) : "-"});
  }
  *session.out << table.Render()
               << "first open: " << (response.first_open().empty() ? "any" : response.first_open())
               << "\n";
  return absl::OkStatus();
}

const FlagSpec kRepFlag = {.name = "rep", .help = "rep id", .required = true, .positional = true};
const FlagSpec kMetricFlag = {
    .name = "metric", .help = "revenue (default), volume, new-customers, visits, proposals"};

}  // namespace

CommandGroup TargetsCommandGroup() {
  return {.name = "targets",
          .summary = "targets: per org node and period, their decomposition and gaps",
          .commands = {
              {"list",
               "the targets of a year (its quarters and months too)",
               {Required("year", "YYYY"), {.name = "node", .help = "org node"}, kMetricFlag},
               ListTargets},
              {"gaps",
               "every target whose children do not add up to it, either way",
               {Required("year", "YYYY"),
                kMetricFlag,
                {.name = "all", .help = "also targets not decomposed at all", .boolean = true}},
               ListGaps},
              {"set", "set a target (0 clears it)",
               WithMetaFlags({Required("node", "company, a region, a team or a rep"),
                              Required("period", "YYYY, YYYY-Qn or YYYY-MM"),
                              Required("value", "money for revenue (12000.00), else a count"),
                              kMetricFlag,
                              {.name = "product-line", .help = "product line id"}}),
               SetTarget},
              {"decompose", "split a target over its sub-periods or org children",
               WithMetaFlags({Required("node", "the target's node"),
                              Required("period", "the target's period"),
                              Required("into", "periods or org"),
                              kMetricFlag,
                              {.name = "product-line", .help = "product line id"},
                              {.name = "weights", .help = "e.g. 2,1 (default: evenly)"}}),
               Decompose},
          }};
}

CommandGroup PlansCommandGroup() {
  return {.name = "plans",
          .summary = "plans: compensation plans, their versions and assignments",
          .commands = {
              {"list", "every plan's latest version", {}, ListPlans},
              {"show",
               "a plan version as JSON",
               {{.name = "plan", .help = "plan id", .required = true, .positional = true},
                {.name = "version", .help = "default: the latest"}},
               ShowPlan},
              {"publish", "publish a plan (a new version) from a JSON CompensationPlan",
               WithMetaFlags({Required("file", "path of the plan's JSON")}), PublishPlan},
              {"assign", "pay a rep under a plan from a month on",
               WithMetaFlags({Required("rep", "rep id"),
                              Required("plan", "plan id"),
                              Required("from", "YYYY-MM"),
                              {.name = "version", .help = "default: the latest"}}),
               AssignPlan},
              {"of", "a rep's plan assignments", {kRepFlag}, RepPlans},
          }};
}

CommandGroup SplitsCommandGroup() {
  return {.name = "splits",
          .summary = "splits: how a deal's credit is shared across reps",
          .commands = {
              {"show",
               "a deal's credit split",
               {{.name = "deal", .help = "deal id", .required = true, .positional = true}},
               ShowSplit},
              {"set", "set a deal's split (shares add up to 10000 bp)",
               WithMetaFlags({Required("deal", "deal id"),
                              Required("shares",
                                       "REP:ROLE:BP,… roles owner, overlay, manager, "
                                       "partner"),
                              {.name = "reason", .help = "why"}}),
               SetSplit},
          }};
}

CommandGroup CommissionsCommandGroup() {
  const FlagSpec period = {.name = "period", .help = "YYYY-MM (default: this month)"};
  const FlagSpec as_of = {.name = "as-of",
                          .help = "as it stood then: YYYY-MM-DD or \"YYYY-MM-DD HH:MM:SS\""};
  return {.name = "commissions",
          .summary = "commissions: statements, the ledger, attainment, adjustments, period close",
          .commands = {
              {"statement",
               "a rep's statement: pay, attainment per metric, totals, lines",
               {kRepFlag, period, as_of},
               Statement},
              {"ledger",
               "a rep's ledger lines for a month, each with its causes",
               {kRepFlag, period, as_of},
               Ledger},
              {"attainment",
               "attainment and commission of a rep, team, region or the company",
               {{.name = "node", .help = "org node", .required = true, .positional = true},
                {.name = "period", .help = "YYYY, YYYY-Qn or YYYY-MM (default: this month)"},
                as_of},
               ShowAttainment},
              {"adjust", "a manual adjustment with its reason (an open month)",
               WithMetaFlags({Required("rep", "rep id"),
                              Required("period", "YYYY-MM"),
                              Required("amount", "e.g. 250.00 or -250.00"),
                              Required("reason", "why"),
                              {.name = "currency", .help = "default CNY"}}),
               Adjust},
              {"close", "close a month (months close in order)",
               WithMetaFlags({Required("period", "YYYY-MM")}), Close},
              {"approve", "approve a closed month (a manager: --actor)",
               WithMetaFlags({Required("period", "YYYY-MM")}), Approve},
              {"periods", "closed months and their approvals", {}, Periods},
          }};
}

}  // namespace sales::salesctl
