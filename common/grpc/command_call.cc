#include "common/grpc/command_call.h"

#include <cstdint>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status_macros.h"
#include "common/validation/field_validation.h"

namespace sales::grpc_server {
namespace {

std::string NewCorrelationId() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(bits),
                         absl::Uniform<uint64_t>(bits));
}

// The value of `key`, or "" when absent.
std::string MetadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                          absl::string_view key) {
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<eventsourcing::CallOrigin> CallOriginFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  eventsourcing::CallOrigin origin{.correlation_id = MetadataValue(metadata, kCorrelationIdKey),
                                   .causation_id = MetadataValue(metadata, kCausationIdKey)};
  RETURN_IF_ERROR(
      ValidateOptionalId(absl::StrCat("metadata ", kCorrelationIdKey), origin.correlation_id));
  RETURN_IF_ERROR(
      ValidateOptionalId(absl::StrCat("metadata ", kCausationIdKey), origin.causation_id));
  if (origin.correlation_id.empty()) origin.correlation_id = NewCorrelationId();
  return origin;
}

}  // namespace sales::grpc_server
