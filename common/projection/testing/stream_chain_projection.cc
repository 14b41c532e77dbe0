#include "common/projection/testing/stream_chain_projection.h"

#include <openssl/sha.h>

#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "google/protobuf/any.pb.h"

namespace sales::projection::testing {
namespace {

std::string Key(absl::string_view service, absl::string_view stream_id) {
  return absl::StrCat("stream/", service, "/", stream_id);
}

// Value: "<count> <hex chain>".
absl::StatusOr<StreamChainProjection::Entry> Parse(const std::optional<std::string>& value) {
  StreamChainProjection::Entry entry;
  if (!value) return entry;
  std::pair<std::string, std::string> parts = absl::StrSplit(*value, ' ');
  if (!absl::SimpleAtoi(parts.first, &entry.count)) {
    return absl::DataLossError(absl::StrCat("bad stream-chain entry: ", *value));
  }
  entry.chain = parts.second;
  return entry;
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

}  // namespace

absl::Status StreamChainProjection::Apply(const EventEnvelope& event, ProjectionTxn& txn) {
  if (event.event_type() == kPoisonEventType) {
    return absl::InvalidArgumentError(absl::StrCat("poison event ", event.event_id()));
  }
  const std::string key = Key(event.service(), event.stream_id());
  ASSIGN_OR_RETURN(std::optional<std::string> value, txn.Get(key));
  ASSIGN_OR_RETURN(Entry entry, Parse(value));
  const std::string chain = Sha256Hex(absl::StrCat(
      entry.chain, "|", event.stream_id(), "|", event.stream_version(), "|", event.event_type()));
  txn.Put(key, absl::StrCat(entry.count + 1, " ", chain));
  return absl::OkStatus();
}

const google::protobuf::Message* StreamChainProjection::DecodePayload(
    const EventEnvelope& event, google::protobuf::Arena& arena) const {
  auto* payload = google::protobuf::Arena::CreateMessage<google::protobuf::Any>(&arena);
  *payload = event.payload();
  return payload;
}

absl::Status StreamChainProjection::ApplyDecoded(const EventEnvelope& event,
                                                 const google::protobuf::Message& payload,
                                                 ProjectionTxn& txn) {
  const auto* any = dynamic_cast<const google::protobuf::Any*>(&payload);
  if (any == nullptr || any->type_url() != event.payload().type_url() ||
      any->value() != event.payload().value()) {
    return absl::InternalError(
        absl::StrCat("event ", event.event_id(), " came with another event's payload"));
  }
  decoded_ahead_.fetch_add(1, std::memory_order_relaxed);
  return Apply(event, txn);
}

absl::StatusOr<StreamChainProjection::Entry> StreamChainProjection::Read(
    ProjectionStore& store, absl::string_view service, absl::string_view stream_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, store.Get(Key(service, stream_id)));
  return Parse(value);
}

}  // namespace sales::projection::testing
