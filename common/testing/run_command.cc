#include "common/testing/run_command.h"

#include <sys/wait.h>

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/time/clock.h"

namespace sales::testing {

std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string RunCommandUntil(const std::string& command, absl::string_view expected,
                            absl::Duration patience) {
  std::string out;
  for (const absl::Time until = absl::Now() + patience; absl::Now() < until;) {
    out = RunCommand(command).second;
    if (absl::StrContains(out, expected)) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return out;
}

}  // namespace sales::testing
