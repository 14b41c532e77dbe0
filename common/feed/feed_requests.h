// The rules an EventFeed request must follow, shared by the gRPC service and the in-process
// reader so that both answer the same request the same way.
//
//   RETURN_IF_ERROR(ValidateStreamRange(stream_id, from_version, to_version));
//   size_t page = EffectivePageSize(request.page_size());
//
// Thread-safety: pure functions.
#ifndef SALES_COMMON_FEED_FEED_REQUESTS_H_
#define SALES_COMMON_FEED_FEED_REQUESTS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sales::feed {

// Events per page when the request leaves page_size at 0.
inline constexpr size_t kDefaultPageSize = 500;
// Larger requested pages are cut to this, bounding one page's memory and message size.
inline constexpr size_t kMaxPageSize = 5000;

// 0 → kDefaultPageSize; above kMaxPageSize → kMaxPageSize.
size_t EffectivePageSize(uint32_t requested);

// ReadStream's arguments: a valid stream id (INVALID_ARGUMENT naming "stream_id"), and, when
// to_version ≠ 0, to_version ≥ from_version (INVALID_ARGUMENT naming "to_version"); a
// from_version of 0 counts as 1.
absl::Status ValidateStreamRange(absl::string_view stream_id, uint64_t from_version,
                                 uint64_t to_version);

}  // namespace sales::feed

#endif  // SALES_COMMON_FEED_FEED_REQUESTS_H_
