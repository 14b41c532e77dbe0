// RunCommand: runs a shell command line (e.g. the built salesctl) and returns its exit status and
// standard output, for tests of command-line tools.
//
//   auto [exit_code, out] = sales::testing::RunCommand(salesctl + " leads list 2>&1");
//   EXPECT_EQ(exit_code, 0) << out;
//
// The exit status is -1 when the command could not be started or did not exit normally.
// Thread-safety: a free function; blocks until the command ends.
#ifndef SALES_COMMON_TESTING_RUN_COMMAND_H_
#define SALES_COMMON_TESTING_RUN_COMMAND_H_

#include <string>
#include <utility>

namespace sales::testing {

std::pair<int, std::string> RunCommand(const std::string& command);

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_RUN_COMMAND_H_
