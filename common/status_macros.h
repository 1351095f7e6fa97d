// Early-return helpers for absl::Status / absl::StatusOr (Abseil 20220623
// ships none of its own).
#ifndef TELEGATE_COMMON_STATUS_MACROS_H_
#define TELEGATE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TELEGATE_CONCAT_INNER_(a, b) a##b
#define TELEGATE_CONCAT_(a, b) TELEGATE_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status telegate_status_ = (expr);    \
    if (!telegate_status_.ok()) return telegate_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())`: binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(TELEGATE_CONCAT_(telegate_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(*tmp)

#endif  // TELEGATE_COMMON_STATUS_MACROS_H_
