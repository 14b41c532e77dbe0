// The free functions of event_store.h.
#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/status/grpc_status.h"

namespace sales::eventstore {

namespace {
constexpr size_t kMaxStreamIdBytes = 200;
}  // namespace

std::string EventHash(absl::string_view stored_bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(stored_bytes.data(), stored_bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::Status ValidateStreamId(absl::string_view stream_id, absl::string_view field) {
  if (stream_id.empty()) return InvalidField(field, "required");
  if (stream_id.size() > kMaxStreamIdBytes) {
    return InvalidField(field, absl::StrCat("longer than ", kMaxStreamIdBytes, " bytes"));
  }
  for (char c : stream_id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidField(field, "contains a control character");
    }
  }
  return absl::OkStatus();
}

}  // namespace sales::eventstore
