#include "worker/dispatcher.h"

#include <functional>

#include "common/check.h"
#include "common/log.h"

namespace telegate::worker {
namespace {

// Counts every Bot API call's outcome into WorkerStats.
class CountingClient : public BotApiClient {
 public:
  CountingClient(BotApiClient* inner, WorkerStats* stats)
      : inner_(inner), stats_(stats) {}
  ApiResult Call(std::string_view method,
                 const nlohmann::json& params) override {
    ApiResult result = inner_->Call(method, params);
    (Classify(result) == Outcome::kOk ? stats_->sends_ok : stats_->sends_failed)
        .fetch_add(1);
    return result;
  }

 private:
  BotApiClient* const inner_;
  WorkerStats* const stats_;
};

}  // namespace

Dispatcher::Dispatcher(DispatcherOptions options, BotRuntime* runtime,
                       BotHandler* handler, WorkerStats* stats)
    : options_(options),
      runtime_(runtime),
      handler_(handler),
      stats_(stats),
      recent_(options.dedup_capacity) {
  TELEGATE_CHECK(options_.threads > 0);
  for (int i = 0; i < options_.threads; ++i) {
    lanes_.push_back(std::make_unique<Lane>());
  }
}

Dispatcher::~Dispatcher() { Stop(absl::ZeroDuration()); }

void Dispatcher::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) return;
  started_ = true;
  for (auto& lane : lanes_) {
    lane->thread = std::thread([this, l = lane.get()] { Run(l); });
  }
}

SubmitResult Dispatcher::Submit(QueuedUpdate update) {
  stats_->received.fetch_add(1);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return SubmitResult::kStopping;
    if (recent_.Contains(update.update_id)) {
      stats_->duplicate.fetch_add(1);
      return SubmitResult::kDuplicate;
    }
    if (in_flight_ >= options_.queue_limit) {
      stats_->overloaded.fetch_add(1);
      return SubmitResult::kOverloaded;
    }
    recent_.Insert(update.update_id);
    ++in_flight_;
  }
  stats_->accepted.fetch_add(1);
  size_t index = std::hash<std::string>{}(update.chat_key) % lanes_.size();
  Lane& lane = *lanes_[index];
  absl::MutexLock lock(&lane.mu);
  lane.queue.push_back(std::move(update));
  lane.cv.Signal();
  return SubmitResult::kAccepted;
}

void Dispatcher::Stop(absl::Duration deadline) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    drain_deadline_ = absl::Now() + deadline;
    if (!started_) return;
  }
  for (auto& lane : lanes_) {
    {
      absl::MutexLock lock(&lane->mu);
      lane->cv.SignalAll();
    }
  }
  for (auto& lane : lanes_) {
    if (lane->thread.joinable()) lane->thread.join();
  }
  int64_t left = queue_depth();
  if (left > 0) {
    log::Warn("worker", "shutdown_left_updates", {{"count", left}});
  }
}

int64_t Dispatcher::queue_depth() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

void Dispatcher::Run(Lane* lane) {
  std::unique_ptr<BotApiClient> client = runtime_->NewClient();
  uint64_t generation = runtime_->generation();
  while (true) {
    QueuedUpdate update;
    {
      absl::MutexLock lock(&lane->mu);
      while (lane->queue.empty()) {
        {
          absl::MutexLock l(&mu_);
          if (stopping_) return;
        }
        lane->cv.Wait(&lane->mu);
      }
      {
        absl::MutexLock l(&mu_);
        if (stopping_ && absl::Now() >= drain_deadline_) return;
      }
      update = std::move(lane->queue.front());
      lane->queue.pop_front();
    }
    if (runtime_->generation() != generation) {
      generation = runtime_->generation();
      client = runtime_->NewClient();
    }
    Process(update, *client);
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }
}

void Dispatcher::Process(const QueuedUpdate& update, BotApiClient& client) {
  nlohmann::json json = nlohmann::json::parse(update.payload, nullptr, false);
  if (json.is_discarded()) {
    // The gateway validated it; a broken payload here is a caller bug.
    stats_->failed.fetch_add(1);
    runtime_->RecordError("update payload is not valid JSON");
    return;
  }
  CountingClient counting(&client, stats_);
  absl::Status status = handler_->Handle(json, counting);
  if (status.ok()) {
    stats_->processed.fetch_add(1);
    runtime_->RecordSuccess();
    log::Debug("worker", "update_handled",
               {{"update_id", update.update_id},
                {"chat_key", update.chat_key}});
    return;
  }
  stats_->failed.fetch_add(1);
  log::Warn("worker", "update_failed",
            {{"update_id", update.update_id},
             {"chat_key", update.chat_key},
             {"error", status.message()}});
  runtime_->RecordError(std::string(status.message()));
}

}  // namespace telegate::worker
