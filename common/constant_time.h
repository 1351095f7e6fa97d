// Constant-time comparison of secrets (webhook secret, admin token): the
// time depends only on the length of the expected value.
#ifndef TELEGATE_COMMON_CONSTANT_TIME_H_
#define TELEGATE_COMMON_CONSTANT_TIME_H_

#include <string_view>

namespace telegate {

inline bool ConstantTimeEquals(std::string_view given,
                               std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? given[i] : 0;
    diff |= static_cast<unsigned char>(g ^ expected[i]);
  }
  return diff == 0;
}

}  // namespace telegate

#endif  // TELEGATE_COMMON_CONSTANT_TIME_H_
