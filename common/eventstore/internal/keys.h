// Key encodings of the event store's column families. Big-endian integers so that RocksDB's
// bytewise order is numeric order.
//
//   log           BE64(position)                 -> serialized EventEnvelope (the stored bytes)
//   stream_index  stream_id '\0' BE64(version)   -> BE64(position)
//   stream_heads  stream_id                      -> BE64(version) SHA-256(last event bytes)
//   outbox        BE64(position)                 -> "" (the relay reads the bytes from log)
//   idempotency   key                            -> IdempotencyRecord (see idempotency.h)
#ifndef SALES_COMMON_EVENTSTORE_INTERNAL_KEYS_H_
#define SALES_COMMON_EVENTSTORE_INTERNAL_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace sales::eventstore::internal {

inline std::string EncodeBigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<char>(value & 0xff);
  return out;
}

// Reads the first 8 bytes; 0 if there are fewer.
inline uint64_t DecodeBigEndian64(absl::string_view bytes) {
  if (bytes.size() < 8) return 0;
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

inline std::string StreamIndexPrefix(absl::string_view stream_id) {
  std::string key(stream_id);
  key.push_back('\0');
  return key;
}

inline std::string StreamIndexKey(absl::string_view stream_id, uint64_t version) {
  return StreamIndexPrefix(stream_id) + EncodeBigEndian64(version);
}

}  // namespace sales::eventstore::internal

#endif  // SALES_COMMON_EVENTSTORE_INTERNAL_KEYS_H_
