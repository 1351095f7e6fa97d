#include "common/settings.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace telegate {

absl::StatusOr<Settings> Settings::Load(const std::vector<SettingSpec>& specs,
                                        int argc, const char* const* argv,
                                        const char* const* envp) {
  std::map<std::string, std::string> from_flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      return absl::CancelledError(Describe(specs));
    }
    if (arg.substr(0, 2) != "--") {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument '", std::string(arg), "' (see --help)"));
    }
    arg.remove_prefix(2);
    std::string name, value;
    size_t eq = arg.find('=');
    if (eq != std::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " needs a value"));
      }
      value = argv[++i];
    }
    const SettingSpec* spec = nullptr;
    for (const SettingSpec& s : specs) {
      if (s.flag == name) spec = &s;
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    from_flags[spec->env] = value;
  }
  std::map<std::string, std::string> values;
  for (const SettingSpec& s : specs) {
    if (auto it = from_flags.find(s.env); it != from_flags.end()) {
      values[s.env] = it->second;
      continue;
    }
    for (const char* const* e = envp; e != nullptr && *e != nullptr; ++e) {
      std::string_view entry = *e;
      if (entry.size() > s.env.size() && entry[s.env.size()] == '=' &&
          entry.substr(0, s.env.size()) == s.env) {
        values[s.env] = std::string(entry.substr(s.env.size() + 1));
      }
    }
  }
  return FromMap(specs, values);
}

Settings Settings::FromMap(const std::vector<SettingSpec>& specs,
                           const std::map<std::string, std::string>& values) {
  Settings settings;
  for (const SettingSpec& s : specs) settings.values_[s.env] = s.default_value;
  for (const auto& [name, value] : values) {
    // An empty environment variable means "unset": the default stays.
    if (!value.empty()) settings.values_[name] = value;
  }
  return settings;
}

std::string Settings::Get(std::string_view env) const {
  auto it = values_.find(env);
  return it == values_.end() ? std::string() : it->second;
}

absl::StatusOr<std::string> Settings::GetRequired(std::string_view env) const {
  std::string value = Get(env);
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(env), " is required"));
  }
  return value;
}

absl::StatusOr<int64_t> Settings::GetInt(std::string_view env, int64_t min,
                                         int64_t max) const {
  std::string text = Get(env);
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s must be an integer from %d to %d, got '%s'", std::string(env),
        min, max, text));
  }
  return value;
}

absl::StatusOr<bool> Settings::GetBool(std::string_view env) const {
  std::string text = Get(env);
  if (text == "1" || text == "true" || text == "yes" || text == "on") {
    return true;
  }
  if (text == "0" || text == "false" || text == "no" || text == "off") {
    return false;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(env), " must be true or false, got '", text, "'"));
}

absl::StatusOr<log::Level> Settings::GetLogLevel(std::string_view env) const {
  std::string text = Get(env);
  log::Level level;
  if (!log::ParseLevel(text, &level)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(env),
                     " must be debug, info, warn or error, got '", text, "'"));
  }
  return level;
}

std::string Settings::Describe(const std::vector<SettingSpec>& specs) {
  std::string out = "Settings (flag, environment variable, default):\n";
  for (const SettingSpec& s : specs) {
    absl::StrAppend(&out, "  --", s.flag, "  [", s.env, "]  default: ",
                    s.default_value.empty() ? "(none)" : s.default_value,
                    "\n      ", s.help, "\n");
  }
  return out;
}

}  // namespace telegate
