#include "emulator/routes.h"

#include <exception>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/absl_strings.h"
#include "emulator/params.h"
#include "emulator/telegram_objects.h"
#include "http/server/query.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr absl::Duration kWakeInterval = absl::Milliseconds(20);

HttpAnswer JsonAnswer(int status, const json& body) {
  return {status, body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

HttpAnswer ErrorAnswer(int status, std::string_view message) {
  return JsonAnswer(status, {{"error", log::Redact(message)}});
}

HttpAnswer FromControl(ControlResponse r) {
  return JsonAnswer(r.status, r.body);
}

// "/bot<token>/<method>" with a non-empty token and a method of letters.
bool ParseBotPath(std::string_view full, std::string* token,
                  std::string* method) {
  if (!absl::StartsWith(ToAbsl(full), "/bot")) return false;
  std::string_view path = full.substr(4);
  size_t slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos) return false;
  std::string_view name = path.substr(slash + 1);
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  *token = std::string(path.substr(0, slash));
  *method = std::string(name);
  return true;
}

std::string ExceptionText(const std::exception_ptr& ep) {
  try {
    if (ep) std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "unknown exception";
}

}  // namespace

EmulatorRoutes::EmulatorRoutes(BotApi* api, ControlApi* control,
                               CallStats* stats, int blocking_threads)
    : api_(api), control_(control), stats_(stats) {
  for (int i = 0; i < std::max(1, blocking_threads); ++i) {
    pool_.emplace_back([this] { PoolLoop(); });
  }
}

EmulatorRoutes::~EmulatorRoutes() { Stop(); }

void EmulatorRoutes::Handle(HttpRequest request, Respond respond) {
  std::string path = request.target, query;
  if (size_t q = path.find('?'); q != std::string::npos) {
    query = path.substr(q + 1);
    path.resize(q);
  }
  std::string token, method;
  if (ParseBotPath(path, &token, &method) &&
      (request.method == "GET" || request.method == "POST")) {
    HandleBotApi(token, method, query, request, std::move(respond));
    return;
  }
  bool blocking = false;
  HttpAnswer answer;
  try {
    answer = HandleControl(request.method, path, query, request, &blocking);
  } catch (...) {
    std::string what = ExceptionText(std::current_exception());
    log::Error("emulator", "handler_exception", {{"error", what}});
    answer = ErrorAnswer(500, what);
  }
  if (!blocking) {
    respond(std::move(answer));
    return;
  }
  // POST /_emulator/updates waits for the webhook's answer.
  auto body = std::make_shared<std::string>(std::move(request.body));
  auto shared_respond = std::make_shared<Respond>(std::move(respond));
  if (!TryQueue([this, body, shared_respond] {
        (*shared_respond)(FromControl(control_->PostUpdate(*body)));
      })) {
    (*shared_respond)(ErrorAnswer(503, "the emulator is stopping"));
  }
}

HttpAnswer EmulatorRoutes::HandleControl(const std::string& method,
                                         const std::string& path,
                                         const std::string& query,
                                         const HttpRequest& req,
                                         bool* blocking) {
  const bool get = method == "GET", post = method == "POST";
  if (path == "/_emulator/calls" && get) {
    return FromControl(
        control_->GetCalls(http::UrlEncodedValue(query, "method"),
                           http::UrlEncodedValue(query, "since")));
  }
  if (path == "/_emulator/faults") {
    if (post) return FromControl(control_->AddFaults(req.body));
    if (get) return FromControl(control_->ListFaults());
    if (method == "DELETE") return FromControl(control_->ClearFaults());
  }
  if (path == "/_emulator/reset" && post) {
    return FromControl(control_->Reset());
  }
  if (path == "/_emulator/webhook" && get) {
    return FromControl(control_->GetWebhook());
  }
  if (path == "/_emulator/latency") {
    if (post) return FromControl(control_->SetLatency(req.body));
    if (get) return FromControl(control_->GetLatency());
  }
  if (path == "/_emulator/flush" && post) {
    const size_t delayed = delays_.pending();
    delays_.Flush();
    return JsonAnswer(200, {{"ok", true}, {"flushed", delayed}});
  }
  if (path == "/_emulator/stats" && get) {
    return FromControl(control_->GetStats());
  }
  if (path == "/_emulator/updates" && post) {
    *blocking = true;
    return {};
  }
  if (absl::StartsWith(path, "/bot")) {
    return JsonAnswer(404, ErrorBody(404, "Not Found"));
  }
  return JsonAnswer(404, {{"error", "HTTP 404"}});
}

void EmulatorRoutes::HandleBotApi(const std::string& token,
                                  const std::string& method,
                                  const std::string& query,
                                  const HttpRequest& request,
                                  Respond respond) {
  stats_->Received();
  Respond done = [this, method, respond = std::move(respond)](HttpAnswer a) {
    log::Debug("emulator", "bot_api_call",
               {{"method", method}, {"status", a.status}});
    stats_->Answered();
    respond(std::move(a));
  };
  HttpParams in;
  in.query = query;
  in.content_type = request.content_type;
  in.body = request.body;
  in.multipart = request.multipart;
  absl::StatusOr<json> params = ParamsToJson(in);
  if (!params.ok()) {
    Response r =
        api_->BadRequest(token, method, std::string(params.status().message()));
    Finish(std::move(r), std::move(done));
    return;
  }
  if (absl::EqualsIgnoreCase(ToAbsl(method), "getUpdates") &&
      IntParam(*params, "timeout").value_or(0) > 0) {
    // A long poll waits inside BotApi: on the pool, never here.
    auto shared = std::make_shared<json>(*params);
    auto shared_done = std::make_shared<Respond>(done);
    if (TryQueue([this, token, method, shared, shared_done] {
          Finish(api_->Call(token, method, *shared), std::move(*shared_done));
        })) {
      return;
    }
    (*params)["timeout"] = 0;  // stopping: nothing may wait any more
  }
  Finish(api_->Call(token, method, *params), std::move(done));
}

void EmulatorRoutes::Finish(Response r, Respond done) {
  HttpAnswer answer = JsonAnswer(r.http_status, r.body);
  if (r.delay_ms <= 0) {
    done(std::move(answer));
    return;
  }
  delays_.RunAt(absl::Now() + absl::Milliseconds(r.delay_ms),
                [answer = std::move(answer), done = std::move(done)]() mutable {
                  done(std::move(answer));
                });
}

bool EmulatorRoutes::TryQueue(std::function<void()> work) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  queue_.push_back(std::move(work));
  return true;
}

void EmulatorRoutes::PoolLoop() {
  absl::MutexLock lock(&mu_);
  while (true) {
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || !queue_.empty();
    };
    mu_.Await(absl::Condition(&ready));
    if (queue_.empty()) return;  // stopping and drained
    std::function<void()> work = std::move(queue_.front());
    queue_.erase(queue_.begin());
    ++busy_;
    mu_.Unlock();
    work();
    mu_.Lock();
    --busy_;
  }
}

void EmulatorRoutes::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  delays_.Stop();  // answers what waits; later delays answer at once
  // Long polls hold pool threads until woken; wake them until all returned.
  while (true) {
    api_->WakeLongPolls();
    absl::MutexLock lock(&mu_);
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return busy_ == 0 && queue_.empty();
    };
    if (mu_.AwaitWithTimeout(absl::Condition(&idle), kWakeInterval)) break;
  }
  for (std::thread& t : pool_) t.join();
  pool_.clear();
}

}  // namespace telegate::emulator
