#include "worker/endpoint/bot_api_endpoint.h"

#include <atomic>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/absl_strings.h"
#include "common/check.h"
#include "common/constant_time.h"
#include "common/log.h"
#include "http/event_loop.h"
#include "http/server/listener.h"
#include "worker/endpoint/chat_call_queue.h"
#include "worker/endpoint/params.h"
#include "worker/endpoint/retry_step.h"
#include "worker/endpoint/routing.h"

namespace telegate::worker {
namespace {

// Lets late callbacks (a BotApiCaller's `done`, an abandoned answer) reach
// the loop only while it lives: Stop closes the gate first. Thread-safe.
class PostGate {
 public:
  explicit PostGate(http::EventLoop* loop) : loop_(loop) {}
  void Post(http::EventLoop::Task task) {
    absl::ReaderMutexLock lock(&mu_);
    if (open_) loop_->Post(std::move(task));
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    open_ = false;
  }

 private:
  absl::Mutex mu_;
  http::EventLoop* const loop_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
};

struct Call {
  enum class State { kQueued, kInFlight, kWaiting };
  explicit Call(http::Respond respond_in) : respond(std::move(respond_in)) {}
  uint64_t id = 0;
  std::string method;
  CallParams params;
  http::Respond respond;
  absl::Time arrived;
  int attempts = 0;
  State state = State::kQueued;
  http::EventLoop::TimerId timer = 0;
};

}  // namespace

struct BotApiEndpoint::Impl {
  Impl(BotApiEndpointOptions options_in, BotApiCaller* caller_in)
      : options(std::move(options_in)),
        caller(caller_in),
        stats(options.stats != nullptr ? options.stats : &own_stats),
        gate(std::make_shared<PostGate>(&loop)) {}

  // --- io threads ---

  std::optional<http::Response> CheckHead(const http::Request& head) {
    Route route = ParseRoute(head.method, head.path);
    if (route.kind == Route::Kind::kUnknown) {
      stats->not_found.fetch_add(1);
      return TelegramError(404, "Not Found");
    }
    if (!ConstantTimeEquals(route.token, options.token)) {
      stats->unauthorized.fetch_add(1);
      log::Debug(options.log_component, "unauthorized",
                 {{"peer", head.peer_ip}});
      return TelegramError(401, "Unauthorized");
    }
    const std::string* length = head.Header("content-length");
    size_t bytes = 0;
    if (length != nullptr && absl::SimpleAtoi(ToAbsl(*length), &bytes) &&
        bytes > options.max_body_bytes) {
      return TelegramError(413, "Request Entity Too Large");
    }
    return std::nullopt;
  }

  void Handle(http::Request request, http::Respond respond) {
    Route route = ParseRoute(request.method, request.path);
    if (route.kind == Route::Kind::kUnknown) {  // HeadCheck answered these
      return respond(TelegramError(404, "Not Found"));
    }
    if (!ConstantTimeEquals(route.token, options.token)) {
      return respond(TelegramError(401, "Unauthorized"));
    }
    if (route.kind == Route::Kind::kFile) {
      stats->files.fetch_add(1);
      return caller->FetchFile(std::move(route.target),
                               [respond](http::HttpResponse response) {
                                 respond(FileAnswer(response));
                               });
    }
    Interception interception = InterceptMethod(route.target);
    if (interception != Interception::kForward) {
      return Intercept(interception, route.target, respond);
    }
    const std::string* type = request.Header("content-type");
    absl::StatusOr<CallParams> params =
        ParseCallParams(type != nullptr ? *type : "", std::move(request.body),
                        request.query);
    if (!params.ok()) {
      stats->bad_requests.fetch_add(1);
      return respond(TelegramError(
          400, "Bad Request: " + std::string(params.status().message())));
    }
    stats->calls.fetch_add(1);
    stats->in_flight.fetch_add(1);
    Call call(respond);
    call.id = next_id.fetch_add(1);
    call.method = std::move(route.target);
    call.params = *std::move(params);
    call.arrived = absl::Now();
    uint64_t id = call.id;
    gate->Post(
        [this, call = std::move(call)]() mutable { Submit(std::move(call)); });
    // After Submit is posted, so that an early hang-up finds the call.
    respond.OnAbandoned(
        [this, id, gate = gate] { gate->Post([this, id] { Abandon(id); }); });
  }

  void Intercept(Interception interception, const std::string& method,
                 const http::Respond& respond) {
    stats->intercepted.fetch_add(1);
    if (interception == Interception::kWebhookNoop) {
      log::Info(options.log_component, "webhook_call_ignored",
                {{"method", method}});
    }
    WebhookView info;
    if (interception == Interception::kWebhookInfo && options.webhook_info) {
      info = options.webhook_info();
    }
    respond(InterceptedAnswer(interception, method, info));
  }

  // --- loop thread ---

  void Submit(Call call) {
    uint64_t id = call.id;
    const std::string& chat = call.params.chat_key;
    bool now = chat.empty() || queue.Arrive(chat, id);
    calls.emplace(id, std::move(call));
    if (now) return Dispatch(id);
    stats->queued.fetch_add(1);
  }

  void Dispatch(uint64_t id) {
    auto it = calls.find(id);
    TELEGATE_CHECK(it != calls.end());
    Call& call = it->second;
    if (call.respond.Abandoned()) return Drop(id);
    call.state = Call::State::kInFlight;
    if (++call.attempts > 1) stats->retries.fetch_add(1);
    BotApiCaller::Done done = [this, id, gate = gate](ApiResult result) {
      gate->Post([this, id, result = std::move(result)]() mutable {
        OnResult(id, std::move(result));
      });
    };
    if (call.params.raw) {
      caller->CallRaw(call.method, call.params.content_type, call.params.body,
                      std::move(done));
    } else {
      caller->CallJson(call.method, call.params.json, std::move(done));
    }
  }

  void OnResult(uint64_t id, ApiResult result) {
    auto it = calls.find(id);
    TELEGATE_CHECK(it != calls.end());
    Call& call = it->second;
    RetryStep step =
        NextStep(result, call.attempts, absl::Now() - call.arrived,
                 options.max_wait, options.retry, DrawJitter(options.retry));
    if (step.kind == RetryStep::Kind::kAnswer) {
      Count(result);
      call.respond(AnswerFromResult(result));
      return Finish(id);
    }
    if (call.respond.Abandoned()) return Drop(id);
    if (step.flood_wait) stats->flood_waits.fetch_add(1);
    log::Debug(options.log_component, "call_retry",
               {{"method", call.method},
                {"attempts", call.attempts},
                {"error_code", result.error_code},
                {"delay_ms", absl::ToInt64Milliseconds(step.delay)}});
    call.state = Call::State::kWaiting;
    call.timer =
        loop.RunAt(absl::Now() + step.delay, [this, id] { Dispatch(id); });
  }

  void Count(const ApiResult& result) {
    if (result.http_status == 0) {
      stats->answered_network.fetch_add(1);
    } else if (result.ok) {
      stats->answered_ok.fetch_add(1);
    } else {
      stats->answered_error.fetch_add(1);
    }
  }

  // The caller left: a call not yet sent is dropped; one in flight is
  // answered into the void when its result comes.
  void Abandon(uint64_t id) {
    auto it = calls.find(id);
    if (it == calls.end()) return;
    Call& call = it->second;
    switch (call.state) {
      case Call::State::kInFlight:
        return;
      case Call::State::kQueued:
        TELEGATE_CHECK(queue.Remove(call.params.chat_key, id));
        stats->queued.fetch_sub(1);
        stats->in_flight.fetch_sub(1);
        calls.erase(it);
        stats->dropped_caller_left.fetch_add(1);  // after the gauges
        return;
      case Call::State::kWaiting:
        loop.Cancel(call.timer);
        return Drop(id);
    }
  }

  // A call that runs (or waits to retry) and whose caller left.
  void Drop(uint64_t id) {
    Finish(id);
    stats->dropped_caller_left.fetch_add(1);  // after the gauges
  }

  // The running call `id` is done: the next call of its chat may run.
  void Finish(uint64_t id) {
    auto it = calls.find(id);
    TELEGATE_CHECK(it != calls.end());
    std::string chat = std::move(it->second.params.chat_key);
    calls.erase(it);
    stats->in_flight.fetch_sub(1);
    if (chat.empty()) return;
    std::optional<uint64_t> next = queue.Finish(chat);
    if (!next) return;
    stats->queued.fetch_sub(1);
    Dispatch(*next);
  }

  const BotApiEndpointOptions options;
  BotApiCaller* const caller;
  BotApiEndpointStats own_stats;
  BotApiEndpointStats* const stats;
  http::EventLoop loop;
  std::shared_ptr<PostGate> gate;
  std::unique_ptr<http::Listener> listener;
  std::atomic<uint64_t> next_id{1};
  bool started = false;
  bool stopped = false;
  // Loop thread only (or after the loop stopped).
  absl::flat_hash_map<uint64_t, Call> calls;
  ChatCallQueue queue;
};

BotApiEndpoint::BotApiEndpoint(BotApiEndpointOptions options,
                               BotApiCaller* caller)
    : impl_(std::make_unique<Impl>(std::move(options), caller)) {
  TELEGATE_CHECK(caller != nullptr);
}

BotApiEndpoint::~BotApiEndpoint() { Stop(); }

absl::StatusOr<int> BotApiEndpoint::Start() {
  Impl& impl = *impl_;
  if (impl.started) return absl::FailedPreconditionError("already started");
  if (impl.options.token.empty()) {
    return absl::InvalidArgumentError("Bot API endpoint: token is empty");
  }
  if (impl.options.max_wait < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("Bot API endpoint: max_wait < 0");
  }
  log::RegisterSecret(impl.options.token);
  http::ListenerOptions listen;
  listen.host = impl.options.host;
  listen.port = impl.options.port;
  listen.io_threads = impl.options.io_threads;
  listen.max_body_bytes = impl.options.max_body_bytes;
  listen.log_component = impl.options.log_component;
  impl.listener = std::make_unique<http::Listener>(
      std::move(listen),
      [&impl](const http::Request& head) { return impl.CheckHead(head); },
      [&impl](http::Request request, http::Respond respond) {
        impl.Handle(std::move(request), std::move(respond));
      });
  absl::Status loop_started = impl.loop.Start("bot-api-ep");
  if (!loop_started.ok()) return loop_started;
  impl.started = true;
  absl::StatusOr<int> port = impl.listener->Start();
  if (!port.ok()) {
    Stop();
    return port.status();
  }
  log::Info(impl.options.log_component, "listening",
            {{"host", impl.options.host}, {"port", *port}});
  return port;
}

void BotApiEndpoint::Stop() {
  Impl& impl = *impl_;
  if (!impl.started || impl.stopped) return;
  impl.stopped = true;
  impl.listener->Stop(impl.options.stop_grace);
  impl.gate->Close();
  impl.loop.Stop();
  // Their answers go nowhere: the listener stopped.
  impl.stats->in_flight.fetch_sub(static_cast<int64_t>(impl.calls.size()));
  impl.stats->queued.fetch_sub(static_cast<int64_t>(impl.queue.waiting()));
  impl.calls.clear();
  impl.queue = ChatCallQueue();
}

const BotApiEndpointStats& BotApiEndpoint::stats() const {
  return *impl_->stats;
}

}  // namespace telegate::worker
