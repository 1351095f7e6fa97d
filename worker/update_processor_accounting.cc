// UpdateProcessor's bookkeeping after each decision: counters, the Bot API
// and upstream error counts, log lines, and failed-delivery records.
#include <utility>

#include "absl/time/time.h"
#include "common/log.h"
#include "worker/update_processor.h"

namespace telegate::worker {

void UpdateProcessor::Account(const Decision& decision,
                              const Delivery& delivery, size_t tried,
                              const StepResult& step, uint64_t generation) {
  if (step.kind == StepKind::kUpstream) {
    const UpstreamAnswer& answer = *step.upstream;
    if (decision.failed_update) {
      RecordUpstreamFailure(delivery, answer.reason,
                            answer.verdict == UpstreamVerdict::kRefused ? 400
                                                                         : 0);
    }
  }
  if (step.kind == StepKind::kCall) {
    const BotAction& action = delivery.actions[tried];
    if (decision.health == Health::kSuccess) {
      stats_->sends_ok.fetch_add(1);
      runtime_->RecordSuccess(generation);
    } else if (decision.health == Health::kError) {
      stats_->sends_failed.fetch_add(1);
      runtime_->RecordError(generation,
                            DescribeFailure(action.method, *step.api));
    }
    if (decision.failed_delivery) RecordFailure(delivery, tried, *step.api);
  }
  switch (decision.kind) {
    case DecisionKind::kPark:
      if (decision.park_reason == ParkReason::kFloodWait) {
        stats_->flood_waits.fetch_add(1);
        log::Info("worker", "flood_wait",
                  {{"update_id", delivery.update.update_id},
                   {"chat_key", delivery.update.chat_key},
                   {"retry_after", step.api != nullptr ? step.api->retry_after
                                                       : 0}});
      } else {
        stats_->rate_limited.fetch_add(1);
      }
      break;
    case DecisionKind::kRetry:
      stats_->retries.fetch_add(1);
      break;
    case DecisionKind::kMigrate:
      stats_->migrations.fetch_add(1);
      log::Info("worker", "chat_migrated",
                {{"chat_key", delivery.update.chat_key},
                 {"to", decision.migrate_to_chat_id}});
      break;
    default:
      break;
  }
}

void UpdateProcessor::RecordFailure(const Delivery& delivery, size_t action,
                                    const ApiResult& result) {
  const BotAction& failed_action = delivery.actions[action];
  FailedDelivery failed;
  failed.update_id = delivery.update.update_id;
  failed.chat_key = delivery.update.chat_key;
  failed.method = failed_action.method;
  failed.params_json = failed_action.params.dump();
  failed.error_code = result.http_status;
  failed.reason = DescribeFailure(failed_action.method, result);
  failed.failed_at_us = absl::ToUnixMicros(clock_());
  AddFailed(std::move(failed));
}

void UpdateProcessor::AddFailed(FailedDelivery failed) {
  stats_->failed_deliveries.fetch_add(1);
  log::Warn("worker", "delivery_failed",
            {{"update_id", failed.update_id},
             {"chat_key", failed.chat_key},
             {"kind", FailedKindName(failed.kind)},
             {"error", failed.reason}});
  if (absl::StatusOr<int64_t> id = journal_->AddFailedDelivery(failed);
      !id.ok()) {
    log::Error("worker", "failed_delivery_not_recorded",
               {{"error", std::string(id.status().message())}});
  }
}

}  // namespace telegate::worker
