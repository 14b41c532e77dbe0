#include "tools/salesctl/command_args.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/errors.h"

namespace sales::salesctl {
namespace {

const FlagSpec* FindSpec(const std::vector<FlagSpec>& specs, absl::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<CommandArgs> CommandArgs::Parse(const std::vector<FlagSpec>& specs,
                                               const std::vector<std::string>& args) {
  CommandArgs parsed;
  bool positional_taken = false;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--")) {
      auto positional = std::find_if(specs.begin(), specs.end(),
                                     [](const FlagSpec& spec) { return spec.positional; });
      if (positional == specs.end() || positional_taken) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
      }
      positional_taken = true;
      parsed.values_[positional->name] = std::string(arg);
      continue;
    }
    const size_t equals = arg.find('=');
    const std::string name(arg.substr(0, equals));
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) return InvalidField(absl::StrCat("--", name), "unknown flag");
    if (spec->boolean) {
      if (equals != absl::string_view::npos) {
        return InvalidField(absl::StrCat("--", name), "takes no value");
      }
      parsed.values_[name] = "true";
    } else if (equals != absl::string_view::npos) {
      parsed.values_[name] = std::string(arg.substr(equals + 1));
    } else if (i + 1 < args.size()) {
      parsed.values_[name] = args[++i];
    } else {
      return InvalidField(absl::StrCat("--", name), "needs a value");
    }
  }
  for (const FlagSpec& spec : specs) {
    if (spec.required && !parsed.Has(spec.name)) {
      return InvalidField(absl::StrCat("--", spec.name), "required");
    }
  }
  return parsed;
}

std::string CommandArgs::Get(absl::string_view name) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? "" : it->second;
}

absl::StatusOr<int64_t> CommandArgs::GetInt(absl::string_view name, int64_t fallback) const {
  if (!Has(name)) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(Get(name), &value)) {
    return InvalidField(absl::StrCat("--", name), absl::StrCat("not an integer: ", Get(name)));
  }
  return value;
}

std::string FlagsHelp(const std::vector<FlagSpec>& specs) {
  size_t width = 0;
  for (const FlagSpec& spec : specs) width = std::max(width, spec.name.size());
  std::string out;
  for (const FlagSpec& spec : specs) {
    absl::StrAppend(&out, "  --", spec.name, std::string(width - spec.name.size() + 2, ' '),
                    spec.help, spec.required ? " (required)" : "",
                    spec.positional ? " (or as the argument)" : "", "\n");
  }
  return out;
}

}  // namespace sales::salesctl
