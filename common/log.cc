#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/time_util.h"

namespace telegate::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

struct Secrets {
  absl::Mutex mu;
  std::vector<std::string> values ABSL_GUARDED_BY(mu);
};

Secrets& GetSecrets() {
  static auto* secrets = new Secrets;
  return *secrets;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

bool ParseLevel(std::string_view text, Level* level) {
  if (text == "debug") *level = Level::kDebug;
  else if (text == "info") *level = Level::kInfo;
  else if (text == "warn") *level = Level::kWarn;
  else if (text == "error") *level = Level::kError;
  else return false;
  return true;
}

void RegisterSecret(std::string_view secret) {
  if (secret.empty()) return;
  Secrets& s = GetSecrets();
  absl::MutexLock lock(&s.mu);
  s.values.emplace_back(secret);
}

std::string Redact(std::string_view text) {
  std::string out(text);
  Secrets& s = GetSecrets();
  absl::MutexLock lock(&s.mu);
  for (const std::string& secret : s.values) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "[redacted]");
      pos += 10;
    }
  }
  return out;
}

void Write(Level level, std::string_view component, std::string_view event,
           const nlohmann::json& fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  nlohmann::json line = {{"time", FormatRfc3339(absl::Now())},
                         {"level", LevelName(level)},
                         {"component", component},
                         {"event", event}};
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      line[it.key()] = it.value();
    }
  }
  std::string text = Redact(
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  text.push_back('\n');
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace telegate::log
