// The `salesctl audit …` commands: a deal's history, its state as of an instant, and the tamper
// check, against sales.audit.v1.AuditService.
#include "services/audit/cli/audit_commands.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"
#include "sales/audit/v1/audit.grpc.pb.h"
#include "sales/leads/v1/model.pb.h"
#include "tools/salesctl/commands.h"
#include "tools/salesctl/table_printer.h"

namespace sales::salesctl {
namespace {

namespace v1 = ::sales::audit::v1;
using Stub = v1::AuditService::Stub;

const FlagSpec kDealFlag = {.name = "deal", .help = "deal id", .positional = true};

std::unique_ptr<Stub> AuditStub(const Session& session) {
  return v1::AuditService::NewStub(session.channel);
}

// The short name of an event type: "sales.leads.v1.DealWon" → "DealWon".
std::string ShortType(const std::string& type) {
  const size_t dot = type.rfind('.');
  return dot == std::string::npos ? type : type.substr(dot + 1);
}

// RFC 3339 ("2026-11-20T10:00:00+08:00"), else "2026-11-20 10:00" or "2026-11-20" in the
// business time zone.
absl::StatusOr<google::protobuf::Timestamp> ParseInstant(const Session& session,
                                                         const std::string& text) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    google::protobuf::Timestamp timestamp;
    timestamp.set_seconds(absl::ToUnixSeconds(time));
    timestamp.set_nanos(static_cast<int32_t>(
        absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(timestamp.seconds()))));
    return timestamp;
  }
  return ParseTime(text, session.zone.zone, "--at");
}

absl::Status History(Session& session, const CommandArgs& args) {
  v1::GetDealHistoryRequest request;
  request.set_deal_id(args.Get("deal"));
  request.set_payload_json(session.json);
  auto stub = AuditStub(session);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + session.deadline));
  auto reader = stub->GetDealHistory(&context, request);
  TablePrinter table(
      {"#", "TIME", "SERVICE", "STREAM", "VER", "EVENT", "ACTOR", "REASON", "CORRELATION"});
  table.AlignRight(0);
  table.AlignRight(4);
  v1::DealHistoryPage page;
  while (reader->Read(&page)) {
    for (const v1::DealHistoryEntry& entry : page.entries()) {
      if (session.json) {
        RETURN_IF_ERROR(PrintJson(session, entry));
        continue;
      }
      const common::v1::EventEnvelope& event = entry.event();
      table.AddRow({absl::StrCat(entry.sequence()),
                    FormatTime(event.occurred_at(), session.zone.zone), event.service(),
                    event.stream_id(), absl::StrCat(event.stream_version()),
                    ShortType(event.event_type()), OrDash(event.actor()), OrDash(entry.reason()),
                    OrDash(event.correlation_id())});
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return RpcError(status, context);
  if (!session.json) *session.out << table.Render();
  return absl::OkStatus();
}

void PrintLead(Session& session, const sales::leads::v1::Lead& lead) {
  TablePrinter table({"FIELD", "VALUE"});
  const auto stage = EnumShortName(*sales::leads::v1::LeadStage_descriptor(), lead.stage());
  const auto step = EnumShortName(*sales::leads::v1::SalesStep_descriptor(), lead.sales_step());
  table.AddRow({"lead", lead.lead_id()});
  table.AddRow({"deal", OrDash(lead.deal_id())});
  table.AddRow({"stage", stage});
  table.AddRow({"step", step});
  table.AddRow({"owner", OrDash(lead.rep_id())});
  table.AddRow({"team", OrDash(lead.team_id())});
  table.AddRow({"score", absl::StrCat(lead.score())});
  table.AddRow({"grade", EnumShortName(*sales::leads::v1::Grade_descriptor(), lead.grade())});
  table.AddRow({"amount", FormatMoney(lead.has_deal_amount() ? lead.deal_amount()
                                                             : lead.details().estimated_value())});
  *session.out << table.Render();
}

absl::Status AsOf(Session& session, const CommandArgs& args) {
  v1::GetDealAsOfRequest request;
  request.set_deal_id(args.Get("deal"));
  ASSIGN_OR_RETURN(*request.mutable_as_of(), ParseInstant(session, args.Get("at")));
  auto stub = AuditStub(session);
  ASSIGN_OR_RETURN(v1::GetDealAsOfResponse response,
                   Call(session, *stub, &Stub::GetDealAsOf, request));
  if (session.json) return PrintJson(session, response);
  *session.out << "deal " << response.deal_id() << " as of "
               << FormatTime(response.as_of(), session.zone.zone) << " (" << session.zone.name
               << "): " << response.events_folded() << " events folded\n";
  for (const v1::StreamState& stream : response.streams()) {
    *session.out << "\n"
                 << stream.service() << " " << stream.stream_id() << " at version "
                 << stream.version() << " (last event "
                 << FormatTime(stream.last_event_at(), session.zone.zone) << ")\n";
    sales::leads::v1::Lead lead;
    if (stream.state().UnpackTo(&lead)) {
      PrintLead(session, lead);
    } else if (stream.folded()) {
      RETURN_IF_ERROR(PrintJson(session, stream.state()));
    } else {
      *session.out << "(no folder registered for service " << stream.service() << ")\n";
    }
  }
  return absl::OkStatus();
}

absl::Status Verify(Session& session, const CommandArgs& args) {
  auto stub = AuditStub(session);
  absl::StatusOr<v1::VerifyResponse> response;
  if (args.Has("stream")) {
    v1::VerifyStreamRequest request;
    request.set_service(args.Has("service") ? args.Get("service") : "leads");
    request.set_stream_id(args.Get("stream"));
    response = Call(session, *stub, &Stub::VerifyStream, request);
  } else if (args.Has("deal")) {
    v1::VerifyDealRequest request;
    request.set_deal_id(args.Get("deal"));
    response = Call(session, *stub, &Stub::VerifyDeal, request);
  } else {
    return InvalidField("--deal", "either --deal or --stream is required");
  }
  if (!response.ok()) return response.status();
  if (session.json) return PrintJson(session, *response);
  TablePrinter table({"SERVICE", "STREAM", "EVENTS", "RESULT", "FIRST BAD", "EVENT ID", "PROBLEM"});
  table.AlignRight(2);
  for (const v1::StreamVerification& stream : response->streams()) {
    table.AddRow({stream.service(), stream.stream_id(), absl::StrCat(stream.events_checked()),
                  stream.intact() ? "intact" : "TAMPERED",
                  stream.intact() ? "-" : absl::StrCat(stream.first_bad_version()),
                  OrDash(stream.first_bad_event_id()), OrDash(stream.problem())});
  }
  *session.out << table.Render();
  return absl::OkStatus();
}

}  // namespace

CommandGroup AuditCommandGroup() {
  return {
      .name = "audit",
      .summary = "a deal's history, its state as of an instant, tamper checks",
      .commands = {
          {.name = "history",
           .summary = "every event of a deal across services, in causal order",
           .flags = {{.name = "deal", .help = "deal id", .required = true, .positional = true}},
           .run = History},
          {.name = "as-of",
           .summary = "the deal's state as of an instant",
           .flags = {{.name = "deal", .help = "deal id", .required = true},
                     {.name = "at",
                      .help = "RFC 3339, or \"2026-11-20 10:00\" / \"2026-11-20\" in the business "
                              "time zone",
                      .required = true}},
           .run = AsOf},
          {.name = "verify",
           .summary = "check the hash chains of a deal's streams (or of one stream)",
           .flags = {kDealFlag,
                     {.name = "stream", .help = "one stream id instead of a deal"},
                     {.name = "service", .help = "the stream's service (default leads)"}},
           .run = Verify},
      }};
}

}  // namespace sales::salesctl
