// The free functions of event_store.h, and EventStore::ReadAllShared's default.
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales::eventstore {

namespace {
constexpr size_t kMaxStreamIdBytes = 200;
}  // namespace

absl::StatusOr<std::vector<SharedEvent>> EventStore::ReadAllShared(uint64_t from_position,
                                                                   size_t max_count) {
  ASSIGN_OR_RETURN(std::vector<EventEnvelope> events, ReadAll(from_position, max_count));
  return ShareEvents(std::move(events));
}

std::vector<SharedEvent> ShareEvents(std::vector<EventEnvelope> events) {
  std::vector<SharedEvent> shared;
  shared.reserve(events.size());
  for (EventEnvelope& event : events) {
    shared.push_back(std::make_shared<EventEnvelope>(std::move(event)));  // swaps: no copy
  }
  return shared;
}

std::string EventHash(absl::string_view stored_bytes) {
  // OpenSSL 3 looks the algorithm up on every EVP_Digest call, which costs more than hashing a
  // small event; fetch it once and keep one digest context per thread.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                               EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (sha256 == nullptr || context == nullptr ||
      EVP_DigestInit_ex(context.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), stored_bytes.data(), stored_bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    std::abort();  // SHA-256 is part of every OpenSSL build; its absence is not recoverable
  }
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
