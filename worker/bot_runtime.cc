#include "worker/bot_runtime.h"

#include "absl/time/clock.h"
#include "common/log.h"

namespace telegate::worker {

BotRuntime::BotRuntime(BotApiClientFactory* factory, int64_t error_threshold)
    : factory_(factory), errors_(error_threshold) {}

absl::Status BotRuntime::CheckIdentity() {
  std::unique_ptr<BotApiClient> client = factory_->Create();
  absl::StatusOr<nlohmann::json> me =
      CallOrError(*client, "getMe", nlohmann::json::object());
  absl::MutexLock lock(&mu_);
  if (!me.ok()) {
    ready_ = false;
    init_error_ = std::string(me.status().message());
    return me.status();
  }
  ready_ = true;
  init_error_.clear();
  if (me->is_object()) username_ = me->value("username", "");
  return absl::OkStatus();
}

absl::Status BotRuntime::Initialize() {
  absl::MutexLock lock(&restart_mu_);
  generation_.fetch_add(1);
  absl::Status status = CheckIdentity();
  if (status.ok()) {
    log::Info("worker", "bot_ready", {{"username", Snapshot().bot_username}});
  } else {
    log::Error("worker", "bot_init_failed", {{"error", status.message()}});
  }
  return status;
}

absl::Status BotRuntime::Restart(std::string_view reason) {
  absl::MutexLock lock(&restart_mu_);
  generation_.fetch_add(1);
  int64_t restarts = 0;
  {
    absl::MutexLock l(&mu_);
    restarts = ++restart_count_;
  }
  absl::Status status = CheckIdentity();
  log::Warn("worker", "bot_reinitialized",
            {{"reason", reason},
             {"restart_count", restarts},
             {"error_count", errors_.count()},
             {"get_me", status.ok() ? "OK" : std::string(status.message())}});
  return status;
}

void BotRuntime::RecordSuccess() { errors_.RecordSuccess(); }

void BotRuntime::RecordError(const std::string& message) {
  log::Warn("worker", "bot_error", {{"error", message}});
  {
    absl::MutexLock lock(&mu_);
    recent_errors_.push_front({absl::Now(), message});
    if (recent_errors_.size() > 20) recent_errors_.pop_back();
  }
  if (errors_.RecordError(message)) {
    Restart("error threshold reached").IgnoreError();
  }
}

void BotRuntime::ResetErrors() {
  errors_.Reset();
  log::Info("worker", "errors_reset");
}

std::vector<BotRuntime::ErrorEvent> BotRuntime::RecentErrors() const {
  absl::MutexLock lock(&mu_);
  return {recent_errors_.begin(), recent_errors_.end()};
}

BotSnapshot BotRuntime::Snapshot() const {
  BotSnapshot s;
  s.error_count = errors_.count();
  s.error_threshold = errors_.threshold();
  absl::MutexLock lock(&mu_);
  s.restart_count = restart_count_;
  s.ready = ready_;
  s.bot_username = username_;
  if (s.error_count > 0) s.bot_status = errors_.status();
  else if (!ready_) s.bot_status = init_error_.empty() ? "starting" : init_error_;
  else s.bot_status = "OK";
  return s;
}

}  // namespace telegate::worker
