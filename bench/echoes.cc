#include "bench/echoes.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace telegate::bench {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

std::optional<int64_t> ChatIdOf(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  int64_t id = 0;
  if (value.is_string() && absl::SimpleAtoi(value.get<std::string>(), &id)) {
    return id;
  }
  return std::nullopt;
}

// "c<chat> m<index>" -> (chat, index).
bool ParseText(const std::string& text, int64_t* chat, int* index) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ' ');
  if (parts.size() != 2) return false;
  absl::string_view c = parts[0], m = parts[1];
  return absl::ConsumePrefix(&c, "c") && absl::ConsumePrefix(&m, "m") &&
         absl::SimpleAtoi(c, chat) && absl::SimpleAtoi(m, index);
}

// Appends the echoes recorded after `*since`; advances `*since`.
void Fetch(const emulator::BotApi& api, int64_t* since,
           std::vector<Echo>* echoes) {
  nlohmann::json calls = api.Calls("sendMessage", *since);
  for (const nlohmann::json& call : calls) {
    *since = std::max(*since, call.value("seq", int64_t{0}));
    if (std::optional<Echo> echo = ParseEcho(call)) echoes->push_back(*echo);
  }
}

}  // namespace

std::optional<Echo> ParseEcho(const nlohmann::json& call) {
  if (!call.is_object() || call.value("method", "") != "sendMessage" ||
      call.value("http_status", 0) != 200) {
    return std::nullopt;
  }
  const nlohmann::json& params = call.value("params", nlohmann::json::object());
  Echo echo;
  echo.seq = call.value("seq", int64_t{0});
  echo.time_us = call.value("time_us", int64_t{0});
  std::optional<int64_t> chat_id =
      params.contains("chat_id") ? ChatIdOf(params["chat_id"]) : std::nullopt;
  echo.chat_id = chat_id.value_or(0);
  std::string text = params.value("text", "");
  if (!ParseText(text, &echo.text_chat_id, &echo.index)) echo.index = -1;
  return echo;
}

std::vector<Echo> WaitForEchoes(const emulator::BotApi& api, size_t expected,
                                absl::Duration idle_timeout,
                                absl::Time deadline, absl::Duration settle) {
  std::vector<Echo> echoes;
  std::set<std::pair<int64_t, int>> seen;
  int64_t since = 0;
  absl::Time last_progress = absl::Now();
  while (true) {
    size_t before = echoes.size();
    Fetch(api, &since, &echoes);
    for (size_t i = before; i < echoes.size(); ++i) {
      if (echoes[i].index >= 0) {
        seen.insert({echoes[i].text_chat_id, echoes[i].index});
      }
    }
    if (seen.size() >= expected || absl::Now() >= deadline) break;
    if (echoes.size() > before) {
      last_progress = absl::Now();
    } else if (absl::Now() - last_progress > idle_timeout) {
      break;
    }
    absl::SleepFor(kPollInterval);
  }
  absl::SleepFor(settle);
  Fetch(api, &since, &echoes);
  return echoes;
}

}  // namespace telegate::bench
