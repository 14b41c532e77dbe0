#include "common/eventstore/internal/idempotency.h"

#include "absl/strings/str_cat.h"
#include "common/eventstore/internal/keys.h"

namespace sales::eventstore::internal {
namespace {

constexpr size_t kHashBytes = 32;

// Length-prefixed so that ("ab","c") and ("a","bc") hash differently.
void AddField(std::string& out, absl::string_view field) {
  out += EncodeBigEndian64(field.size());
  out.append(field.data(), field.size());
}

}  // namespace

std::string Fingerprint(const AppendRequest& request) {
  std::string material;
  if (!request.idempotency_fingerprint.empty()) {
    AddField(material, "caller");
    AddField(material, request.idempotency_fingerprint);
  } else {
    AddField(material, request.stream_id);
    material += EncodeBigEndian64(static_cast<uint64_t>(request.expected_version));
    for (const EventEnvelope& event : request.events) {
      AddField(material, event.payload().type_url());
      AddField(material, event.payload().value());
    }
  }
  return EventHash(material);
}

std::string EncodeIdempotencyRecord(const IdempotencyRecord& record) {
  return absl::StrCat(record.fingerprint, EncodeBigEndian64(record.result.first_version),
                      EncodeBigEndian64(record.result.last_version),
                      EncodeBigEndian64(record.result.first_position),
                      EncodeBigEndian64(record.result.last_position));
}

absl::StatusOr<IdempotencyRecord> DecodeIdempotencyRecord(absl::string_view bytes) {
  if (bytes.size() != kHashBytes + 4 * 8) {
    return absl::DataLossError("idempotency record has the wrong size");
  }
  IdempotencyRecord record;
  record.fingerprint = std::string(bytes.substr(0, kHashBytes));
  absl::string_view rest = bytes.substr(kHashBytes);
  record.result.first_version = DecodeBigEndian64(rest.substr(0, 8));
  record.result.last_version = DecodeBigEndian64(rest.substr(8, 8));
  record.result.first_position = DecodeBigEndian64(rest.substr(16, 8));
  record.result.last_position = DecodeBigEndian64(rest.substr(24, 8));
  return record;
}

}  // namespace sales::eventstore::internal
