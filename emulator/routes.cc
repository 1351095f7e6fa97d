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

http::Response JsonAnswer(int status, const json& body) {
  http::Response answer;
  answer.status = status;
  answer.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return answer;
}

http::Response ErrorAnswer(int status, std::string_view message) {
  return JsonAnswer(status, {{"error", log::Redact(message)}});
}

http::Response FromControl(ControlResponse r) {
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

void EmulatorRoutes::Handle(http::Request request, http::Respond respond) {
  const std::string* content_type = request.Header("content-type");
  HttpParams params;
  if (content_type != nullptr) params.content_type = *content_type;
  if (absl::StartsWithIgnoreCase(ToAbsl(params.content_type),
                                 "multipart/form-data")) {
    absl::StatusOr<std::vector<MultipartField>> parts =
        ParseMultipart(params.content_type, request.body);
    if (!parts.ok()) {
      respond(JsonAnswer(400, {{"error", "HTTP 400"}}));
      return;
    }
    params.multipart = *std::move(parts);
  }
  std::string token, method;
  if (ParseBotPath(request.path, &token, &method) &&
      (request.method == "GET" || request.method == "POST")) {
    params.query = std::move(request.query);
    params.body = std::move(request.body);
    HandleBotApi(token, method, std::move(params), std::move(respond));
    return;
  }
  bool blocking = false;
  http::Response answer;
  try {
    answer = HandleControl(request, &blocking);
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
  if (!TryQueue([this, body, respond] {
        respond(FromControl(control_->PostUpdate(*body)));
      })) {
    respond(ErrorAnswer(503, "the emulator is stopping"));
  }
}

http::Response EmulatorRoutes::HandleControl(const http::Request& req,
                                             bool* blocking) {
  const std::string& method = req.method;
  const std::string& path = req.path;
  const std::string& query = req.query;
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
                                  const std::string& method, HttpParams in,
                                  http::Respond respond) {
  stats_->Received();
  http::Respond done([this, method, respond](http::Response a) {
    log::Debug("emulator", "bot_api_call",
               {{"method", method}, {"status", a.status}});
    stats_->Answered();
    respond(std::move(a));
  });
  absl::StatusOr<json> params = ParamsToJson(in);
  if (!params.ok()) {
    Response r =
        api_->BadRequest(token, method, std::string(params.status().message()));
    Finish(std::move(r), done);
    return;
  }
  if (absl::EqualsIgnoreCase(ToAbsl(method), "getUpdates") &&
      IntParam(*params, "timeout").value_or(0) > 0) {
    // A long poll waits inside BotApi: on the pool, never here.
    auto shared = std::make_shared<json>(*params);
    if (TryQueue([this, token, method, shared, done] {
          Finish(api_->Call(token, method, *shared), done);
        })) {
      return;
    }
    (*params)["timeout"] = 0;  // stopping: nothing may wait any more
  }
  Finish(api_->Call(token, method, *params), done);
}

void EmulatorRoutes::Finish(Response r, http::Respond done) {
  http::Response answer = JsonAnswer(r.http_status, r.body);
  if (r.delay_ms <= 0) {
    done(std::move(answer));
    return;
  }
  delays_.RunAt(absl::Now() + absl::Milliseconds(r.delay_ms),
                [answer = std::move(answer), done]() mutable {
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
