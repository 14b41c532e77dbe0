// The crossing between RocksDB and the platform: its Status into absl::Status, and its Slice to
// and from absl::string_view (Debian's Abseil string_view is not std::string_view, so RocksDB's
// own ToStringView does not fit). Every module that stores in RocksDB uses these, so a storage
// failure reads the same everywhere: "<context>: <RocksDB's message>", RESOURCE_EXHAUSTED when
// the disk is full (say "free space"), INTERNAL otherwise.
//
//   RETURN_IF_ERROR(storage::FromRocks(db->Write(options, &batch), "event store write"));
#ifndef SALES_COMMON_STORAGE_ROCKSDB_UTIL_H_
#define SALES_COMMON_STORAGE_ROCKSDB_UTIL_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace sales::storage {

inline absl::Status FromRocks(const rocksdb::Status& status, absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  if (status.IsNoSpace()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(context, ": disk full (", status.ToString(), ")"));
  }
  return absl::InternalError(absl::StrCat(context, ": ", status.ToString()));
}

inline absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

inline rocksdb::Slice ToSlice(absl::string_view view) {
  return rocksdb::Slice(view.data(), view.size());
}

}  // namespace sales::storage

#endif  // SALES_COMMON_STORAGE_ROCKSDB_UTIL_H_
