// salesctl: the command-line client of the sales platform (gRPC).
//
//   salesctl [--server=127.0.0.1:50051] [--json] [--actor=user:NAME] <group> <command> [flags]
//   salesctl help | salesctl leads --help | salesctl leads list --help
//
// Exit status: 0 done, 1 the server refused or failed the call (code and message on stderr),
// 2 a usage error.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/modules/command_groups.h"
#include "tools/salesctl/commands.h"

namespace sales::salesctl {
namespace {

constexpr int kUsageError = 2;

using Group = CommandGroup;

// Every context's group (registered with its module), then the platform's.
std::vector<Group> Groups() {
  std::vector<Group> groups = modules::ContextCommandGroups();
  groups.push_back(ProjectionCommandGroup());
  return groups;
}

void PrintCommands(const Group& group) {
  for (const Command& command : group.commands) {
    std::cout << "  " << command.name
              << std::string(24 - std::min<size_t>(22, command.name.size()), ' ') << command.summary
              << "\n";
  }
}

void PrintHelp(const std::vector<Group>& groups) {
  std::cout << "usage: salesctl [--server=127.0.0.1:50051] [--json] [--actor=user:NAME] "
               "<group> <command> [flags]\n\n"
               "  --server  the salesd, leads or projections gRPC address\n"
               "  --json    print responses as JSON instead of tables\n"
               "  --actor   who issues commands (default user:$USER)\n\n";
  for (const Group& group : groups) {
    std::cout << group.name << ": " << group.summary << "\n";
    PrintCommands(group);
  }
  std::cout << "\nsalesctl <group> <command> --help lists a command's flags.\n";
}

// "user:<login>" with the characters an actor id allows.
std::string DefaultActor() {
  const char* user = std::getenv("USER");
  std::string name = user == nullptr ? "salesctl" : user;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  return absl::StrCat("user:", name.empty() ? "salesctl" : name);
}

int UsageError(absl::string_view message) {
  std::cerr << "salesctl: " << message << "\n(salesctl help lists the commands)\n";
  return kUsageError;
}

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string server = "127.0.0.1:50051";
  bool json = false;
  std::string actor = DefaultActor();
  size_t next = 0;
  for (; next < args.size() && absl::StartsWith(args[next], "--"); ++next) {
    absl::string_view arg = args[next];
    if (arg == "--json") {
      json = true;
    } else if (arg == "--help") {
      PrintHelp(Groups());
      return 0;
    } else if (absl::ConsumePrefix(&arg, "--server=")) {
      server = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--actor=")) {
      actor = std::string(arg);
    } else if ((arg == "--server" || arg == "--actor") && next + 1 < args.size()) {
      (arg == "--server" ? server : actor) = args[++next];
    } else {
      return UsageError(absl::StrCat("unknown or incomplete global flag ", arg));
    }
  }
  const std::vector<Group> groups = Groups();
  if (next >= args.size() || args[next] == "help") {
    PrintHelp(groups);
    return next >= args.size() ? kUsageError : 0;
  }
  const Group* group = nullptr;
  for (const Group& candidate : groups) {
    if (candidate.name == args[next]) group = &candidate;
  }
  if (group == nullptr) return UsageError(absl::StrCat("unknown group \"", args[next], "\""));
  ++next;
  if (next >= args.size() || args[next] == "--help" || args[next] == "help") {
    std::cout << "salesctl " << group->name << ": " << group->summary << "\n";
    PrintCommands(*group);
    return next >= args.size() ? kUsageError : 0;
  }
  const Command* command = nullptr;
  for (const Command& candidate : group->commands) {
    if (candidate.name == args[next]) command = &candidate;
  }
  if (command == nullptr) {
    return UsageError(absl::StrCat("unknown command \"", group->name, " ", args[next], "\""));
  }
  const std::vector<std::string> command_args(args.begin() + static_cast<std::ptrdiff_t>(next) + 1,
                                              args.end());
  for (const std::string& arg : command_args) {
    if (arg == "--help") {
      std::cout << "salesctl " << group->name << " " << command->name << ": " << command->summary
                << "\n"
                << FlagsHelp(command->flags);
      return 0;
    }
  }
  absl::StatusOr<CommandArgs> parsed = CommandArgs::Parse(command->flags, command_args);
  if (!parsed.ok()) return UsageError(parsed.status().message());

  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  Session session{.channel = channel,
                  .json = json,
                  .actor = actor,
                  .zone = LoadBusinessZone(),
                  .out = &std::cout};
  if (session.zone.fell_back && !json) {
    std::cerr << "salesctl: time zone " << kBusinessTimeZone
              << " not found (install tzdata); times are shown in UTC\n";
  }
  absl::Status status = command->run(session, *parsed);
  if (status.ok()) return 0;
  if (status.GetPayload(kRpcErrorPayload).has_value()) {
    std::cerr << "salesctl: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
              << " (server " << server << ")\n";
    return 1;
  }
  return UsageError(status.message());
}

}  // namespace
}  // namespace sales::salesctl

int main(int argc, char** argv) { return sales::salesctl::Run(argc, argv); }
