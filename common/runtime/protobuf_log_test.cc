#include "common/runtime/protobuf_log.h"

#include <string>
#include <vector>

#include "common/log/log.h"
#include "gmock/gmock.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"

namespace sales::runtime {
namespace {

using ::testing::HasSubstr;

// Regression: every malformed request wrote an unthrottled "[libprotobuf ERROR …]" line to
// stderr (7 MB in one run).
TEST(ProtobufLogTest, ProtobufsLinesGoThroughOurLogRateLimited) {
  std::vector<std::string> lines;
  log::SetSinkForTesting([&](absl::string_view line) { lines.emplace_back(line); });
  RouteProtobufLogs(/*per_second=*/3);
  for (int i = 0; i < 50; ++i) GOOGLE_LOG(ERROR) << "malformed request " << i;
  log::SetSinkForTesting(nullptr);
  ASSERT_GE(lines.size(), 1u);
  EXPECT_LE(lines.size(), 6u);  // at most 3 a second; the test takes well under 2 s
  EXPECT_THAT(lines.front(), HasSubstr("\"msg\":\"protobuf.log\""));
  EXPECT_THAT(lines.front(), HasSubstr("malformed request 0"));
}

}  // namespace
}  // namespace sales::runtime
