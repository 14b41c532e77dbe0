#include "common/eventsourcing/command_support.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/eventstore/event_store.h"
#include "common/ids/ids.h"
#include "common/metrics/metrics_registry.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace sales::eventsourcing {

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string out = absl::StrCat(request.GetDescriptor()->full_name(), "\n");
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string GeneratedId(absl::string_view prefix, const common::v1::CommandMeta& meta) {
  if (meta.idempotency_key().empty()) return ids::NewId(prefix);
  return ids::IdFromKey(prefix, meta.idempotency_key());
}

std::optional<google::protobuf::Timestamp> EventTime(const google::protobuf::Message& wrapper) {
  const google::protobuf::Descriptor* descriptor = wrapper.GetDescriptor();
  const google::protobuf::Reflection* reflection = wrapper.GetReflection();
  if (descriptor->oneof_decl_count() == 0) return std::nullopt;
  const google::protobuf::FieldDescriptor* set =
      reflection->GetOneofFieldDescriptor(wrapper, descriptor->oneof_decl(0));
  if (set == nullptr || set->message_type() == nullptr) return std::nullopt;
  const google::protobuf::Message& event = reflection->GetMessage(wrapper, set);
  const google::protobuf::FieldDescriptor* at = event.GetDescriptor()->FindFieldByName("at");
  if (at == nullptr || at->message_type() != google::protobuf::Timestamp::descriptor() ||
      !event.GetReflection()->HasField(event, at)) {
    return std::nullopt;
  }
  google::protobuf::Timestamp out;
  out.CopyFrom(event.GetReflection()->GetMessage(event, at));
  return out;
}

CommandOptions OptionsFor(std::string stream_id, const common::v1::CommandMeta& meta,
                          const CallOrigin& origin, std::string fingerprint) {
  return CommandOptions{.stream_id = std::move(stream_id),
                        .expected_version = meta.expected_version(),
                        .idempotency_key = meta.idempotency_key(),
                        .idempotency_fingerprint = std::move(fingerprint),
                        .metadata = {.actor = meta.actor(),
                                     .correlation_id = origin.correlation_id,
                                     .causation_id = origin.causation_id}};
}

void CommandCounter::Count(absl::string_view command, const absl::Status& status) const {
  const std::string outcome =
      status.ok() ? "ok" : absl::AsciiStrToLower(absl::StatusCodeToString(status.code()));
  metrics::MetricsRegistry::Default()
      .GetCounter(absl::StrCat("sales_", context_, "_commands_total"),
                  absl::StrCat("Commands handled by the ", context_, " context."),
                  {{"command", std::string{command}}, {"outcome", outcome}})
      ->Increment();
}

std::string ClaimStreamId(absl::string_view prefix, absl::string_view key) {
  std::string id = absl::StrCat(prefix, key);
  if (eventstore::ValidateStreamId(id).ok()) return id;
  return absl::StrCat(prefix, "sha256:", absl::BytesToHexString(eventstore::EventHash(key)));
}

// The locks are taken and released in a loop, which the static analysis cannot follow.
StreamLocks::Held::Held(StreamLocks& locks,
                        const std::vector<std::string>& stream_ids) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  held_.reserve(stream_ids.size());
  for (const std::string& stream_id : stream_ids) held_.push_back(&locks.For(stream_id));
  std::sort(held_.begin(), held_.end());
  held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
  for (absl::Mutex* lock : held_) lock->Lock();
}

StreamLocks::Held::~Held() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) (*it)->Unlock();
}

}  // namespace sales::eventsourcing
