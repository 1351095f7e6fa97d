// UpdateProcessor: the worker's processing loops. Each loop is an
// http::EventLoop owning its own AsyncBotApiClient with many calls in
// flight. Any loop takes any ready chat from the ChatScheduler; a chat has
// one delivery (so one action) in flight at a time, different chats overlap
// freely, capped worker-wide at `max_in_flight` deliveries being worked on.
// After every step the pure delivery policy (worker/delivery_policy.h)
// decides what happens; this class only performs the decision: runs the
// handler, asks the rate limiter, calls the Bot API, parks the chat (a timer
// entry, holding neither a thread nor a connection), records failed
// deliveries, marks updates done in the Journal.
//
// Recovery: results are reported to BotRuntime with the generation of the
// client that made the call; on a new generation every loop swaps in a
// fresh client, and an old client stays alive (retired) until its calls in
// flight completed, then is destroyed on its loop. A completion is never
// dropped while running.
//
// Thread-safety: public methods may be called from any thread except
// CallAndWait and Stop (not from a loop). Lifetime: Start once; Stop (or
// the destructor) stops the loops; no callback runs after it returns.
#ifndef TELEGATE_WORKER_UPDATE_PROCESSOR_H_
#define TELEGATE_WORKER_UPDATE_PROCESSOR_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/async_bot_api.h"
#include "common/retry_policy.h"
#include "worker/bot_handler.h"
#include "worker/bot_runtime.h"
#include "worker/chat_scheduler.h"
#include "worker/clock.h"
#include "worker/delivery_policy.h"
#include "worker/endpoint/bot_api_caller.h"
#include "worker/journal.h"
#include "worker/rate_limiter.h"
#include "worker/stats.h"
#include "worker/upstream/upstream_health.h"

namespace telegate::worker {

// The user's own bot behind telegate (TELEGATE_UPSTREAM_*): each update is
// posted to `url` as Telegram would post it, instead of running the
// built-in handler.
struct UpstreamOptions {
  std::string url;  // empty: the built-in handler
  std::string secret;  // sent as X-Telegram-Bot-Api-Secret-Token; may be empty
  int max_connections = 100;  // worker-wide, split over the loops
  absl::Duration timeout = absl::Seconds(60);
  UpstreamHealth* health = nullptr;  // required with a url; outlives us
};

struct ProcessorOptions {
  int loops = 2;             // TELEGATE_WORKER_THREADS
  int max_in_flight = 4096;  // TELEGATE_MAX_IN_FLIGHT, worker-wide
  RetryPolicy retry;
  std::optional<RateLimits> rate_limits;  // nullopt: no proactive limits
  UpstreamOptions upstream;
};

class UpdateProcessor final : public BotApiCaller {
 public:
  // Every pointer must outlive the processor.
  UpdateProcessor(ProcessorOptions options, ChatScheduler* scheduler,
                  Journal* journal, BotRuntime* runtime, BotHandler* handler,
                  WorkerStats* stats, AsyncBotApiClientFactory* factory,
                  Clock clock = RealClock());
  ~UpdateProcessor();

  // Starts the loops and binds itself to `runtime` (client swaps, getMe).
  // Deliveries are taken up once the runtime made its first generation
  // (BotRuntime::Initialize).
  absl::Status Start();

  // What each loop is doing, for the Admin API.
  struct LoopSnapshot {
    int64_t calls_in_flight = 0;
    int64_t chats_served = 0;  // chats taken up since start
    uint64_t client_generation = 0;
    int64_t calls = 0;  // Bot API calls made by this loop's clients
  };
  std::vector<LoopSnapshot> LoopStates() const;
  // Bot API calls in flight, worker-wide.
  int64_t calls_in_flight() const;

  // One Bot API call outside any delivery (Admin API webhook RPCs),
  // through a current client; not counted for error recovery. Blocks.
  ApiResult CallAndWait(const std::string& method,
                        const nlohmann::json& params);

  // BotApiCaller, for the Bot API endpoint (update_processor_endpoint.cc):
  // one attempt through a loop's current client, round-robin over the
  // loops. Counted for error recovery: a success resets the count;
  // transient failures and 401/404 (a revoked token) are errors; 400/403
  // and 429 are the calling bot's business, not the worker's health.
  void CallJson(std::string method, nlohmann::json params,
                Done done) override;
  void CallRaw(std::string method, std::string content_type,
               std::string body, Done done) override;
  void FetchFile(std::string file_path,
                 std::function<void(http::HttpResponse)> done) override;

  // Lets the loops finish queued work until `grace` has passed (what is
  // left stays journaled), then stops them. Idempotent.
  void Stop(absl::Duration grace);

 private:
  struct Loop;

  // Runs `start` on a loop with its current client, or answers `done` with
  // "worker stopping" when there is none.
  void OnSomeLoop(std::function<void(Loop&, uint64_t generation)> start,
                  std::function<void()> unavailable);
  void AccountEndpointCall(std::string_view method, const ApiResult& result,
                           uint64_t generation);
  // One endpoint call: `call` starts it on a loop's current client.
  void EndpointCall(
      std::string method,
      std::function<void(AsyncBotApiClient&, AsyncBotApiClient::Callback)>
          call,
      Done done);
  void PostPump(Loop& loop);
  void Pump(Loop& loop);
  void EnsureClient(Loop& loop);
  void ReapRetired(Loop& loop);
  void ArmWake(Loop& loop);
  bool ReserveSlot();
  void ReleaseSlot(Loop& loop);
  // Applies the policy to `step` and performs decisions until the delivery
  // waits for a call, is parked or is done. `generation`: of the client
  // whose result `step` carries.
  void Advance(Loop& loop, Delivery* delivery, StepResult step,
               uint64_t generation);
  StepResult RunHandler(Delivery* delivery);
  // The upstream bot's steps (update_processor_upstream.cc).
  StepResult JournaledDecision(Delivery* delivery);
  void EnsureUpstreamClient(Loop& loop);
  void PostUpstream(Loop& loop, Delivery* delivery);
  void RecordDecision(Loop& loop, Delivery* delivery);
  void RecordUpstreamFailure(const Delivery& delivery,
                             const std::string& reason, int status);
  void StartCall(Loop& loop, Delivery* delivery);
  // Counters, error recovery and failed-delivery records for a decision;
  // `tried`: the action the step was about.
  void Account(const Decision& decision, const Delivery& delivery,
               size_t tried, const StepResult& step, uint64_t generation);
  void RecordFailure(const Delivery& delivery, size_t action,
                     const ApiResult& result);
  // Journals `failed` and counts it.
  void AddFailed(FailedDelivery failed);
  void Park(Loop& loop, Delivery* delivery, absl::Time wake_at);
  void Finish(Loop& loop, Delivery* delivery);

  const ProcessorOptions options_;
  ChatScheduler* const scheduler_;
  Journal* const journal_;
  BotRuntime* const runtime_;
  BotHandler* const handler_;
  WorkerStats* const stats_;
  AsyncBotApiClientFactory* const factory_;
  const Clock clock_;
  std::unique_ptr<RateLimiter> limiter_;
  std::vector<std::unique_ptr<Loop>> loops_;  // fixed after Start
  std::atomic<uint64_t> latest_generation_{0};
  std::atomic<int64_t> active_{0};  // deliveries being worked on
  std::atomic<uint32_t> next_loop_{0};
  std::atomic<bool> stopped_{false};
  bool started_ = false;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_UPDATE_PROCESSOR_H_
