#include "common/runtime/flags_usage.h"

#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"

namespace sales::runtime {

void ListAllFlagsInHelp() {
  absl::FlagsUsageConfig config;
  // Every flag but Abseil's own (--flagfile, --fromenv, …), wherever it is defined.
  config.contains_help_flags = [](absl::string_view file) {
    return !absl::StrContains(file, "absl/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace sales::runtime
