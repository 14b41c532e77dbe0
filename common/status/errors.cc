#include "common/status/errors.h"

#include "absl/strings/str_cat.h"

namespace sales {

absl::Status InvalidField(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("field ", field, ": ", reason));
}

absl::Status RuleViolated(absl::string_view rule, absl::string_view detail) {
  return absl::FailedPreconditionError(absl::StrCat("rule ", rule, ": ", detail));
}

std::string Quoted(absl::string_view value) {
  constexpr size_t kMaxQuoted = 64;
  if (value.size() <= kMaxQuoted) return absl::StrCat("\"", value, "\"");
  // Cut on a UTF-8 character boundary: never inside a multi-byte sequence.
  size_t cut = kMaxQuoted;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("\"", value.substr(0, cut), "…\" (", value.size(), " bytes)");
}

}  // namespace sales
