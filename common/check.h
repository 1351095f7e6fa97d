// The one macro for broken invariants: logs the condition and aborts.
// Use only for "impossible" states; expected failures return absl::Status.
#ifndef TELEGATE_COMMON_CHECK_H_
#define TELEGATE_COMMON_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define TELEGATE_CHECK(cond)                                              \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "CHECK failed: %s at %s:%d\n", #cond, __FILE__, \
                   __LINE__);                                             \
      std::abort();                                                       \
    }                                                                     \
  } while (0)

#endif  // TELEGATE_COMMON_CHECK_H_
