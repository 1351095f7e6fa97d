#include "gateway/poller.h"

#include <algorithm>
#include <random>
#include <utility>

#include "common/log.h"
#include "common/retry_policy.h"
#include "common/telegram_update.h"

namespace telegate::gateway {
namespace {

using telegate::v1::Ack;

// update_id when readable, else -1 (such an update can only be skipped).
// Parsed JSON holds non-negative integers as unsigned.
int64_t UpdateIdOf(const nlohmann::json& update) {
  if (!update.is_object()) return -1;
  auto it = update.find("update_id");
  if (it == update.end() || !it->is_number_integer()) return -1;
  if (it->is_number_unsigned()) {
    uint64_t id = it->get<uint64_t>();
    return id > static_cast<uint64_t>(INT64_MAX) ? -1
                                                 : static_cast<int64_t>(id);
  }
  return it->get<int64_t>();
}

}  // namespace

absl::Duration PollBackoff(int attempt, int retry_after_seconds,
                           absl::Duration min, absl::Duration max,
                           double jitter) {
  if (retry_after_seconds > 0) return absl::Seconds(retry_after_seconds);
  return BackoffDelay(RetryPolicy{.initial_backoff = min, .max_backoff = max},
                      attempt, std::clamp(jitter, 0.5, 1.0));
}

Poller::Poller(std::unique_ptr<BotApiClient> client, UpdateSink* sink,
               PollerOptions options)
    : client_(std::move(client)), sink_(sink), options_(std::move(options)) {}

Poller::~Poller() { Stop(); }

void Poller::Start() {
  if (thread_.joinable() || stopping_.HasBeenNotified()) return;
  thread_ = std::thread([this] {
    Run();
    done_.Notify();
  });
}

void Poller::Stop() {
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
  {
    absl::MutexLock lock(&acks_->mu);
    acks_->stopping = true;
  }
  if (!thread_.joinable()) return;
  // A Cancel may land between two calls and miss the long poll: repeat it
  // until the loop has left.
  do {
    client_->Cancel();
  } while (!done_.WaitForNotificationWithTimeout(absl::Milliseconds(20)));
  thread_.join();
}

void Poller::Backoff(int retry_after_seconds) {
  ++failures_;
  ++stats_.backoffs;
  static thread_local std::mt19937 gen{std::random_device{}()};
  absl::Duration delay = PollBackoff(
      failures_, retry_after_seconds, options_.min_backoff,
      options_.max_backoff, std::uniform_real_distribution<>(0.5, 1.0)(gen));
  if (options_.wait_for) {
    options_.wait_for(delay);
  } else {
    stopping_.WaitForNotificationWithTimeout(delay);
  }
}

void Poller::Run() {
  log::Info("gateway", "polling_started",
            {{"timeout_seconds", options_.poll_timeout_seconds}});
  while (!stopping_.HasBeenNotified()) {
    nlohmann::json params = {{"offset", offset_.load()},
                             {"timeout", options_.poll_timeout_seconds}};
    if (!options_.allowed_updates.empty()) {
      params["allowed_updates"] = options_.allowed_updates;
    }
    ApiResult result = client_->Call("getUpdates", params);
    if (stopping_.HasBeenNotified()) break;
    Outcome outcome = Classify(result);
    if (outcome == Outcome::kOk && !result.result.is_array()) {
      outcome = Outcome::kTransient;
      result.description = "result is not an array";
    }
    if (outcome != Outcome::kOk) {
      if (result.http_status == 409 || result.error_code == 409) {
        log::Error("gateway", "polling_conflict",
                   {{"error", DescribeFailure("getUpdates", result)},
                    {"hint",
                     "a webhook is set: telegate-webhook delete, or "
                     "restart the gateway in polling mode"}});
      } else {
        log::Warn("gateway", "poll_failed",
                  {{"error", DescribeFailure("getUpdates", result)}});
      }
      Backoff(result.retry_after);
      continue;
    }
    ++stats_.polls;
    failures_ = 0;
    const int64_t offset_before = offset_.load();
    for (const nlohmann::json& update : result.result) {
      if (stopping_.HasBeenNotified()) break;
      ++stats_.updates_polled;
      const int64_t id = UpdateIdOf(update);
      if (id >= 0 && id < offset_.load()) continue;  // already confirmed
      if (!DeliverOne(update)) break;  // stopping: Telegram keeps it
      if (id >= 0) offset_.store(std::max(offset_.load(), id + 1));
    }
    // Only updates without a readable update_id came: they cannot be
    // confirmed, so do not spin on them.
    if (!result.result.empty() && offset_.load() == offset_before &&
        !stopping_.HasBeenNotified()) {
      Backoff(0);
    }
  }
  log::Info("gateway", "polling_stopped", {{"offset", offset_.load()}});
}

bool Poller::DeliverOne(const nlohmann::json& update) {
  std::string body =
      update.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  absl::StatusOr<ParsedUpdate> parsed = ParseUpdate(body);
  if (!parsed.ok()) {
    ++stats_.updates_skipped;
    log::Warn("gateway", "polled_update_malformed",
              {{"update_id", UpdateIdOf(update)},
               {"error", std::string(parsed.status().message())}});
    return true;
  }
  while (!stopping_.HasBeenNotified()) {
    std::optional<absl::StatusOr<Ack>> answer = DeliverAndAwait(*parsed, body);
    if (!answer.has_value()) break;  // stopping
    const absl::StatusOr<Ack>& ack = *answer;
    if (ack.ok() &&
        (ack->result() == Ack::ACCEPTED || ack->result() == Ack::DUPLICATE)) {
      ++stats_.updates_delivered;
      failures_ = 0;
      return true;
    }
    if (ack.ok() && ack->result() == Ack::REJECTED) {
      ++stats_.updates_skipped;
      log::Warn("gateway", "polled_update_rejected",
                {{"update_id", parsed->update_id}, {"reason", ack->reason()}});
      return true;
    }
    int retry_after = 0;
    if (ack.ok()) {
      retry_after = ack->retry_after_seconds();
      log::Warn("gateway", "polled_update_not_accepted",
                {{"update_id", parsed->update_id},
                 {"result", Ack::Result_Name(ack->result())},
                 {"reason", ack->reason()}});
    } else {
      log::Warn("gateway", "polled_update_not_delivered",
                {{"update_id", parsed->update_id},
                 {"error", std::string(ack.status().message())}});
    }
    Backoff(retry_after);
  }
  return false;
}

std::optional<absl::StatusOr<Ack>> Poller::DeliverAndAwait(
    const ParsedUpdate& update, std::string payload) {
  const uint64_t id = ++deliveries_;
  {
    absl::MutexLock lock(&acks_->mu);
    acks_->expected = id;
    acks_->ack.reset();
  }
  sink_->Deliver(update, std::move(payload),
                 [slot = acks_, id](absl::StatusOr<Ack> ack) {
                   absl::MutexLock lock(&slot->mu);
                   if (slot->expected == id) slot->ack = std::move(ack);
                 });
  AckSlot& slot = *acks_;
  absl::MutexLock lock(&slot.mu);
  auto answered = [&slot]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) {
    return slot.ack.has_value() || slot.stopping;
  };
  slot.mu.Await(absl::Condition(&answered));
  if (!slot.ack.has_value()) return std::nullopt;
  return std::move(slot.ack);
}

}  // namespace telegate::gateway
