// Poller: polling mode's intake. Its own thread long-polls getUpdates
// through a BotApiClient, hands each update IN ORDER to the UpdateSink
// (the same asynchronous Deliver as webhooks; the next update goes only
// once the previous one's ack came) and moves the offset only past updates
// the worker acknowledged (ACCEPTED or DUPLICATE) or that can never succeed
// (malformed, REJECTED). Unconfirmed updates stay with Telegram, which
// serves them again after a crash. Failures back off: retry_after when
// given, else exponential with jitter (100 ms ... 5 s by default).
// Thread-safety: Start/Stop from one thread; stats() and offset() from any.
// Lifetime: `client` is owned; `sink` must outlive the Poller; no call to
// the sink or the client after Stop returns (the destructor stops); an ack
// that comes after Stop is dropped harmlessly.
#ifndef TELEGATE_GATEWAY_POLLER_H_
#define TELEGATE_GATEWAY_POLLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/bot_api_client.h"
#include "gateway/update_sink.h"

namespace telegate::gateway {

struct PollerOptions {
  int poll_timeout_seconds = 25;             // getUpdates timeout, 0-50
  std::vector<std::string> allowed_updates;  // empty: not sent
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Waits `delay` unless stopping; tests replace it to record delays.
  // Default: wait on the Poller's stop notification.
  std::function<void(absl::Duration delay)> wait_for;
};

// Counters for /metrics (the gateway exports them).
struct PollerStats {
  std::atomic<uint64_t> polls{0};              // getUpdates calls answered ok
  std::atomic<uint64_t> updates_polled{0};     // updates received
  std::atomic<uint64_t> updates_delivered{0};  // acknowledged by the worker
  std::atomic<uint64_t> updates_skipped{0};    // malformed or REJECTED
  std::atomic<uint64_t> backoffs{0};           // waits after a failure
};

// The delay before retry number `attempt` (1, 2, ...): `retry_after_seconds`
// when positive, else min * 2^(attempt-1) capped at max, scaled by `jitter`
// in [0.5, 1].
absl::Duration PollBackoff(int attempt, int retry_after_seconds,
                           absl::Duration min, absl::Duration max,
                           double jitter);

class Poller {
 public:
  Poller(std::unique_ptr<BotApiClient> client, UpdateSink* sink,
         PollerOptions options);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void Start();
  // Interrupts a long poll (cancelling the client call), a backoff wait and
  // the wait for an ack (that update stays unconfirmed), then joins.
  // Idempotent.
  void Stop();

  const PollerStats& stats() const { return stats_; }
  // The next getUpdates offset (0 before the first acknowledged update).
  int64_t offset() const { return offset_.load(); }

 private:
  void Run();
  // Delivers one update until acknowledged, skipped or stopping; true when
  // the offset may move past it.
  bool DeliverOne(const nlohmann::json& update);
  // Delivers through the sink and waits for the ack; nullopt when stopping
  // first.
  std::optional<absl::StatusOr<telegate::v1::Ack>> DeliverAndAwait(
      const ParsedUpdate& update, std::string payload);
  void Backoff(int retry_after_seconds);

  // Where acks land; shared with the sink's callbacks, which may outlive
  // the Poller.
  struct AckSlot {
    absl::Mutex mu;
    bool stopping ABSL_GUARDED_BY(mu) = false;
    uint64_t expected ABSL_GUARDED_BY(mu) = 0;  // the delivery awaited
    std::optional<absl::StatusOr<telegate::v1::Ack>> ack ABSL_GUARDED_BY(mu);
  };

  const std::unique_ptr<BotApiClient> client_;
  UpdateSink* const sink_;
  const PollerOptions options_;
  PollerStats stats_;
  std::atomic<int64_t> offset_{0};
  int failures_ = 0;  // consecutive; poll thread only

  const std::shared_ptr<AckSlot> acks_ = std::make_shared<AckSlot>();
  uint64_t deliveries_ = 0;  // poll thread only
  absl::Notification stopping_;
  absl::Notification done_;
  std::thread thread_;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_POLLER_H_
