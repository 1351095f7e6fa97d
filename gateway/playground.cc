#include "gateway/playground.h"

#include <httplib.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "nlohmann/json.hpp"

namespace telegate::gateway {
namespace {

using nlohmann::json;

constexpr char kCalls[] = "/_emulator/calls?method=sendMessage";

JsonAnswer Error(int status, const std::string& reason) {
  return {status, json{{"ok", false}, {"error", log::Redact(reason)}}.dump()};
}

std::unique_ptr<httplib::Client> Connect(const std::string& url) {
  auto client = std::make_unique<httplib::Client>(url);
  client->set_connection_timeout(2, 0);
  client->set_read_timeout(10, 0);
  client->set_write_timeout(5, 0);
  return client;
}

// The emulator's recorded sendMessage calls after `since`.
absl::StatusOr<json> Calls(httplib::Client& client, int64_t since) {
  std::string path = absl::StrCat(kCalls, "&since=", since);
  httplib::Result res = client.Get(path.c_str());
  if (!res) {
    return absl::UnavailableError(absl::StrCat(
        "emulator unreachable: ", httplib::to_string(res.error())));
  }
  json doc = json::parse(res->body, nullptr, false);
  if (res->status != 200 || !doc.is_object() || !doc.contains("calls") ||
      !doc["calls"].is_array()) {
    return absl::UnavailableError(
        absl::StrCat("emulator answered ", res->status, " to ", kCalls));
  }
  return doc["calls"];
}

// Field accessors that never throw on unexpected types.
int64_t IntField(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}
std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool IsChat(const json& value, int64_t chat_id) {
  if (value.is_number_integer()) return value.get<int64_t>() == chat_id;
  return value.is_string() &&
         value.get<std::string>() == std::to_string(chat_id);
}

}  // namespace

JsonAnswer Playground::Send(std::string_view body) const {
  json request = json::parse(body, nullptr, false);
  if (!request.is_object() || !request.contains("chat_id") ||
      !request["chat_id"].is_number_integer() ||
      request["chat_id"].get<int64_t>() == 0 || !request.contains("text") ||
      !request["text"].is_string() ||
      request["text"].get<std::string>().empty()) {
    return Error(400, "body must be {\"chat_id\":N,\"text\":\"...\"}");
  }
  const int64_t chat_id = request["chat_id"].get<int64_t>();
  std::unique_ptr<httplib::Client> client = Connect(url_);

  // The newest call now, so only replies to this message count.
  absl::StatusOr<json> before = Calls(*client, 0);
  if (!before.ok()) return Error(502, std::string(before.status().message()));
  int64_t since = 0;
  for (const json& call : *before)
    since = std::max(since, IntField(call, "seq"));

  json update = {{"chat_id", chat_id}, {"text", request["text"]}};
  httplib::Result posted =
      client->Post("/_emulator/updates", update.dump(), "application/json");
  if (!posted) {
    return Error(502, absl::StrCat("emulator unreachable: ",
                                   httplib::to_string(posted.error())));
  }
  json answer = json::parse(posted->body, nullptr, false);
  if (posted->status != 200 || !answer.is_object()) {
    std::string why =
        answer.is_object() ? StringField(answer, "error") : posted->body;
    return Error(502,
                 absl::StrCat("emulator answered ", posted->status, ": ", why));
  }
  const int64_t update_id = IntField(answer, "update_id");
  const int64_t webhook_status = IntField(answer, "status");
  // Polling mode: the emulator queued the update for getUpdates.
  if (webhook_status != 200 && !answer.value("queued", false)) {
    return Error(502, absl::StrCat("the webhook answered ", webhook_status,
                                   ": ", StringField(answer, "body")));
  }

  std::string last_failure;
  absl::Time deadline = absl::Now() + options_.reply_timeout;
  while (true) {
    absl::StatusOr<json> calls = Calls(*client, since);
    if (!calls.ok()) return Error(502, std::string(calls.status().message()));
    for (const json& call : *calls) {
      if (!call.is_object()) continue;
      since = std::max(since, IntField(call, "seq"));
      auto params = call.find("params");
      if (params == call.end() || !params->is_object() ||
          !params->contains("chat_id") ||
          !IsChat((*params)["chat_id"], chat_id)) {
        continue;
      }
      if (IntField(call, "http_status") != 200) {
        last_failure = absl::StrCat("; sendMessage failed with HTTP ",
                                    IntField(call, "http_status"));
        continue;
      }
      return {200, json{{"ok", true},
                        {"update_id", update_id},
                        {"reply", StringField(*params, "text")}}
                       .dump()};
    }
    if (absl::Now() >= deadline) break;
    absl::SleepFor(options_.poll_interval);
  }
  return Error(504, absl::StrCat("no reply from the bot within ",
                                 absl::FormatDuration(options_.reply_timeout),
                                 last_failure));
}

}  // namespace telegate::gateway
