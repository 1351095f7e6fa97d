// std::string_view front-ends to the Abseil string helpers the gateway,
// worker and emulator use. Abseil 20220623 (Debian) has its own absl::string_view,
// distinct from std::string_view; our APIs take std::string_view, so the
// conversion happens here, once. Header-only, stateless.
#ifndef TELEGATE_COMMON_ABSL_STRINGS_H_
#define TELEGATE_COMMON_ABSL_STRINGS_H_

#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace telegate {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// absl::StripAsciiWhitespace: `s` without leading and trailing ASCII spaces.
inline std::string_view StripAsciiWhitespace(std::string_view s) {
  absl::string_view t = absl::StripAsciiWhitespace(ToAbsl(s));
  return std::string_view(t.data(), t.size());
}

// absl::EqualsIgnoreCase: equal apart from ASCII letter case.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(ToAbsl(a), ToAbsl(b));
}

}  // namespace telegate

#endif  // TELEGATE_COMMON_ABSL_STRINGS_H_
