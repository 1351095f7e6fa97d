// Journal: the worker's durable record of accepted updates. An update is
// acknowledged to the gateway only after Append's commit, so an ack survives
// a crash; unfinished entries are replayed at start; an update_id already
// recorded is a duplicate. Also keeps failed deliveries for the Admin API.
// Implementations are thread-safe: SqliteJournal (one file per worker) and
// PostgresJournal (worker/postgres/, one database shared by bots), both on
// the group commit of journal_queue.h.
#ifndef TELEGATE_WORKER_JOURNAL_H_
#define TELEGATE_WORKER_JOURNAL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "worker/accepted_update.h"
#include "worker/clock.h"

namespace telegate::worker {

// The journal stores AcceptedUpdate records of kind kTelegram (seq,
// update_id, chat_key, payload, accepted_at_us). The old name stays as an
// alias for the journal implementations.
using JournalEntry = AcceptedUpdate;

enum class AppendOutcome { kAccepted, kDuplicate };

// Runs on the journal's own thread once the entry's batch is committed (or
// failed). Must not block.
using AppendCallback =
    std::function<void(absl::StatusOr<AppendOutcome> outcome, int64_t seq)>;

// What a failed delivery holds: a Bot API call that failed permanently (or
// ran out of retries), or an update an upstream bot refused (method is
// empty, params_json is the update's JSON).
enum class FailedKind { kBotApiCall, kUpstreamUpdate };

// The kind's name in the journal ("bot_api_call", "upstream_update").
const char* FailedKindName(FailedKind kind);

struct FailedDelivery {
  int64_t id = 0;  // assigned by the journal
  FailedKind kind = FailedKind::kBotApiCall;
  int64_t update_id = 0;
  std::string chat_key;
  std::string method;
  std::string params_json;
  int error_code = 0;  // HTTP status, 0 for network errors
  std::string reason;
  int64_t failed_at_us = 0;
};

class Journal {
 public:
  virtual ~Journal() = default;

  // Records `entry` durably together with whatever else is queued (group
  // commit: one fsync for the batch), then calls `done`.
  virtual void Append(AcceptedUpdate entry, AppendCallback done) = 0;
  // Records the decision for an accepted update (the actions an upstream
  // bot answered with, as a JSON array) durably, in the next group commit,
  // then calls `done` on the journal's thread (must not block). Replay then
  // carries it in AcceptedUpdate::decision_json.
  virtual void RecordDecision(int64_t update_id, std::string decision_json,
                              std::function<void(absl::Status)> done) = 0;
  // Marks an update handled. Asynchronous and batched; losing a mark in a
  // crash only means the update is replayed (a duplicate reply at worst).
  virtual void MarkDone(int64_t update_id) = 0;
  // Accepted but not done, in acceptance order (for replay at start).
  virtual absl::StatusOr<std::vector<AcceptedUpdate>> LoadUnfinished() = 0;

  virtual absl::StatusOr<int64_t> AddFailedDelivery(FailedDelivery failed) = 0;
  // Newest first, at most `limit`.
  virtual absl::StatusOr<std::vector<FailedDelivery>> ListFailedDeliveries(
      int limit) = 0;
  // Removes and returns one failed delivery (kNotFound if absent).
  virtual absl::StatusOr<FailedDelivery> TakeFailedDelivery(int64_t id) = 0;

  // Blocks until everything queued so far is committed.
  virtual void Flush() = 0;
};

struct SqliteJournalOptions {
  std::string path;  // database file, e.g. "<TELEGATE_DATA_DIR>/journal.db"
  // Done entries older than this are pruned (Telegram redelivers for 24 h).
  absl::Duration retention = absl::Hours(48);
  absl::Duration prune_interval = absl::Minutes(10);
  // Upper bound on entries committed in one transaction.
  int max_batch = 512;
  // "FULL" fsyncs every commit (durable across power loss); "NORMAL" is
  // durable across process crashes only.
  std::string synchronous = "FULL";
  Clock clock;  // default absl::Now
};

// Opens (creating if needed) the database in WAL mode and starts the writer
// thread. The destructor commits what is queued and joins the thread.
absl::StatusOr<std::unique_ptr<Journal>> OpenSqliteJournal(
    SqliteJournalOptions options);

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_JOURNAL_H_
