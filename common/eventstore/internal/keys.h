// Key encodings of the event store's column families. Big-endian integers so that RocksDB's
// bytewise order is numeric order.
//
//   log           BE64(position)                 -> serialized EventEnvelope (the stored bytes)
//   stream_index  stream_id '\0' BE64(last_version)
//                   -> BE64(first_version) BE64(first_position) SHA-256(last event's bytes)
//                      [the run's one event's stored bytes, when appended with keep_in_index]
//                 One entry per append: its events are a run of consecutive versions stored at
//                 consecutive positions. A stream's head is its last entry.
//   outbox        BE64(first_position)           -> BE64(last_position)
//                 One row per append; the relay reads the bytes from log.
//   idempotency   key                            -> IdempotencyRecord (see idempotency.h)
#ifndef SALES_COMMON_EVENTSTORE_INTERNAL_KEYS_H_
#define SALES_COMMON_EVENTSTORE_INTERNAL_KEYS_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "rocksdb/slice_transform.h"

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

// Prefix of a stream_index key: the stream id and its '\0' terminator.
inline std::shared_ptr<const rocksdb::SliceTransform> NewStreamPrefixTransform() {
  class StreamPrefix final : public rocksdb::SliceTransform {
   public:
    const char* Name() const override { return "sales.StreamPrefix"; }
    rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
      const void* end = memchr(key.data(), '\0', key.size());
      return rocksdb::Slice(key.data(), static_cast<const char*>(end) - key.data() + 1);
    }
    bool InDomain(const rocksdb::Slice& key) const override {
      return memchr(key.data(), '\0', key.size()) != nullptr;
    }
  };
  return std::make_shared<StreamPrefix>();
}

// An append's run of events in one stream, as the stream index records it.
// A stream-index entry: one append's run of events. Value: first version (8 bytes), first
// position (8), the last event's hash (32), and — for a one-event run appended with
// keep_in_index — that event's stored bytes.
struct StreamRun {
  uint64_t first_version = 0;
  uint64_t last_version = 0;
  uint64_t first_position = 0;
  std::string last_event_hash;
  std::string kept_event;  // the run's one event's stored bytes, or empty
};

inline constexpr size_t kEventHashBytes = 32;

inline std::string EncodeStreamRunValue(const StreamRun& run) {
  return EncodeBigEndian64(run.first_version) + EncodeBigEndian64(run.first_position) +
         run.last_event_hash + run.kept_event;
}

// `version_suffix` is the key after the stream prefix.
inline StreamRun DecodeStreamRun(absl::string_view version_suffix, absl::string_view value) {
  StreamRun run;
  run.last_version = DecodeBigEndian64(version_suffix);
  run.first_version = DecodeBigEndian64(value);
  if (value.size() >= 16) run.first_position = DecodeBigEndian64(value.substr(8));
  if (value.size() > 16) run.last_event_hash = std::string(value.substr(16, kEventHashBytes));
  if (value.size() > 16 + kEventHashBytes) {
    run.kept_event = std::string(value.substr(16 + kEventHashBytes));
  }
  return run;
}

}  // namespace sales::eventstore::internal

#endif  // SALES_COMMON_EVENTSTORE_INTERNAL_KEYS_H_
