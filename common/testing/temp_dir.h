// TempDir: a fresh directory for one test, removed with everything in it when destroyed.
//
//   sales::testing::TempDir dir;
//   auto store = EventStore::Open({.path = dir.path() + "/events", .service = "test"});
#ifndef SALES_COMMON_TESTING_TEMP_DIR_H_
#define SALES_COMMON_TESTING_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace sales::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sales-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();  // a test cannot go on without it
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_TEMP_DIR_H_
