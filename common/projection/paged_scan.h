// ScanPage: one page of a filtered list over a key prefix of a projection's store — the paging
// every read model's List* query shares (page size, page tokens, a bound on the rows one call
// examines).
//
//   ASSIGN_OR_RETURN(std::string next, ScanPage(store, "c/", PageQueryOf(request),
//       request.page_token(), {.page_size = request.page_size()},
//       [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
//         ASSIGN_OR_RETURN(v1::Row row, Decode(value));
//         if (!Matches(row)) return false;   // examined, not taken
//         *response.add_rows() = std::move(row);
//         return true;                        // taken
//       }));
//   response.set_next_page_token(next);
//
// A page ends after page_size rows taken, or after max_scanned rows examined (so a rare filter
// over many rows answers in bounded time, possibly with a short or empty page and a token), or
// at the end of the prefix (token ""). A token names the last key the page examined and is
// sealed with a digest of that key and of the query (its filters: PageQueryOf), so a token is
// only accepted by the query that made it, and a tampered one is refused. (The digest detects
// mistakes and tampering; it is no secret — a token only ever names a place to resume reading.)
// Rows written between pages are seen when their keys sort after the token.
//
// Thread-safety: as ProjectionStore::ScanFrom (may run concurrently with the runner's commits).
#ifndef SALES_COMMON_PROJECTION_PAGED_SCAN_H_
#define SALES_COMMON_PROJECTION_PAGED_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/projection/projection_store.h"
#include "google/protobuf/message.h"

namespace sales::projection {

inline constexpr int32_t kDefaultPageSize = 50;
inline constexpr int32_t kMaxPageSize = 500;
inline constexpr size_t kMaxScannedPerPage = 10'000;

struct PageLimits {
  int32_t page_size = 0;  // 0: kDefaultPageSize; validated by ValidatePageSize
  size_t max_scanned = kMaxScannedPerPage;
};

// INVALID_ARGUMENT "field page_size: …" unless 0 ≤ page_size ≤ kMaxPageSize.
absl::Status ValidatePageSize(int32_t page_size);

// The identity of a list request for its page tokens: its deterministic bytes without its
// page_size and page_token fields.
std::string PageQueryOf(const google::protobuf::Message& request);

// Offers each row under `prefix` after the token's key, in key order, to `offer`, which answers
// whether it took the row (an error ends the scan and is returned). Returns the next page's
// token ("" when the prefix is exhausted). INVALID_ARGUMENT "field page_token: …" for a token
// of another query (or prefix), or one tampered with.
absl::StatusOr<std::string> ScanPage(
    ProjectionStore& store, absl::string_view prefix, absl::string_view query,
    absl::string_view page_token, PageLimits limits,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view key, absl::string_view value)> offer);

// The token of `query`'s page that starts at the first row after `key` (for a query whose own
// unit spans several rows and must restart a page at the first of them: pass a key just before
// it).
std::string PageTokenAfter(absl::string_view query, absl::string_view key);

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_PAGED_SCAN_H_
