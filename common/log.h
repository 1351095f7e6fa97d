// Structured logging: one JSON object per line on stderr, with time, level,
// component, event and free-form fields. Thread-safe. Secrets registered with
// RegisterSecret() are replaced by "[redacted]" wherever they appear.
#ifndef TELEGATE_COMMON_LOG_H_
#define TELEGATE_COMMON_LOG_H_

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace telegate::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Lines below `level` are dropped. Default: kInfo.
void SetLevel(Level level);
// Parses "debug", "info", "warn", "error"; false when unknown.
bool ParseLevel(std::string_view text, Level* level);

// Any later line containing `secret` (if non-empty) has it masked.
void RegisterSecret(std::string_view secret);

// Replaces every registered secret in `text`; used for error strings that may
// leave the process (HTTP answers, gRPC status messages).
std::string Redact(std::string_view text);

void Write(Level level, std::string_view component, std::string_view event,
           const nlohmann::json& fields = nlohmann::json::object());

inline void Debug(std::string_view c, std::string_view e,
                  const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kDebug, c, e, f);
}
inline void Info(std::string_view c, std::string_view e,
                 const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kInfo, c, e, f);
}
inline void Warn(std::string_view c, std::string_view e,
                 const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kWarn, c, e, f);
}
inline void Error(std::string_view c, std::string_view e,
                  const nlohmann::json& f = nlohmann::json::object()) {
  Write(Level::kError, c, e, f);
}

}  // namespace telegate::log

#endif  // TELEGATE_COMMON_LOG_H_
