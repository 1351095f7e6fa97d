// getUpdates and the queue of updates it serves (used while no webhook is
// set), with Telegram's offset confirmation, limit, long-poll timeout and
// allowed_updates filter.
#include <algorithm>
#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/absl_strings.h"
#include "emulator/bot_api.h"
#include "emulator/telegram_objects.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr int kMaxLimit = 100;
constexpr int kMaxTimeoutSeconds = 50;
constexpr char kConflict[] =
    "Conflict: can't use getUpdates method while webhook is active; use "
    "deleteWebhook to delete the webhook first";

// The update's type: its first field other than update_id.
std::string UpdateType(const json& update) {
  for (const auto& [key, value] : update.items()) {
    if (key != "update_id") return key;
  }
  return "";
}

}  // namespace

bool BotApi::IsAllowed(const json& update) const {
  absl::MutexLock lock(&mu_);
  return IsAllowedLocked(update);
}

bool BotApi::IsAllowedLocked(const json& update) const {
  const std::string type = UpdateType(update);
  const json& allowed = webhook_.allowed_updates;
  if (allowed.is_array() && !allowed.empty()) {
    return std::find(allowed.begin(), allowed.end(), type) != allowed.end();
  }
  static constexpr std::array<std::string_view, 3> kOffByDefault = {
      "chat_member", "message_reaction", "message_reaction_count"};
  return std::find(kOffByDefault.begin(), kOffByDefault.end(), type) ==
         kOffByDefault.end();
}

bool BotApi::QueueUpdate(json update) {
  absl::MutexLock lock(&mu_);
  if (!IsAllowedLocked(update)) return false;
  pending_.push_back(std::move(update));
  return true;
}

size_t BotApi::PendingUpdateCount() const {
  absl::MutexLock lock(&mu_);
  return pending_.size();
}

void BotApi::WakeLongPolls() {
  absl::MutexLock lock(&mu_);
  ++wake_generation_;
}

void BotApi::ConfirmUpdates(int64_t offset) {
  if (offset < 0) {
    const size_t keep =
        static_cast<size_t>(-std::max<int64_t>(offset, -1000000));
    while (pending_.size() > keep) pending_.pop_front();
    return;
  }
  std::erase_if(pending_, [offset](const json& u) {
    return u.value("update_id", int64_t{0}) < offset;
  });
}

Response BotApi::GetUpdates(const json& params) {
  if (!webhook_.url.empty()) return {409, ErrorBody(409, kConflict)};
  const int64_t offset = IntParam(params, "offset").value_or(0);
  const int64_t limit = std::clamp<int64_t>(
      IntParam(params, "limit").value_or(kMaxLimit), 1, kMaxLimit);
  const int64_t timeout = std::clamp<int64_t>(
      IntParam(params, "timeout").value_or(0), 0, kMaxTimeoutSeconds);
  if (auto a = params.find("allowed_updates");
      a != params.end() && !a->is_null()) {
    bool ok = a->is_array();
    for (const json& item : *a) ok = ok && item.is_string();
    if (!ok) {
      return {400, ErrorBody(400, "Bad Request: can't parse allowed updates")};
    }
    webhook_.allowed_updates = *a;
  }
  ConfirmUpdates(offset);
  if (pending_.empty() && timeout > 0) {
    const int64_t generation = wake_generation_;
    auto ready = [this, generation]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !pending_.empty() || !webhook_.url.empty() ||
             wake_generation_ != generation;
    };
    mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(timeout));
    // Another poll may have confirmed updates meanwhile; a webhook may
    // have been set (Telegram then ends the poll with a conflict).
    if (!webhook_.url.empty()) return {409, ErrorBody(409, kConflict)};
    ConfirmUpdates(offset);
  }
  json result = json::array();
  for (const json& update : pending_) {
    if (static_cast<int64_t>(result.size()) >= limit) break;
    result.push_back(update);
  }
  return {200, OkBody(std::move(result))};
}

}  // namespace telegate::emulator
