// The salesctl command framework: one Command per operation, gathered in a CommandGroup per
// context ("leads", "org"; each context's group lives with the context, e.g.
// services/leads/cli, and is registered in services/modules/command_groups.cc), each with its
// declared flags and a function that builds the request, calls the service and prints the
// answer — an aligned table by default, the response as JSON with --json.
//
//   Session session{.channel = channel, .json = false, .actor = "user:li",
//                   .zone = LoadBusinessZone(), .out = &std::cout};
//   for (const Command& command : group.commands) ...
//   absl::Status status = command.run(session, args);
//
// Errors: a failed RPC is returned as its own code and message with the payload kRpcErrorPayload
// (salesctl exits 1); any other error is a usage error (exit 2).
// Thread-compatible.
#ifndef SALES_TOOLS_SALESCTL_COMMANDS_H_
#define SALES_TOOLS_SALESCTL_COMMANDS_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "sales/common/v1/command.pb.h"
#include "tools/salesctl/command_args.h"
#include "tools/salesctl/format.h"

namespace sales::salesctl {

// Payload type URL marking a status as the server's answer to an RPC.
inline constexpr char kRpcErrorPayload[] = "type.sales/salesctl.RpcError";

struct Session {
  // The connection to the server; each command makes its service's stub from it.
  std::shared_ptr<grpc::Channel> channel;
  bool json = false;
  std::string actor;  // CommandMeta.actor of every command
  BusinessZone zone;
  std::ostream* out = nullptr;
  absl::Duration deadline = absl::Seconds(30);  // per RPC
};

struct Command {
  std::string name;
  std::string summary;
  std::vector<FlagSpec> flags;
  std::function<absl::Status(Session&, const CommandArgs&)> run;
};

// The commands of one context (or of the platform, e.g. "projection").
struct CommandGroup {
  std::string name;     // the first word: "salesctl <name> <command>"
  std::string summary;  // one line, for salesctl help
  std::vector<Command> commands;
};

// The platform's own group: read models' progress and checked rebuilds (ProjectionAdmin).
CommandGroup ProjectionCommandGroup();

// Writes `message` as JSON (proto3 mapping, enums by name), one object followed by '\n'.
absl::Status PrintJson(Session& session, const google::protobuf::Message& message);

// A flag the command cannot run without.
FlagSpec Required(absl::string_view name, absl::string_view help);

// Flags every command takes (idempotency key, expected version) and the meta they fill.
std::vector<FlagSpec> WithMetaFlags(std::vector<FlagSpec> flags);
absl::StatusOr<sales::common::v1::CommandMeta> MetaFrom(const Session& session,
                                                        const CommandArgs& args);

// The flags of a paged list (--page-size, --page-token) and their values.
std::vector<FlagSpec> WithPageFlags(std::vector<FlagSpec> flags);
struct PageArgs {
  int32_t size = 0;  // 0: the server's default
  std::string token;
};
absl::StatusOr<PageArgs> PageFrom(const CommandArgs& args);
// After a page's table: "more: --page-token …" when there is a next page.
void PrintMore(Session& session, const std::string& next_page_token);

// A failed RPC as the status salesctl reports (its code and message, with kRpcErrorPayload).
absl::Status RpcError(const grpc::Status& status, const grpc::ClientContext& context);

// One unary call on `stub` (any service's) with the session's deadline; a failure becomes
// RpcError.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Call(Session& session, Stub& stub,
                              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                           Response*),
                              const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + session.deadline));
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return RpcError(status, context);
  return response;
}

// The same on a fresh stub of `Service` over the session's channel (stubs are cheap).
template <typename Service, typename Request, typename Response>
absl::StatusOr<Response> CallService(Session& session,
                                     grpc::Status (Service::Stub::*method)(grpc::ClientContext*,
                                                                           const Request&,
                                                                           Response*),
                                     const Request& request) {
  std::unique_ptr<typename Service::Stub> stub = Service::NewStub(session.channel);
  return Call(session, *stub, method, request);
}

}  // namespace sales::salesctl

#endif  // SALES_TOOLS_SALESCTL_COMMANDS_H_
