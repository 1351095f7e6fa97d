// AcceptedUpdate: the one record of an update the worker took responsibility
// for — what the journal stores and replays, what Intake queues and what the
// scheduler and processor carry. A plain value; copy or move freely.
//
// Identity: a Telegram update is named by its update_id (>= 1; the stream
// refuses 0, and nothing in the worker uses 0 as a sentinel). An operator's
// retry of a failed delivery is not a Telegram update: it has kind
// kOperatorRetry and is named by the failed delivery's id (`retry_of`); it is
// never journaled nor marked done.
#ifndef TELEGATE_WORKER_ACCEPTED_UPDATE_H_
#define TELEGATE_WORKER_ACCEPTED_UPDATE_H_

#include <cstdint>
#include <string>

namespace telegate::worker {

enum class UpdateKind {
  kTelegram,       // from the gateway: payload is Telegram's JSON
  kOperatorRetry,  // Admin API RetryFailedDelivery: one stored action
};

struct AcceptedUpdate {
  UpdateKind kind = UpdateKind::kTelegram;
  int64_t seq = 0;  // acceptance order, assigned by the journal
  // kTelegram: Telegram's update_id. kOperatorRetry: the update whose
  // action failed (for logs only).
  int64_t update_id = 0;
  int64_t retry_of = 0;  // kOperatorRetry: the failed delivery's id
  std::string chat_key;
  std::string payload;  // kTelegram: raw Telegram JSON
  int64_t accepted_at_us = 0;
  // The bot's decision once journaled (Journal::RecordDecision): a JSON
  // array of {"method":..,"params":{..}}; empty while undecided. An update
  // whose decision is journaled is never put to an upstream bot again.
  std::string decision_json;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ACCEPTED_UPDATE_H_
