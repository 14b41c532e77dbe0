#include "common/projection/admin/projection_admin_service.h"

#include <filesystem>
#include <fstream>

#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace sales::projection {
namespace {

// Regression: three kill -9 during Rebuild left three scratch stores (225 MB) that no later
// start removed.
TEST(ProjectionAdminServiceTest, AStartRemovesWhatInterruptedRebuildsLeft) {
  sales::testing::TempDir dir;
  const std::filesystem::path scratch = dir.path();
  std::filesystem::create_directories(scratch / "funnel.rebuild-01JABC" / "sub");
  std::ofstream(scratch / "funnel.rebuild-01JABC" / "sub" / "000001.sst") << "data";
  std::filesystem::create_directories(scratch / "funnel");  // a live store stays
  concurrency::Executor executor(1);
  ProjectionAdminService service(&executor, scratch.string());
  EXPECT_FALSE(std::filesystem::exists(scratch / "funnel.rebuild-01JABC"));
  EXPECT_TRUE(std::filesystem::exists(scratch / "funnel"));
}

}  // namespace
}  // namespace sales::projection
