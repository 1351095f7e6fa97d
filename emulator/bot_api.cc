#include "emulator/bot_api.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/absl_strings.h"
#include "emulator/telegram_objects.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

// The numeric bot id before ':' in the token; 0 when there is none.
int64_t BotIdOf(std::string_view token) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(ToAbsl(token.substr(0, token.find(':'))), &id)) return 0;
  return id;
}

}  // namespace

BotApi::BotApi(BotApiOptions options)
    : token_(std::move(options.token)),
      bot_id_(BotIdOf(token_)),
      max_recorded_calls_(std::max<size_t>(1, options.max_recorded_calls)),
      clock_(options.clock ? std::move(options.clock)
                           : [] { return absl::Now(); }),
      next_update_id_(options.next_update_id),
      rate_limit_(options.chat_rate_limit) {
  SetLatency(options.latency);
  webhook_.url = std::move(options.webhook_url);
  webhook_.secret_token = std::move(options.webhook_secret);
}

Response BotApi::Call(std::string_view token, std::string_view method,
                      const json& params) {
  std::string canonical;
  Handler handler = FindHandler(method, &canonical);
  std::optional<int64_t> chat_id = IntParam(params, "chat_id");
  absl::MutexLock lock(&mu_);
  Response r;
  if (token != token_) {
    r = {401, ErrorBody(401, "Unauthorized"), LatencyMs()};
    Record(method, params, r.http_status);
    return r;
  }
  if (handler == nullptr) {
    r = {404, ErrorBody(404, "Not Found"), LatencyMs()};
    Record(method, params, r.http_status);
    return r;
  }
  std::optional<Fault> fault = TakeFault(canonical, chat_id);
  std::optional<int> flood;
  if (fault.has_value() && fault->error_code != 0) {
    r = {fault->error_code, FaultErrorBody(*fault)};
  } else if (handler == &BotApi::SendMessage && chat_id.has_value() &&
             (flood = rate_limit_.Take(*chat_id, clock_()))) {
    r = {429, ErrorBody(429, absl::StrCat("Too Many Requests: retry after ",
                                          *flood),
                        {{"retry_after", *flood}})};
  } else {
    r = (this->*handler)(params);
  }
  r.delay_ms = LatencyMs() + (fault.has_value() ? fault->delay_ms : 0);
  Record(canonical, params, r.http_status);
  return r;
}

Response BotApi::BadRequest(std::string_view token, std::string_view method,
                            std::string_view description) {
  absl::MutexLock lock(&mu_);
  Response r{400,
             ErrorBody(400, absl::StrCat("Bad Request: ", ToAbsl(description)))};
  if (token != token_) r = {401, ErrorBody(401, "Unauthorized")};
  r.delay_ms = LatencyMs();
  Record(method, json::object(), r.http_status);
  return r;
}

void BotApi::SetLatency(Latency latency) {
  absl::MutexLock lock(&mu_);
  latency_.ms = std::clamp(latency.ms, 0, kMaxLatencyMs);
  latency_.jitter_ms = std::clamp(latency.jitter_ms, 0, kMaxLatencyMs);
}

Latency BotApi::GetLatency() const {
  absl::MutexLock lock(&mu_);
  return latency_;
}

int BotApi::LatencyMs() {
  if (latency_.jitter_ms == 0) return latency_.ms;
  return latency_.ms + absl::Uniform(absl::IntervalClosed, bitgen_, 0,
                                     latency_.jitter_ms);
}

void BotApi::Record(std::string_view method, const json& params,
                    int http_status) {
  calls_.push_back({{"seq", next_seq_++},
                    {"method", method},
                    {"params", params},
                    {"http_status", http_status},
                    {"time_us", absl::ToUnixMicros(clock_())}});
  while (calls_.size() > max_recorded_calls_) calls_.pop_front();
}

json BotApi::Calls(std::string_view method, int64_t since) const {
  absl::MutexLock lock(&mu_);
  json out = json::array();
  if (calls_.empty()) return out;
  // Recorded seqs are consecutive (each call takes the next, the oldest go
  // first): skip straight to the first one after `since`.
  const int64_t first = calls_.front()["seq"].get<int64_t>();
  const size_t start = static_cast<size_t>(
      std::clamp<int64_t>(since + 1 - first, 0,
                          static_cast<int64_t>(calls_.size())));
  for (auto it = calls_.begin() + static_cast<ptrdiff_t>(start);
       it != calls_.end(); ++it) {
    const json& call = *it;
    if (!method.empty() && !absl::EqualsIgnoreCase(
                               call["method"].get<std::string>(), ToAbsl(method))) {
      continue;
    }
    out.push_back(call);
  }
  return out;
}

std::optional<Fault> BotApi::TakeFault(std::string_view method,
                                       std::optional<int64_t> chat_id) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!FaultMatches(*it, method, chat_id)) continue;
    Fault taken = *it;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    return taken;
  }
  return std::nullopt;
}

void BotApi::AddFaults(std::vector<Fault> faults) {
  absl::MutexLock lock(&mu_);
  for (Fault& f : faults) faults_.push_back(std::move(f));
}

std::vector<Fault> BotApi::Faults() const {
  absl::MutexLock lock(&mu_);
  return {faults_.begin(), faults_.end()};
}

void BotApi::ClearFaults() {
  absl::MutexLock lock(&mu_);
  faults_.clear();
}

void BotApi::Reset() {
  absl::MutexLock lock(&mu_);
  calls_.clear();
  faults_.clear();
}

WebhookConfig BotApi::Webhook() const {
  absl::MutexLock lock(&mu_);
  return webhook_;
}

void BotApi::RecordWebhookError(std::string_view message) {
  absl::MutexLock lock(&mu_);
  webhook_.last_error_date = absl::ToUnixSeconds(clock_());
  webhook_.last_error_message = std::string(message);
}

absl::StatusOr<json> BotApi::MakeUpdate(const json& request) {
  if (!request.is_object()) {
    return absl::InvalidArgumentError("update must be a JSON object");
  }
  if (auto id = request.find("update_id"); id != request.end()) {
    if (!id->is_number_integer() || id->get<int64_t>() < 0) {
      return absl::InvalidArgumentError(
          "update_id must be a non-negative integer");
    }
    absl::MutexLock lock(&mu_);
    next_update_id_ = std::max(next_update_id_, id->get<int64_t>() + 1);
    return request;
  }
  std::optional<int64_t> chat_id = IntParam(request, "chat_id");
  if (!chat_id.has_value() || *chat_id == 0) {
    return absl::InvalidArgumentError(
        "chat_id (a non-zero integer) is required");
  }
  std::optional<std::string> text = StringParam(request, "text");
  if (!request.contains("callback_data") && (!text || text->empty())) {
    return absl::InvalidArgumentError("text (or callback_data) is required");
  }
  if (request.contains("callback_data") &&
      !StringParam(request, "callback_data").has_value()) {
    return absl::InvalidArgumentError("callback_data must be a string");
  }
  for (const char* key : {"user_id", "message_id"}) {
    if (request.contains(key) && IntParam(request, key).value_or(0) <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, " must be a positive integer"));
    }
  }
  absl::MutexLock lock(&mu_);
  return MakeShorthandUpdate(request, *chat_id);
}

json BotApi::MakeShorthandUpdate(const json& request, int64_t chat_id) {
  const int64_t update_id = next_update_id_++;
  const int64_t user_id =
      IntParam(request, "user_id").value_or(chat_id > 0 ? chat_id : 1);
  const int64_t date = absl::ToUnixSeconds(clock_());
  int64_t& last_id = last_message_id_[chat_id];
  std::optional<std::string> callback = StringParam(request, "callback_data");
  if (!callback.has_value()) {
    std::string text = StringParam(request, "text").value_or("");
    json message = {{"message_id", ++last_id},
                    {"from", UserObject(user_id)},
                    {"chat", ChatObject(chat_id)},
                    {"date", date},
                    {"text", text}};
    if (json entities = CommandEntities(text); !entities.is_null()) {
      message["entities"] = std::move(entities);
    }
    return {{"update_id", update_id}, {"message", std::move(message)}};
  }
  // A press on an inline button under one of the bot's messages.
  int64_t message_id =
      IntParam(request, "message_id").value_or(std::max<int64_t>(last_id, 1));
  last_id = std::max(last_id, message_id);
  json message = {{"message_id", message_id},
                  {"from", BotUserObject(bot_id_)},
                  {"chat", ChatObject(chat_id)},
                  {"date", date},
                  {"text", StringParam(request, "text").value_or("Choose:")}};
  json query = {{"id", absl::StrCat(4000000000000000000 + update_id)},
                {"from", UserObject(user_id)},
                {"message", std::move(message)},
                {"chat_instance", absl::StrCat(chat_id)},
                {"data", *callback}};
  return {{"update_id", update_id}, {"callback_query", std::move(query)}};
}

}  // namespace telegate::emulator
