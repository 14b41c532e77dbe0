// DataDirLock: an exclusive advisory lock (flock) on <data_dir>/LOCK, so that two processes never
// open the same data directory. Released when destroyed or when the process dies.
#ifndef SALES_COMMON_RUNTIME_DATA_DIR_LOCK_H_
#define SALES_COMMON_RUNTIME_DATA_DIR_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace sales::runtime {

class DataDirLock {
 public:
  // Creates the directory if needed. FAILED_PRECONDITION naming the directory (and the holder's
  // pid) when another process holds it.
  static absl::StatusOr<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace sales::runtime

#endif  // SALES_COMMON_RUNTIME_DATA_DIR_LOCK_H_
