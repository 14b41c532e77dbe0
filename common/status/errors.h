// Builders of the platform's error statuses, so that every layer words them the same way and
// clients can rely on the shape (DESIGN.md, "Errors and bad input"):
//
//   return InvalidField("details.email", "not an e-mail address");
//     // INVALID_ARGUMENT "field details.email: not an e-mail address"
//   return RuleViolated("lead_closed", "lead lead-42 is WON");
//     // FAILED_PRECONDITION "rule lead_closed: lead lead-42 is WON"
//
// Pure Abseil: usable from domain code, which must not depend on gRPC.
#ifndef SALES_COMMON_STATUS_ERRORS_H_
#define SALES_COMMON_STATUS_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sales {

// INVALID_ARGUMENT naming the offending field: "field <name>: <reason>".
absl::Status InvalidField(absl::string_view field, absl::string_view reason);

// FAILED_PRECONDITION naming the domain rule: "rule <rule>: <detail>".
absl::Status RuleViolated(absl::string_view rule, absl::string_view detail);

// A caller's value as an error message may quote it: at most 64 characters (then "…"), so that
// an error never echoes unbounded input (a status message travels in HTTP/2 headers).
std::string Quoted(absl::string_view value);

}  // namespace sales

#endif  // SALES_COMMON_STATUS_ERRORS_H_
