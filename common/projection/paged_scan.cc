#include "common/projection/paged_scan.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "common/status/status_macros.h"

namespace sales::projection {

absl::Status ValidatePageSize(int32_t page_size) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return InvalidField("page_size",
                        absl::StrCat("must be 1–", kMaxPageSize, " (0 = ", kDefaultPageSize, ")"));
  }
  return absl::OkStatus();
}

std::string PageTokenAfter(absl::string_view key) { return absl::WebSafeBase64Escape(key); }

absl::StatusOr<std::string> ScanPage(
    ProjectionStore& store, absl::string_view prefix, absl::string_view page_token,
    PageLimits limits,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view key, absl::string_view value)> offer) {
  RETURN_IF_ERROR(ValidatePageSize(limits.page_size));
  const size_t page_size = limits.page_size == 0 ? kDefaultPageSize : limits.page_size;
  std::string after;  // the last key of the previous page; "" on the first
  if (!page_token.empty() &&
      (!absl::WebSafeBase64Unescape(page_token, &after) || !absl::StartsWith(after, prefix))) {
    return InvalidField("page_token", "not a token of this query");
  }
  size_t taken = 0;
  size_t scanned = 0;
  std::string last_examined;
  std::string next_token;
  absl::Status offered;
  RETURN_IF_ERROR(store.ScanFrom(prefix, after.empty() ? prefix : after,
                                 [&](absl::string_view key, absl::string_view value) {
                                   if (!after.empty() && key == after)
                                     return true;  // the previous page's last row
                                   if (taken == page_size || scanned == limits.max_scanned) {
                                     // A row remains: the next page starts after the last one
                                     // examined.
                                     next_token = PageTokenAfter(last_examined);
                                     return false;
                                   }
                                   ++scanned;
                                   last_examined.assign(key.data(), key.size());
                                   absl::StatusOr<bool> took = offer(key, value);
                                   if (!took.ok()) {
                                     offered = took.status();
                                     return false;
                                   }
                                   if (*took) ++taken;
                                   return true;
                                 }));
  RETURN_IF_ERROR(offered);
  return next_token;
}

}  // namespace sales::projection
