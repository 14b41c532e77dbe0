#include "common/status/grpc_status.h"

#include "absl/strings/str_cat.h"

namespace sales {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

absl::Status InvalidField(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("field ", field, ": ", reason));
}

absl::Status RuleViolated(absl::string_view rule, absl::string_view detail) {
  return absl::FailedPreconditionError(absl::StrCat("rule ", rule, ": ", detail));
}

}  // namespace sales
