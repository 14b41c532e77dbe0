// Normalisation of contact data: e-mail addresses, phone numbers and company names, into the
// canonical form every context compares them in (de-duplication keys, matching a customer).
//
//   ASSIGN_OR_RETURN(std::string email, NormalizeEmail("  Li.Wei@Example.COM "));
//   // email == "li.wei@example.com"
//
// Rules:
//   e-mail:  trim, lower-case; one '@'; local part 1–64 chars of [a-z0-9.!#$%&'*+/=?^_`{|}~-]
//            without leading/trailing/double dots; domain of ≥ 2 dot-separated labels of
//            [a-z0-9-] (no leading/trailing '-'), last label ≥ 2 letters; ≤ 254 chars in all.
//   phone:   spaces, '-', '.', '(' and ')' dropped; "+" or "00" starts the country code;
//            otherwise the number is national and gets kDefaultCountryCode ("86") after one
//            leading trunk '0' is dropped. Result: digits only, with country code, 8–15 digits,
//            of which the national number has ≥ 7. Any other character is invalid.
//   company: lower-case (ASCII), the punctuation , . ( ) （ ） ， 。 becomes a space, spaces
//            collapse, then legal suffixes are stripped from the end, repeatedly:
//            words "inc", "incorporated", "ltd", "limited", "llc", "co", "corp", "corporation",
//            "company", "plc", "gmbh"; and, attached or not, "股份有限公司", "有限责任公司",
//            "有限公司", "公司". A name that is nothing but suffixes is invalid.
//
// Pure functions; thread-safe. Errors are INVALID_ARGUMENT with the reason only; callers add
// the field path.
#ifndef SALES_COMMON_VALIDATION_CONTACT_NORMALIZATION_H_
#define SALES_COMMON_VALIDATION_CONTACT_NORMALIZATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sales::validation {

inline constexpr absl::string_view kDefaultCountryCode = "86";

absl::StatusOr<std::string> NormalizeEmail(absl::string_view email);
absl::StatusOr<std::string> NormalizePhone(absl::string_view phone);
absl::StatusOr<std::string> NormalizeCompany(absl::string_view name);

}  // namespace sales::validation

#endif  // SALES_COMMON_VALIDATION_CONTACT_NORMALIZATION_H_
