// CommandArgs: the flags of one salesctl subcommand, parsed against the subcommand's declared
// flags: "--name=value", "--name value", "--name" (boolean flags only), and at most one positional
// argument that fills the flag declared `positional` (e.g. the lead id of `leads get L-1`).
//
//   const std::vector<FlagSpec> specs = {{.name = "lead", .help = "lead id", .positional = true},
//                                        {.name = "overdue", .help = "…", .boolean = true}};
//   ASSIGN_OR_RETURN(CommandArgs args, CommandArgs::Parse(specs, {"L-1", "--overdue"}));
//   args.Get("lead");  // "L-1"
//
// Every error is INVALID_ARGUMENT naming the flag (a usage error: salesctl exits with 2).
// Thread-compatible.
#ifndef SALES_TOOLS_SALESCTL_COMMAND_ARGS_H_
#define SALES_TOOLS_SALESCTL_COMMAND_ARGS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sales::salesctl {

struct FlagSpec {
  std::string name;  // without the leading "--"
  std::string help;
  bool boolean = false;     // present = true; takes no value
  bool required = false;    // Parse refuses the command without it
  bool positional = false;  // may also be given as the one positional argument
};

class CommandArgs {
 public:
  static absl::StatusOr<CommandArgs> Parse(const std::vector<FlagSpec>& specs,
                                           const std::vector<std::string>& args);

  bool Has(absl::string_view name) const { return values_.contains(std::string(name)); }
  // The value, or "" when absent (a boolean flag that is present is "true").
  std::string Get(absl::string_view name) const;
  // The integer value, `fallback` when absent; INVALID_ARGUMENT when not an integer.
  absl::StatusOr<int64_t> GetInt(absl::string_view name, int64_t fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// "  --name      help (required)" lines for `salesctl <group> <command> --help`.
std::string FlagsHelp(const std::vector<FlagSpec>& specs);

}  // namespace sales::salesctl

#endif  // SALES_TOOLS_SALESCTL_COMMAND_ARGS_H_
