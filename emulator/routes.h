// EmulatorRoutes: what the emulator answers on each HTTP route, given the
// plain http::Request values the listener hands over (no I/O here): the Bot
// API (/bot<token>/<method>, GET with query parameters or POST with a
// query, form, multipart or JSON body) and the control API (/_emulator/...).
// An answer is handed to the request's http::Respond:
// at once, from the DelayQueue when the call is delayed (base latency,
// jitter, faults' delay_ms), or from the blocking pool for the two requests
// that wait (a getUpdates long poll, and /_emulator/updates, which posts to
// the webhook). So a delayed call holds no thread. POST /_emulator/flush
// answers every delayed call now ({"ok":true,"flushed":N}).
//
// Thread-safety: Handle may be called from any thread, concurrently, and
// never blocks; the Respond is called exactly once per request, from any
// thread (the caller's, the DelayQueue's or a pool thread). Lifetime:
// every pointer must outlive the object; Stop() answers what is delayed and
// waits for the blocking pool, after which Handle answers at once (a long
// poll as if its timeout were 0, a webhook post with 503).
#ifndef TELEGATE_EMULATOR_ROUTES_H_
#define TELEGATE_EMULATOR_ROUTES_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "emulator/bot_api.h"
#include "emulator/control_api.h"
#include "emulator/delay_queue.h"
#include "emulator/params.h"
#include "http/server/request.h"

namespace telegate::emulator {

class EmulatorRoutes {
 public:
  // `blocking_threads`: how many long polls / webhook posts run at once.
  EmulatorRoutes(BotApi* api, ControlApi* control, CallStats* stats,
                 int blocking_threads);
  ~EmulatorRoutes();
  EmulatorRoutes(const EmulatorRoutes&) = delete;
  EmulatorRoutes& operator=(const EmulatorRoutes&) = delete;

  void Handle(http::Request request, http::Respond respond);

  // Answers every delayed call now, wakes long polls, joins the pool.
  // Idempotent.
  void Stop();

 private:
  void HandleBotApi(const std::string& token, const std::string& method,
                    HttpParams params, http::Respond respond);
  // Answers now, or from the DelayQueue when `r` asks for a delay.
  void Finish(Response r, http::Respond done);
  http::Response HandleControl(const http::Request& req, bool* blocking);
  // Queues `work` for the blocking pool; false (not queued) once stopping.
  bool TryQueue(std::function<void()> work);
  void PoolLoop();

  BotApi* const api_;
  ControlApi* const control_;
  CallStats* const stats_;
  DelayQueue delays_;

  absl::Mutex mu_;
  std::vector<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int busy_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> pool_;
};

}  // namespace telegate::emulator

#endif  // TELEGATE_EMULATOR_ROUTES_H_
