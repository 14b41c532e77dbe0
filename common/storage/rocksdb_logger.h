// RocksDB's own log (flushes, compactions, background errors) through the platform's logger
// (common/log) instead of a LOG file in every database directory — where, on a full disk, the
// one message that matters could not even be written. Only warnings and errors are forwarded:
// RocksDB's INFO level describes every flush.
//
//   rocksdb::Options options;
//   options.info_log = storage::PlatformRocksLogger();
//
// Thread-safe (RocksDB logs from its background threads).
#ifndef SALES_COMMON_STORAGE_ROCKSDB_LOGGER_H_
#define SALES_COMMON_STORAGE_ROCKSDB_LOGGER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "rocksdb/env.h"

namespace sales::storage {

// One shared instance: every database of the process logs through it.
std::shared_ptr<rocksdb::Logger> PlatformRocksLogger();

// Creates `path` (and its parents) before a database is opened there: RocksDB logs an error for
// a directory it has to create itself, which would greet every first start. UNAVAILABLE with
// the reason when it cannot.
absl::Status CreateDatabaseDirectory(const std::string& path);

}  // namespace sales::storage

#endif  // SALES_COMMON_STORAGE_ROCKSDB_LOGGER_H_
