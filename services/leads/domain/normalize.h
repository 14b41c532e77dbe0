// Normalisation of contact data and the dedupe keys built from it (去除重复记录).
//
// Two captures are the same lead when any dedupe key is equal. The app claims a capture's keys
// atomically with its LeadCaptured event; a key already claimed turns the capture into a
// DuplicateLeadMerged event on the claiming lead.
//
//   ASSIGN_OR_RETURN(std::string email, NormalizeEmail("  Li.Wei@Example.COM "));
//   // email == "li.wei@example.com"
//   for (const std::string& key : DedupeKeys(details)) { ... "email:li.wei@example.com" ... }
//
// Rules (also in README.md):
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
#ifndef SALES_SERVICES_LEADS_DOMAIN_NORMALIZE_H_
#define SALES_SERVICES_LEADS_DOMAIN_NORMALIZE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sales/leads/v1/model.pb.h"

namespace sales::leads {

inline constexpr absl::string_view kDefaultCountryCode = "86";

absl::StatusOr<std::string> NormalizeEmail(absl::string_view email);
absl::StatusOr<std::string> NormalizePhone(absl::string_view phone);
absl::StatusOr<std::string> NormalizeCompany(absl::string_view name);

// "email:<e-mail>", "phone:<digits>", "company:<name>" for each present and valid value, in
// that order. Invalid values yield no key (validation refuses them before this is used).
std::vector<std::string> DedupeKeys(const v1::LeadDetails& details);

}  // namespace sales::leads

#endif  // SALES_SERVICES_LEADS_DOMAIN_NORMALIZE_H_
