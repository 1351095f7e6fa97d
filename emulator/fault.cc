#include "emulator/fault.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_strings.h"
#include "emulator/telegram_objects.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr int kMaxDelayMs = 120000;

std::string DefaultDescription(const Fault& f) {
  switch (f.error_code) {
    case 400:
      return f.migrate_to_chat_id != 0
                 ? "Bad Request: group chat was upgraded to a supergroup chat"
                 : "Bad Request: injected fault";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden: bot was blocked by the user";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict: terminated by other getUpdates request";
    case 429:
      return absl::StrCat("Too Many Requests: retry after ", f.retry_after);
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return absl::StrCat("Error ", f.error_code);
  }
}

absl::Status Bad(std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("bad fault: ", ToAbsl(why)));
}

// Reads an optional integer field into `out`, checking [min, max].
absl::Status ReadInt(const json& obj, const char* key, int64_t min, int64_t max,
                     int64_t* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return absl::OkStatus();
  std::optional<int64_t> v = IntParam(obj, key);
  if (!v.has_value() || *v < min || *v > max) {
    return Bad(
        absl::StrCat(key, " must be an integer from ", min, " to ", max));
  }
  *out = *v;
  return absl::OkStatus();
}

absl::StatusOr<Fault> ParseOne(const json& obj) {
  if (!obj.is_object()) return Bad("each fault must be a JSON object");
  Fault f;
  auto method = obj.find("method");
  if (method == obj.end() || !method->is_string() ||
      method->get_ref<const std::string&>().empty()) {
    return Bad("method (a string) is required");
  }
  f.method = method->get<std::string>();
  int64_t count = 1, code = 0, retry = 0, migrate = 0, delay = 0;
  absl::Status s = ReadInt(obj, "count", -1, 1000000000, &count);
  if (s.ok()) s = ReadInt(obj, "error_code", 0, 599, &code);
  if (s.ok()) s = ReadInt(obj, "retry_after", 0, 86400, &retry);
  if (s.ok())
    s = ReadInt(obj, "migrate_to_chat_id", INT64_MIN, INT64_MAX, &migrate);
  if (s.ok()) s = ReadInt(obj, "delay_ms", 0, kMaxDelayMs, &delay);
  if (!s.ok()) return s;
  if (count == 0) return Bad("count must be -1 or at least 1");
  if (code != 0 && code < 400) return Bad("error_code must be 0 or 400-599");
  if (code == 0 && delay == 0) return Bad("set error_code and/or delay_ms");
  if (code == 429 && retry == 0) retry = 1;
  f.count = static_cast<int>(count);
  f.error_code = static_cast<int>(code);
  f.retry_after = static_cast<int>(retry);
  f.migrate_to_chat_id = migrate;
  f.delay_ms = static_cast<int>(delay);
  if (obj.contains("chat_id") && !obj["chat_id"].is_null()) {
    f.chat_id = IntParam(obj, "chat_id");
    if (!f.chat_id.has_value()) return Bad("chat_id must be an integer");
  }
  if (auto d = obj.find("description"); d != obj.end() && !d->is_null()) {
    if (!d->is_string()) return Bad("description must be a string");
    f.description = d->get<std::string>();
  }
  if (f.description.empty() && f.error_code != 0) {
    f.description = DefaultDescription(f);
  }
  return f;
}

}  // namespace

absl::StatusOr<std::vector<Fault>> ParseFaults(const json& body) {
  std::vector<Fault> out;
  if (body.is_object() && body.contains("faults")) {
    const json& list = body["faults"];
    if (!list.is_array()) return Bad("faults must be an array");
    for (const json& item : list) {
      absl::StatusOr<Fault> f = ParseOne(item);
      if (!f.ok()) return f.status();
      out.push_back(*std::move(f));
    }
    return out;
  }
  absl::StatusOr<Fault> f = ParseOne(body);
  if (!f.ok()) return f.status();
  out.push_back(*std::move(f));
  return out;
}

bool FaultMatches(const Fault& fault, std::string_view method,
                  std::optional<int64_t> chat_id) {
  if (!absl::EqualsIgnoreCase(fault.method, ToAbsl(method))) return false;
  return !fault.chat_id.has_value() || fault.chat_id == chat_id;
}

json FaultErrorBody(const Fault& fault) {
  json parameters = json::object();
  if (fault.retry_after > 0) parameters["retry_after"] = fault.retry_after;
  if (fault.migrate_to_chat_id != 0) {
    parameters["migrate_to_chat_id"] = fault.migrate_to_chat_id;
  }
  return ErrorBody(fault.error_code, fault.description, parameters);
}

json FaultToJson(const Fault& fault) {
  json out = {{"method", fault.method},
              {"count", fault.count},
              {"error_code", fault.error_code},
              {"delay_ms", fault.delay_ms}};
  if (!fault.description.empty()) out["description"] = fault.description;
  if (fault.retry_after > 0) out["retry_after"] = fault.retry_after;
  if (fault.migrate_to_chat_id != 0) {
    out["migrate_to_chat_id"] = fault.migrate_to_chat_id;
  }
  if (fault.chat_id.has_value()) out["chat_id"] = *fault.chat_id;
  return out;
}

}  // namespace telegate::emulator
