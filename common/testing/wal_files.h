// WalFilesOf: the RocksDB WAL files (*.log) of a database directory — how many, and the disk
// space they hold beyond their data (RocksDB may preallocate a WAL file at the size of a write
// buffer). For tests of what a store leaves on disk.
//
//   EXPECT_LT(sales::testing::WalFilesOf(path).preallocated_bytes, 64u << 10);
#ifndef SALES_COMMON_TESTING_WAL_FILES_H_
#define SALES_COMMON_TESTING_WAL_FILES_H_

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace sales::testing {

struct WalFiles {
  int count = 0;
  // Allocated beyond each file's size rounded up to whole 4 KiB blocks.
  uintmax_t preallocated_bytes = 0;
};

inline WalFiles WalFilesOf(const std::string& directory) {
  constexpr uintmax_t kBlock = 4096;
  WalFiles files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    struct stat info {};
    if (entry.path().extension() != ".log" || stat(entry.path().c_str(), &info) != 0) continue;
    ++files.count;
    const auto allocated = static_cast<uintmax_t>(info.st_blocks) * 512;
    const uintmax_t used = (static_cast<uintmax_t>(info.st_size) + kBlock - 1) / kBlock * kBlock;
    if (allocated > used) files.preallocated_bytes += allocated - used;
  }
  return files;
}

}  // namespace sales::testing

#endif  // SALES_COMMON_TESTING_WAL_FILES_H_
