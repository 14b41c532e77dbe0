// Identifiers generated for callers that did not choose their own: ULIDs with a type prefix
// ("L-01JD3…" for a lead, "D-…" for a deal, "A-…" for an activity).
//
//   std::string lead_id = ids::NewId("L-");                 // random, time-ordered
//   std::string deal_id = ids::IdFromKey("D-", "key-123");  // the same for the same key
//
// A ULID is 26 characters of Crockford base32 (0-9, A-Z without I, L, O, U): 48 bits of
// milliseconds since the Unix epoch then 80 random bits, so ids sort roughly by creation time
// and collide with negligible probability. IdFromKey derives the 26 characters from SHA-256 of
// the key instead, so that a retried request carrying the same idempotency key gets the same
// id (and is recognised as the same request). Both fit the domain's id syntax [A-Za-z0-9._:-].
//
// Thread-safety: every function may be called concurrently.
#ifndef SALES_COMMON_IDS_IDS_H_
#define SALES_COMMON_IDS_IDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sales::ids {

inline constexpr size_t kUlidLength = 26;

// A new ULID for the instant `now`.
std::string NewUlid(absl::Time now);

// `prefix` + NewUlid(absl::Now()).
std::string NewId(absl::string_view prefix);

// `prefix` + 26 Crockford base32 characters of SHA-256(key): deterministic.
std::string IdFromKey(absl::string_view prefix, absl::string_view key);

}  // namespace sales::ids

#endif  // SALES_COMMON_IDS_IDS_H_
