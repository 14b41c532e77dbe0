#include "tools/salesctl/commands.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/json_util.h"

namespace sales::salesctl {

absl::Status RpcError(const grpc::Status& status, const grpc::ClientContext& context) {
  absl::Status error = FromGrpcStatus(status);
  error.SetPayload(kRpcErrorPayload, absl::Cord(context.peer()));
  return error;
}

absl::Status PrintJson(Session& session, const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(absl::StrCat("JSON: ", status.ToString()));
  *session.out << json;
  if (json.empty() || json.back() != '\n') *session.out << "\n";
  return absl::OkStatus();
}

FlagSpec Required(absl::string_view name, absl::string_view help) {
  return {.name = std::string(name), .help = std::string(help), .required = true};
}

std::vector<FlagSpec> WithMetaFlags(std::vector<FlagSpec> flags) {
  flags.push_back(
      {.name = "idempotency-key", .help = "a retry with the same key returns the first result"});
  flags.push_back({.name = "expected-version",
                   .help = "refuse (ABORTED) unless the stream is at this version"});
  return flags;
}

std::vector<FlagSpec> WithPageFlags(std::vector<FlagSpec> flags) {
  flags.push_back({.name = "page-size", .help = "1–500 (default 50)"});
  flags.push_back({.name = "page-token", .help = "from the previous page"});
  return flags;
}

absl::StatusOr<PageArgs> PageFrom(const CommandArgs& args) {
  ASSIGN_OR_RETURN(int64_t size, args.GetInt("page-size", 0));
  if (size < 0 || size > 500) return InvalidField("--page-size", "must be 1–500");
  return PageArgs{.size = static_cast<int32_t>(size), .token = args.Get("page-token")};
}

void PrintMore(Session& session, const std::string& next_page_token) {
  if (!next_page_token.empty()) *session.out << "more: --page-token " << next_page_token << "\n";
}

absl::StatusOr<sales::common::v1::CommandMeta> MetaFrom(const Session& session,
                                                        const CommandArgs& args) {
  sales::common::v1::CommandMeta meta;
  meta.set_actor(session.actor);
  meta.set_idempotency_key(args.Get("idempotency-key"));
  auto version = args.GetInt("expected-version", 0);
  if (!version.ok()) return version.status();
  if (*version < 0) return InvalidField("--expected-version", "must not be negative");
  meta.set_expected_version(static_cast<uint64_t>(*version));
  return meta;
}

}  // namespace sales::salesctl
