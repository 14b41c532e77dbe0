// Propagation helpers for absl::Status / absl::StatusOr (Debian's Abseil 20220623 has none).
//
//   absl::StatusOr<Lead> Load(...) {
//     RETURN_IF_ERROR(ValidateId(id));
//     ASSIGN_OR_RETURN(auto events, store.ReadStream(id, 1));
//     ...
//   }
#ifndef SALES_COMMON_STATUS_STATUS_MACROS_H_
#define SALES_COMMON_STATUS_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SALES_STATUS_CONCAT_INNER_(a, b) a##b
#define SALES_STATUS_CONCAT_(a, b) SALES_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the enclosing function if not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    absl::Status sales_status_ = (expr);           \
    if (!sales_status_.ok()) return sales_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status if not OK, else moves its value
// into `lhs` (which may be a declaration such as `auto x`).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(SALES_STATUS_CONCAT_(sales_statusor_, __LINE__), lhs, rexpr)

// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` may be a declaration ("auto x") and `statusor`
// is an identifier made by ASSIGN_OR_RETURN; neither can be parenthesized.
#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                           \
  if (!statusor.ok()) return statusor.status();      \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // SALES_COMMON_STATUS_STATUS_MACROS_H_
