#include "worker/update_processor.h"

#include "common/log.h"

namespace telegate::worker {

UpdateProcessor::UpdateProcessor(ProcessorOptions options,
                                 ChatScheduler* scheduler, Journal* journal,
                                 BotRuntime* runtime, BotHandler* handler,
                                 WorkerStats* stats,
                                 std::function<absl::Time()> clock)
    : options_(std::move(options)),
      scheduler_(scheduler),
      journal_(journal),
      runtime_(runtime),
      handler_(handler),
      stats_(stats),
      clock_(std::move(clock)) {
  if (options_.rate_limits) {
    limiter_ = std::make_unique<RateLimiter>(*options_.rate_limits);
  }
}

UpdateProcessor::~UpdateProcessor() { Stop(absl::ZeroDuration()); }

void UpdateProcessor::Start() {
  for (int i = 0; i < options_.threads; ++i) {
    infos_.push_back(std::make_unique<ThreadInfo>());
  }
  for (auto& info : infos_) {
    threads_.emplace_back([this, i = info.get()] { Run(i); });
  }
}

std::vector<UpdateProcessor::ThreadSnapshot> UpdateProcessor::ThreadStates()
    const {
  std::vector<ThreadSnapshot> out;
  for (const auto& info : infos_) {
    out.push_back({info->busy.load(), info->generation.load(),
                   info->calls.load()});
  }
  return out;
}

void UpdateProcessor::Stop(absl::Duration grace) {
  if (threads_.empty()) return;
  scheduler_->StopWhenIdle(clock_() + grace);
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  scheduler_->Stop();
  if (int64_t left = scheduler_->size(); left > 0) {
    log::Warn("worker", "shutdown_left_journaled", {{"count", left}});
  }
}

void UpdateProcessor::Run(ThreadInfo* info) {
  std::unique_ptr<BotApiClient> client = runtime_->NewClient();
  uint64_t generation = runtime_->generation();
  info->generation.store(generation);
  while (Job* job = scheduler_->Next()) {
    info->busy.store(true);
    if (runtime_->generation() != generation) {
      generation = runtime_->generation();
      client = runtime_->NewClient();
      info->generation.store(generation);
    }
    Step(job, *client, info);
    info->busy.store(false);
  }
}

void UpdateProcessor::Step(Job* job, BotApiClient& client, ThreadInfo* info) {
  if (!job->decided) {
    nlohmann::json update =
        nlohmann::json::parse(job->payload, nullptr, /*allow_exceptions=*/false);
    if (!update.is_discarded()) {
      try {
        job->actions = handler_->Decide(update);
      } catch (const std::exception& e) {
        // Bot code is user code: a throw fails this update, not the worker.
        runtime_->RecordError(std::string("bot handler threw: ") + e.what());
        job->had_failure = true;
      }
    }
    job->decided = true;
  }
  while (job->next_action < job->actions.size()) {
    BotAction& action = job->actions[job->next_action];
    absl::Time now = clock_();
    if (limiter_ != nullptr && IsRateLimitedMethod(action.method)) {
      int64_t chat_id = action.params.value("chat_id", int64_t{0});
      absl::Time slot = limiter_->Acquire(chat_id, now);
      if (slot > now) {
        stats_->rate_limited.fetch_add(1);
        scheduler_->Defer(job, slot);
        return;
      }
    }
    ApiResult result = client.Call(action.method, action.params);
    info->calls.fetch_add(1, std::memory_order_relaxed);
    switch (Classify(result)) {
      case Outcome::kOk:
        stats_->sends_ok.fetch_add(1);
        runtime_->RecordSuccess();
        job->attempts = 0;
        ++job->next_action;
        continue;
      case Outcome::kRetryAfter: {
        stats_->flood_waits.fetch_add(1);
        int wait = std::max(result.retry_after, 1);
        log::Info("worker", "flood_wait",
                  {{"update_id", job->update_id},
                   {"chat_key", job->chat_key},
                   {"retry_after", wait}});
        scheduler_->Defer(job, clock_() + absl::Seconds(wait));
        return;
      }
      case Outcome::kMigrated:
        if (++job->attempts <= options_.retry.max_attempts) {
          stats_->migrations.fetch_add(1);
          log::Info("worker", "chat_migrated",
                    {{"chat_key", job->chat_key},
                     {"to", result.migrate_to_chat_id}});
          action.params["chat_id"] = result.migrate_to_chat_id;
          continue;
        }
        break;
      case Outcome::kTransient:
        stats_->sends_failed.fetch_add(1);
        runtime_->RecordError(DescribeFailure(action.method, result));
        if (++job->attempts < options_.retry.max_attempts) {
          stats_->retries.fetch_add(1);
          scheduler_->Defer(
              job, clock_() + BackoffDelay(options_.retry, job->attempts,
                                           DrawJitter(options_.retry)));
          return;
        }
        RecordFailure(job, action, result);
        continue;
      case Outcome::kPermanent:
        stats_->sends_failed.fetch_add(1);
        runtime_->RecordError(DescribeFailure(action.method, result));
        RecordFailure(job, action, result);
        continue;
    }
    // Migrated too often: give up like a permanent failure.
    RecordFailure(job, action, result);
  }
  Finish(job);
}

void UpdateProcessor::RecordFailure(Job* job, const BotAction& action,
                                    const ApiResult& result) {
  FailedDelivery failed;
  failed.update_id = job->update_id;
  failed.chat_key = job->chat_key;
  failed.method = action.method;
  failed.params_json = action.params.dump();
  failed.error_code = result.http_status;
  failed.reason = DescribeFailure(action.method, result);
  failed.failed_at_us = absl::ToUnixMicros(clock_());
  stats_->failed_deliveries.fetch_add(1);
  log::Warn("worker", "delivery_failed",
            {{"update_id", job->update_id},
             {"chat_key", job->chat_key},
             {"error", failed.reason}});
  if (absl::StatusOr<int64_t> id = journal_->AddFailedDelivery(failed);
      !id.ok()) {
    log::Error("worker", "failed_delivery_not_recorded",
               {{"error", std::string(id.status().message())}});
  }
  // The job moves on to its next action.
  job->attempts = 0;
  ++job->next_action;
  job->had_failure = true;
}

void UpdateProcessor::Finish(Job* job) {
  if (job->update_id != 0) journal_->MarkDone(job->update_id);
  if (job->accepted_at_us > 0) {
    absl::Time now = clock_();
    stats_->latency.Record(now,
                           now - absl::FromUnixMicros(job->accepted_at_us));
  }
  (job->had_failure ? stats_->failed : stats_->processed).fetch_add(1);
  log::Debug("worker", "update_handled",
             {{"update_id", job->update_id}, {"chat_key", job->chat_key}});
  scheduler_->Complete(job);
}

}  // namespace telegate::worker
