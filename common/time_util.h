// Time formatting shared by logs and health answers.
#ifndef TELEGATE_COMMON_TIME_UTIL_H_
#define TELEGATE_COMMON_TIME_UTIL_H_

#include <string>

#include "absl/time/time.h"

namespace telegate {

// "2026-11-24T01:40:51.123Z" (ISO 8601, UTC, milliseconds).
std::string FormatRfc3339(absl::Time t);

}  // namespace telegate

#endif  // TELEGATE_COMMON_TIME_UTIL_H_
