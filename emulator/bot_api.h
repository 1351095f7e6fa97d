// BotApi: the emulated Telegram Bot API as pure domain logic, with no I/O.
// It owns the token, the bot user, the recorded calls, the injected faults,
// the webhook configuration, the queue of updates waiting for getUpdates,
// per-chat message_id counters, the next update_id, the base latency and the
// optional per-chat flood control. Thread-safe: every public method may be
// called concurrently. Delays (the base latency, its jitter and those
// requested by faults) are returned, never slept here; a getUpdates long
// poll waits (real time, not the injected clock) on the mutex until an
// update is queued, a webhook is set or WakeLongPolls() is called.
#ifndef TELEGATE_EMULATOR_BOT_API_H_
#define TELEGATE_EMULATOR_BOT_API_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/random/random.h"
#include "emulator/chat_rate_limit.h"
#include "emulator/fault.h"
#include "nlohmann/json.hpp"

namespace telegate::emulator {

// How long every Bot API call waits before its answer: `ms` plus a uniform
// random extra of 0..`jitter_ms`.
struct Latency {
  int ms = 0;
  int jitter_ms = 0;
};
inline constexpr int kMaxLatencyMs = 120000;

struct BotApiOptions {
  std::string token = "123456789:emulator-token";
  std::string webhook_url;     // initial webhook; "" = none
  std::string webhook_secret;  // initial secret; "" = none
  int64_t next_update_id = 1;
  size_t max_recorded_calls = 100000;  // oldest dropped beyond this
  std::function<absl::Time()> clock;   // default: absl::Now
  Latency latency;
  // sendMessage calls per chat and second before 429 (Telegram's flood
  // control); 0 = no limit.
  double chat_rate_limit = 0;
};

// One Bot API answer: HTTP status, Telegram envelope, and how long the
// transport should wait before sending it.
struct Response {
  int http_status = 200;
  nlohmann::json body;
  int delay_ms = 0;
};

struct WebhookConfig {
  std::string url;  // "" = no webhook
  std::string secret_token;
  int max_connections = 40;
  nlohmann::json allowed_updates;  // array, or null when never set
  int64_t last_error_date = 0;     // unix seconds; 0 = no error yet
  std::string last_error_message;
};

class BotApi {
 public:
  explicit BotApi(BotApiOptions options);

  // Performs one Bot API call. `method` is matched case-insensitively.
  // Every call is recorded (never the token).
  Response Call(std::string_view token, std::string_view method,
                const nlohmann::json& params);
  // Records and answers a call whose parameters could not be read.
  Response BadRequest(std::string_view token, std::string_view method,
                      std::string_view description);

  // Recorded calls with seq > `since`, of `method` ("" = all), oldest first:
  // [{seq, method, params, http_status, time_us}].
  nlohmann::json Calls(std::string_view method, int64_t since) const;

  void AddFaults(std::vector<Fault> faults);
  std::vector<Fault> Faults() const;
  void ClearFaults();
  // Clears calls and faults; keeps the webhook, counters, update ids,
  // latency and rate limit.
  void Reset();

  // Both clamped to 0..kMaxLatencyMs.
  void SetLatency(Latency latency);
  Latency GetLatency() const;

  WebhookConfig Webhook() const;
  void RecordWebhookError(std::string_view message);

  // Whether the current allowed_updates let `update` through (Telegram drops
  // the others when they happen). Unset or empty: every type except
  // chat_member, message_reaction and message_reaction_count.
  bool IsAllowed(const nlohmann::json& update) const;
  // Queues `update` for getUpdates (used while no webhook is set) and wakes
  // long polls. False (and not queued) when allowed_updates excludes it.
  bool QueueUpdate(nlohmann::json update);
  // Updates queued and not yet confirmed by a getUpdates offset.
  size_t PendingUpdateCount() const;
  // Makes every getUpdates long poll now waiting answer at once. For
  // shutdown: a server stopping calls it until its handlers have returned.
  void WakeLongPolls();

  // A full Update (integer update_id, passed through) or the shorthand
  // {"chat_id","text"[,"user_id"][,"callback_data"][,"message_id"]}
  // expanded into a realistic update with the next update_id.
  absl::StatusOr<nlohmann::json> MakeUpdate(const nlohmann::json& request);

  int64_t bot_id() const { return bot_id_; }

 private:
  using Handler = Response (BotApi::*)(const nlohmann::json&);
  static Handler FindHandler(std::string_view method, std::string* canonical);

  Response GetMe(const nlohmann::json& params);
  Response SendMessage(const nlohmann::json& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Response EditMessageText(const nlohmann::json& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Response AnswerCallbackQuery(const nlohmann::json& params);
  Response SetWebhook(const nlohmann::json& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Response GetWebhookInfo(const nlohmann::json& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Response DeleteWebhook(const nlohmann::json& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Response GetUpdates(const nlohmann::json& params)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool IsAllowedLocked(const nlohmann::json& update) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Forgets queued updates below `offset` (Telegram's confirmation);
  // a negative offset keeps only the last -offset updates.
  void ConfirmUpdates(int64_t offset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Removes and returns the first matching fault (FIFO), if any.
  std::optional<Fault> TakeFault(std::string_view method,
                                 std::optional<int64_t> chat_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Record(std::string_view method, const nlohmann::json& params,
              int http_status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The base latency plus this call's jitter.
  int LatencyMs() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json MakeShorthandUpdate(const nlohmann::json& request,
                                     int64_t chat_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string token_;
  const int64_t bot_id_;
  const size_t max_recorded_calls_;
  const std::function<absl::Time()> clock_;

  mutable absl::Mutex mu_;
  std::deque<nlohmann::json> calls_ ABSL_GUARDED_BY(mu_);
  int64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  std::deque<Fault> faults_ ABSL_GUARDED_BY(mu_);
  WebhookConfig webhook_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, int64_t> last_message_id_ ABSL_GUARDED_BY(mu_);
  int64_t next_update_id_ ABSL_GUARDED_BY(mu_);
  std::deque<nlohmann::json> pending_ ABSL_GUARDED_BY(mu_);  // for getUpdates
  int64_t wake_generation_ ABSL_GUARDED_BY(mu_) = 0;
  Latency latency_ ABSL_GUARDED_BY(mu_);
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mu_);
  ChatRateLimit rate_limit_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_BOT_API_H_
