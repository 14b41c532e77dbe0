#include "common/feed/feed_requests.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales::feed {

size_t EffectivePageSize(uint32_t requested) {
  if (requested == 0) return kDefaultPageSize;
  return std::min<size_t>(requested, kMaxPageSize);
}

absl::Status ValidateStreamRange(absl::string_view stream_id, uint64_t from_version,
                                 uint64_t to_version) {
  RETURN_IF_ERROR(eventstore::ValidateStreamId(stream_id, "stream_id"));
  const uint64_t first = std::max<uint64_t>(from_version, 1);
  if (to_version != 0 && to_version < first) {
    return InvalidField("to_version", absl::StrCat("must be 0 (to the end) or at least ",
                                                   "from_version (", first, "), got ", to_version));
  }
  return absl::OkStatus();
}

}  // namespace sales::feed
