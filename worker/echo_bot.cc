#include "worker/echo_bot.h"

#include "absl/strings/str_cat.h"

namespace telegate::worker {
namespace {

// "/start@my_bot payload" -> "/start"; "" when `text` is no command.
std::string_view CommandOf(std::string_view text) {
  if (text.empty() || text.front() != '/') return {};
  size_t end = text.find_first_of(" @\n");
  return text.substr(0, end);
}

}  // namespace

std::optional<BotAction> DecideEchoReply(const nlohmann::json& update) {
  if (auto cq = update.find("callback_query");
      cq != update.end() && cq->is_object()) {
    auto id = cq->find("id");
    if (id == cq->end() || !id->is_string()) return std::nullopt;
    return BotAction{"answerCallbackQuery", {{"callback_query_id", *id}}};
  }
  auto msg = update.find("message");
  if (msg == update.end() || !msg->is_object()) return std::nullopt;
  auto chat = msg->find("chat");
  auto text = msg->find("text");
  if (chat == msg->end() || !chat->is_object() || text == msg->end() ||
      !text->is_string()) {
    return std::nullopt;
  }
  auto chat_id = chat->find("id");
  if (chat_id == chat->end() || !chat_id->is_number_integer()) {
    return std::nullopt;
  }
  const std::string& body = text->get_ref<const std::string&>();
  std::string reply;
  std::string_view command = CommandOf(body);
  if (command == "/start") {
    std::string name = "there";
    if (auto from = msg->find("from"); from != msg->end() && from->is_object()) {
      auto first = from->find("first_name");
      if (first != from->end() && first->is_string()) name = *first;
    }
    reply = absl::StrCat("Hello, ", name,
                         "! I echo every message you send. Try /help.");
  } else if (command == "/help") {
    reply = std::string(kHelpText);
  } else {
    reply = body;
  }
  return BotAction{"sendMessage",
                   {{"chat_id", chat_id->get<int64_t>()}, {"text", reply}}};
}

std::vector<BotAction> EchoBot::Decide(const nlohmann::json& update) {
  std::optional<BotAction> action = DecideEchoReply(update);
  if (!action) return {};
  return {std::move(*action)};
}

}  // namespace telegate::worker
