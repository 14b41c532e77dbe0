// LEB128 varints (7 bits per byte, low group first), as counter rows (counter_row.h) and the
// pending counter rows' log records (pending_counter_rows.h) encode numbers.
//
// Pure functions; thread-safe.
#ifndef SALES_COMMON_PROJECTION_INTERNAL_VARINT_H_
#define SALES_COMMON_PROJECTION_INTERNAL_VARINT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace sales::projection::internal {

// Writes `value` at `out` (room for VarintSize(value) bytes); returns the end.
inline char* PutVarint(char* out, uint64_t value) {
  while (value >= 0x80) {
    *out++ = static_cast<char>(value | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<char>(value);
  return out;
}

inline void AppendVarint(std::string& out, uint64_t value) {
  char buffer[10];
  out.append(buffer, PutVarint(buffer, value));
}

inline size_t VarintSize(uint64_t value) {
  size_t size = 1;
  for (; value >= 0x80; value >>= 7) ++size;
  return size;
}

// Reads a varint from the front of `in` and removes it; false when `in` does not start with one.
inline bool GetVarint(absl::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace sales::projection::internal

#endif  // SALES_COMMON_PROJECTION_INTERNAL_VARINT_H_
