#include "common/validation/contact_normalization.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sales::validation {
namespace {

constexpr size_t kMaxEmailLength = 254;
constexpr size_t kMaxLocalPartLength = 64;
constexpr size_t kMinNationalDigits = 7;
constexpr size_t kMinPhoneDigits = 8;
constexpr size_t kMaxPhoneDigits = 15;  // E.164

bool IsLocalPartChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::StrContains(".!#$%&'*+/=?^_`{|}~-", c);
}

bool IsValidLocalPart(absl::string_view local) {
  if (local.empty() || local.size() > kMaxLocalPartLength) return false;
  if (local.front() == '.' || local.back() == '.' || absl::StrContains(local, "..")) return false;
  for (char c : local) {
    if (!IsLocalPartChar(c)) return false;
  }
  return true;
}

bool IsValidDomain(absl::string_view domain) {
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
  }
  absl::string_view top = labels.back();
  if (top.size() < 2) return false;
  for (char c : top) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Legal-form words stripped when they end the name as a separate word.
constexpr absl::string_view kWordSuffixes[] = {"inc",     "incorporated", "ltd",  "limited",
                                               "llc",     "co",           "corp", "corporation",
                                               "company", "plc",          "gmbh"};
// Chinese legal forms, stripped whether or not a space precedes them; longest first.
constexpr absl::string_view kAttachedSuffixes[] = {"股份有限公司", "有限责任公司", "有限公司",
                                                   "公司"};

// Removes one legal suffix from the end of `name`; false when there was none.
bool StripOneSuffix(std::string& name) {
  for (absl::string_view suffix : kAttachedSuffixes) {
    if (!absl::EndsWith(name, suffix)) continue;
    if (name.size() == suffix.size()) return false;  // the whole name is a legal form
    name.resize(name.size() - suffix.size());
    return true;
  }
  for (absl::string_view suffix : kWordSuffixes) {
    if (name.size() > suffix.size() && absl::EndsWith(name, suffix) &&
        name[name.size() - suffix.size() - 1] == ' ') {
      name.resize(name.size() - suffix.size());
      return true;
    }
  }
  return false;
}

std::string CollapseSpaces(absl::string_view text) {
  std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
  return absl::StrJoin(words, " ");
}

}  // namespace

absl::StatusOr<std::string> NormalizeEmail(absl::string_view email) {
  std::string normalized = absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
  if (normalized.empty()) return absl::InvalidArgumentError("empty e-mail address");
  if (normalized.size() > kMaxEmailLength) {
    return absl::InvalidArgumentError("e-mail address longer than 254 characters");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(normalized, '@');
  if (parts.size() != 2 || !IsValidLocalPart(parts[0]) || !IsValidDomain(parts[1])) {
    return absl::InvalidArgumentError(absl::StrCat("not a valid e-mail address: '", email, "'"));
  }
  return normalized;
}

absl::StatusOr<std::string> NormalizePhone(absl::string_view phone) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(phone);
  bool international = absl::ConsumePrefix(&trimmed, "+");
  std::string digits;
  for (char c : trimmed) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (!absl::StrContains(" -.()", c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "phone number may hold only digits, spaces, '+', '-', '.', '(' and ')': '", phone, "'"));
    }
  }
  if (!international && absl::StartsWith(digits, "00")) {
    international = true;
    digits.erase(0, 2);
  }
  if (!international) {
    if (absl::StartsWith(digits, "0")) digits.erase(0, 1);
    if (digits.size() < kMinNationalDigits) {
      return absl::InvalidArgumentError(
          absl::StrCat("phone number has fewer than 7 digits: '", phone, "'"));
    }
    digits = absl::StrCat(kDefaultCountryCode, digits);
  }
  if (digits.size() < kMinPhoneDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("phone number has too few digits: '", phone, "'"));
  }
  if (digits.size() > kMaxPhoneDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("phone number has more than 15 digits: '", phone, "'"));
  }
  if (digits.front() == '0') {
    return absl::InvalidArgumentError(
        absl::StrCat("country code may not start with 0: '", phone, "'"));
  }
  return digits;
}

absl::StatusOr<std::string> NormalizeCompany(absl::string_view name) {
  std::string text = absl::AsciiStrToLower(name);
  text = absl::StrReplaceAll(text, {{",", " "},
                                    {".", " "},
                                    {"(", " "},
                                    {")", " "},
                                    {"（", " "},
                                    {"）", " "},
                                    {"，", " "},
                                    {"。", " "}});
  std::string normalized = CollapseSpaces(text);
  if (normalized.empty()) return absl::InvalidArgumentError("empty company name");
  while (StripOneSuffix(normalized)) {
    normalized = CollapseSpaces(normalized);
  }
  for (absl::string_view suffix : kWordSuffixes) {
    if (normalized == suffix) {
      return absl::InvalidArgumentError(
          absl::StrCat("company name is only a legal suffix: '", name, "'"));
    }
  }
  for (absl::string_view suffix : kAttachedSuffixes) {
    if (normalized == suffix) {
      return absl::InvalidArgumentError(
          absl::StrCat("company name is only a legal suffix: '", name, "'"));
    }
  }
  return normalized;
}

}  // namespace sales::validation
