#include "common/status/errors.h"

#include "absl/strings/str_cat.h"

namespace sales {

absl::Status InvalidField(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("field ", field, ": ", reason));
}

absl::Status RuleViolated(absl::string_view rule, absl::string_view detail) {
  return absl::FailedPreconditionError(absl::StrCat("rule ", rule, ": ", detail));
}

}  // namespace sales
