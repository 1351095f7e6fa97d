#include "worker/bot_runtime.h"

#include <memory>
#include <utility>

#include "absl/synchronization/notification.h"
#include "common/log.h"

namespace telegate::worker {
namespace {

// getMe's answer as a status: kUnavailable for transient failures and
// flood waits, kFailedPrecondition for permanent ones.
absl::Status IdentityStatus(const ApiResult& result) {
  switch (Classify(result)) {
    case Outcome::kOk:
      return absl::OkStatus();
    case Outcome::kRetryAfter:
    case Outcome::kTransient:
      return absl::UnavailableError(DescribeFailure("getMe", result));
    case Outcome::kMigrated:
    case Outcome::kPermanent:
      break;
  }
  return absl::FailedPreconditionError(DescribeFailure("getMe", result));
}

absl::Status Wait(const std::function<void(BotRuntime::StatusCallback)>& start) {
  auto done = std::make_shared<absl::Notification>();
  auto status = std::make_shared<absl::Status>();
  start([done, status](absl::Status s) {
    *status = std::move(s);
    done->Notify();
  });
  done->WaitForNotification();
  return *status;
}

}  // namespace

BotRuntime::BotRuntime(int64_t error_threshold, Clock clock)
    : errors_(error_threshold), clock_(std::move(clock)) {}

void BotRuntime::Bind(std::function<void(uint64_t)> on_new_generation,
                      IdentityCheck check_identity) {
  on_new_generation_ = std::move(on_new_generation);
  check_identity_ = std::move(check_identity);
}

void BotRuntime::Initialize(StatusCallback done) {
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    generation = ++generation_;
  }
  BeginGeneration(generation, "start", /*is_restart=*/false, std::move(done));
}

void BotRuntime::Restart(std::string_view reason, StatusCallback done) {
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    generation = ++generation_;
    ++restart_count_;
  }
  BeginGeneration(generation, std::string(reason), /*is_restart=*/true,
                  std::move(done));
}

absl::Status BotRuntime::InitializeAndWait() {
  return Wait([this](StatusCallback done) { Initialize(std::move(done)); });
}

absl::Status BotRuntime::RestartAndWait(std::string_view reason) {
  return Wait([this, reason](StatusCallback done) {
    Restart(reason, std::move(done));
  });
}

void BotRuntime::BeginGeneration(uint64_t generation, std::string reason,
                                 bool is_restart, StatusCallback done) {
  if (on_new_generation_) on_new_generation_(generation);
  if (!check_identity_) {
    ApiResult none;
    none.description = "no Bot API client";
    OnIdentity(generation, none, std::move(reason), is_restart,
               std::move(done));
    return;
  }
  check_identity_([this, generation, reason = std::move(reason), is_restart,
                   done = std::move(done)](ApiResult result) mutable {
    OnIdentity(generation, result, std::move(reason), is_restart,
               std::move(done));
  });
}

void BotRuntime::OnIdentity(uint64_t generation, const ApiResult& result,
                            std::string reason, bool is_restart,
                            StatusCallback done) {
  absl::Status status = IdentityStatus(result);
  int64_t restarts = 0;
  std::string username;
  {
    absl::MutexLock lock(&mu_);
    restarts = restart_count_;
    // A newer generation's check decides the state; this one only answers.
    if (generation == generation_) {
      ready_ = status.ok();
      init_error_ = status.ok() ? "" : std::string(status.message());
      if (status.ok() && result.result.is_object()) {
        username_ = result.result.value("username", "");
      }
    }
    username = username_;
  }
  if (is_restart) {
    log::Warn("worker", "bot_reinitialized",
              {{"reason", reason},
               {"restart_count", restarts},
               {"error_count", errors_.count()},
               {"get_me", status.ok() ? "OK" : std::string(status.message())}});
  } else if (status.ok()) {
    log::Info("worker", "bot_ready", {{"username", username}});
  } else {
    log::Error("worker", "bot_init_failed", {{"error", status.message()}});
  }
  if (done) done(status);
}

void BotRuntime::RecordSuccess(uint64_t generation) {
  {
    absl::MutexLock lock(&mu_);
    if (generation != generation_) return;
  }
  errors_.RecordSuccess();
}

void BotRuntime::RecordError(uint64_t generation, const std::string& message) {
  uint64_t restart_generation = 0;
  {
    absl::MutexLock lock(&mu_);
    if (generation != generation_) return;  // an older client's failure
    recent_errors_.push_front({clock_(), message});
    if (recent_errors_.size() > 20) recent_errors_.pop_back();
    if (errors_.RecordError(message)) {
      // Bumped under the lock: every other failure of this generation,
      // however many are in flight, now counts for nothing.
      restart_generation = ++generation_;
      ++restart_count_;
    }
  }
  log::Warn("worker", "bot_error", {{"error", message}});
  if (restart_generation != 0) {
    BeginGeneration(restart_generation, "error threshold reached",
                    /*is_restart=*/true, nullptr);
  }
}

void BotRuntime::ResetErrors() {
  errors_.Reset();
  log::Info("worker", "errors_reset");
}

uint64_t BotRuntime::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
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
  if (s.error_count > 0) {
    s.bot_status = errors_.status();
  } else if (!ready_) {
    s.bot_status = init_error_.empty() ? "starting" : init_error_;
  } else {
    s.bot_status = "OK";
  }
  return s;
}

}  // namespace telegate::worker
