// Idempotency records: what the store remembers of an append made with an idempotency key.
#ifndef SALES_COMMON_EVENTSTORE_INTERNAL_IDEMPOTENCY_H_
#define SALES_COMMON_EVENTSTORE_INTERNAL_IDEMPOTENCY_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/eventstore/event_store.h"

namespace sales::eventstore::internal {

struct IdempotencyRecord {
  std::string fingerprint;  // 16 bytes (see Fingerprint)
  AppendResult result;
};

// A 128-bit hash identifying "the same request": of request.idempotency_fingerprint when the
// caller gave one, else of the stream id, expected version and each event's payload type and
// bytes.
std::string Fingerprint(const AppendRequest& request);

std::string EncodeIdempotencyRecord(const IdempotencyRecord& record);
absl::StatusOr<IdempotencyRecord> DecodeIdempotencyRecord(absl::string_view bytes);

}  // namespace sales::eventstore::internal

#endif  // SALES_COMMON_EVENTSTORE_INTERNAL_IDEMPOTENCY_H_
