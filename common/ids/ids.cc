#include "common/ids/ids.h"

#include <openssl/sha.h>

#include <array>
#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sales::ids {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Encodes the first 130 bits of `bytes` (17 bytes, the top 2 bits of byte 0 first) as 26
// base32 characters, 5 bits each, most significant first.
std::string EncodeBase32(const std::array<uint8_t, 17>& bytes) {
  std::string out(kUlidLength, '0');
  // Bit i (0 = most significant) of the 130-bit number is bit (i + 6) of the 136-bit buffer:
  // the buffer is right-aligned, so its top 6 bits are padding.
  for (size_t c = 0; c < kUlidLength; ++c) {
    int value = 0;
    for (int b = 0; b < 5; ++b) {
      const size_t bit = 6 + c * 5 + b;
      value = (value << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
    }
    out[c] = kCrockford[value];
  }
  return out;
}

}  // namespace

std::string NewUlid(absl::Time now) {
  thread_local absl::BitGen gen;
  // 128 bits = 48 bits of time + 80 random, right-aligned in 17 bytes (130 bits encoded, the
  // top 2 always zero, as in the ULID spec).
  std::array<uint8_t, 17> bytes{};
  const uint64_t millis = static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMillis(now)));
  for (int i = 0; i < 6; ++i) bytes[1 + i] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
  for (int i = 7; i < 17; ++i) bytes[i] = absl::Uniform<uint8_t>(gen);
  return EncodeBase32(bytes);
}

std::string NewId(absl::string_view prefix) { return absl::StrCat(prefix, NewUlid(absl::Now())); }

std::string IdFromKey(absl::string_view prefix, absl::string_view key) {
  std::array<uint8_t, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const uint8_t*>(key.data()), key.size(), digest.data());
  std::array<uint8_t, 17> bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = digest[i];
  return absl::StrCat(prefix, EncodeBase32(bytes));
}

}  // namespace sales::ids
