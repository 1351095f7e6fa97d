// Abseil 20220623 (Debian) has its own absl::string_view, distinct from
// std::string_view. Our APIs use std::string_view; convert at the Abseil edge
// with Av(). Header-only, stateless.
#ifndef TELEGATE_EMULATOR_ABSL_COMPAT_H_
#define TELEGATE_EMULATOR_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace telegate::emulator {

inline absl::string_view Av(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_ABSL_COMPAT_H_
