#include "common/eventstore/internal/idempotency.h"

// The state type is only complete with static linking on; it is a plain struct.
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "absl/strings/str_cat.h"
#include "common/eventstore/internal/keys.h"

namespace sales::eventstore::internal {
namespace {

constexpr size_t kFingerprintBytes = 16;

// Feeds length-prefixed fields to a hash, so that ("ab","c") and ("a","bc") differ.
class FieldHasher {
 public:
  FieldHasher() { XXH3_128bits_reset(&state_); }
  void Add(absl::string_view field) {
    const std::string length = EncodeBigEndian64(field.size());
    XXH3_128bits_update(&state_, length.data(), length.size());
    XXH3_128bits_update(&state_, field.data(), field.size());
  }
  std::string Digest() {
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(&state_));
    return std::string(reinterpret_cast<const char*>(canonical.digest), kFingerprintBytes);
  }

 private:
  XXH3_state_t state_;
};

}  // namespace

// XXH3-128, not SHA-256: a fingerprint only has to tell a retry from a different request made
// by mistake with the same key (a 2^-128 accidental collision); it is no tamper seal, and it is
// computed over every payload byte of every keyed append.
std::string Fingerprint(const MultiAppendRequest& request) {
  FieldHasher hasher;
  if (!request.idempotency_fingerprint.empty()) {
    hasher.Add("caller");
    hasher.Add(request.idempotency_fingerprint);
    return hasher.Digest();
  }
  for (const AppendRequest& append : request.appends) {
    hasher.Add(append.stream_id);
    hasher.Add(EncodeBigEndian64(static_cast<uint64_t>(append.expected_version)));
    for (const EventEnvelope& event : append.events) {
      hasher.Add(event.payload().type_url());
      hasher.Add(event.payload().value());
    }
  }
  return hasher.Digest();
}

// fingerprint, then per stream: first/last version, first/last position (BE64 each).
std::string EncodeIdempotencyRecord(const IdempotencyRecord& record) {
  std::string out = record.fingerprint;
  for (const AppendResult& result : record.results) {
    absl::StrAppend(
        &out, EncodeBigEndian64(result.first_version), EncodeBigEndian64(result.last_version),
        EncodeBigEndian64(result.first_position), EncodeBigEndian64(result.last_position));
  }
  return out;
}

absl::StatusOr<IdempotencyRecord> DecodeIdempotencyRecord(absl::string_view bytes) {
  constexpr size_t kResultBytes = size_t{4} * 8;
  if (bytes.size() <= kFingerprintBytes || (bytes.size() - kFingerprintBytes) % kResultBytes != 0) {
    return absl::DataLossError("idempotency record has the wrong size");
  }
  IdempotencyRecord record;
  record.fingerprint = std::string(bytes.substr(0, kFingerprintBytes));
  for (absl::string_view rest = bytes.substr(kFingerprintBytes); !rest.empty();
       rest.remove_prefix(kResultBytes)) {
    record.results.push_back({.first_version = DecodeBigEndian64(rest.substr(0, 8)),
                              .last_version = DecodeBigEndian64(rest.substr(8, 8)),
                              .first_position = DecodeBigEndian64(rest.substr(16, 8)),
                              .last_position = DecodeBigEndian64(rest.substr(24, 8))});
  }
  return record;
}

}  // namespace sales::eventstore::internal
