// Idempotency records: what the store remembers of an append made with an idempotency key.
#ifndef SALES_COMMON_EVENTSTORE_INTERNAL_IDEMPOTENCY_H_
#define SALES_COMMON_EVENTSTORE_INTERNAL_IDEMPOTENCY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/eventstore/event_store.h"

namespace sales::eventstore::internal {

struct IdempotencyRecord {
  std::string fingerprint;            // 16 bytes (see Fingerprint)
  std::vector<AppendResult> results;  // one per stream of the append
};

// A 128-bit hash identifying "the same request": of request.idempotency_fingerprint when the
// caller gave one, else of each stream's id, expected version and events' payload types and
// bytes.
std::string Fingerprint(const MultiAppendRequest& request);

std::string EncodeIdempotencyRecord(const IdempotencyRecord& record);
absl::StatusOr<IdempotencyRecord> DecodeIdempotencyRecord(absl::string_view bytes);

}  // namespace sales::eventstore::internal

#endif  // SALES_COMMON_EVENTSTORE_INTERNAL_IDEMPOTENCY_H_
