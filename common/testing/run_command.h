// RunCommand: runs a shell command line (e.g. the built salesctl) and returns its exit status and
// standard output, for tests of command-line tools.
//
//   auto [exit_code, out] = sales::testing::RunCommand(salesctl + " leads list 2>&1");
//   EXPECT_EQ(exit_code, 0) << out;
//
// The exit status is -1 when the command could not be started or did not exit normally.
// RunCommandUntil runs a command again until its output contains `expected` — for what a
// follower shows a moment after a command (an audit history, a replica's list) — and returns the
// last output.
//
//   EXPECT_THAT(RunCommandUntil(salesctl + " audit history D-1 2>&1", "DealWon", kPatience), …);
// Thread-safety: a free function; blocks until the command ends.
#ifndef SALES_COMMON_TESTING_RUN_COMMAND_H_
#define SALES_COMMON_TESTING_RUN_COMMAND_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sales::testing {

std::pair<int, std::string> RunCommand(const std::string& command);
std::string RunCommandUntil(const std::string& command, absl::string_view expected,
                            absl::Duration patience);

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_RUN_COMMAND_H_
