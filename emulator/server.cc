#include "emulator/server.h"

#include <httplib.h>

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/http_listen.h"
#include "common/log.h"
#include "emulator/params.h"
#include "emulator/telegram_objects.h"

namespace telegate::emulator {
namespace {

using nlohmann::json;

constexpr char kBotPath[] = R"(/bot([^/]+)/([A-Za-z]+))";

void WriteJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json");
}

HttpParams ToHttpParams(const httplib::Request& req) {
  HttpParams in;
  if (size_t q = req.target.find('?'); q != std::string::npos) {
    in.query = req.target.substr(q + 1);
  }
  in.content_type = req.get_header_value("Content-Type");
  in.body = req.body;
  for (const auto& [name, part] : req.files) {
    in.multipart.push_back(
        {part.name, part.content, part.filename, part.content_type});
  }
  return in;
}

time_t Seconds(absl::Duration d) {
  return static_cast<time_t>(absl::ToInt64Seconds(d));
}

}  // namespace

EmulatorServer::EmulatorServer(BotApi* api, ServerOptions options)
    : api_(api),
      options_(std::move(options)),
      sender_(api, options_.webhook),
      control_(api, &sender_),
      server_(std::make_unique<httplib::Server>()) {
  const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server_->set_payload_max_length(options_.payload_max_bytes);
  server_->set_read_timeout(Seconds(options_.read_timeout));
  server_->set_write_timeout(Seconds(options_.write_timeout));
  server_->set_keep_alive_timeout(Seconds(options_.keep_alive_timeout));
  server_->set_keep_alive_max_count(1000);
  server_->set_tcp_nodelay(true);
  RegisterRoutes();
}

EmulatorServer::~EmulatorServer() { Stop(); }

void EmulatorServer::RegisterRoutes() {
  auto bot = [this](const httplib::Request& req, httplib::Response& res) {
    HandleBotApi(req, res);
  };
  server_->Get(kBotPath, bot);
  server_->Post(kBotPath, bot);

  using Fn = ControlResponse (*)(EmulatorServer*, const httplib::Request&);
  auto route = [this](Fn fn) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      ControlResponse r = fn(this, req);
      WriteJson(res, r.status, r.body);
    };
  };
  server_->Get("/_emulator/calls", route([](EmulatorServer* s, auto& req) {
                 return s->control_.GetCalls(req.get_param_value("method"),
                                             req.get_param_value("since"));
               }));
  server_->Post("/_emulator/faults", route([](EmulatorServer* s, auto& req) {
                  return s->control_.AddFaults(req.body);
                }));
  server_->Get("/_emulator/faults", route([](EmulatorServer* s, auto&) {
                 return s->control_.ListFaults();
               }));
  server_->Delete("/_emulator/faults", route([](EmulatorServer* s, auto&) {
                    return s->control_.ClearFaults();
                  }));
  server_->Post("/_emulator/reset", route([](EmulatorServer* s, auto&) {
                  return s->control_.Reset();
                }));
  server_->Get("/_emulator/webhook", route([](EmulatorServer* s, auto&) {
                 return s->control_.GetWebhook();
               }));
  server_->Post("/_emulator/updates", route([](EmulatorServer* s, auto& req) {
                  return s->control_.PostUpdate(req.body);
                }));

  server_->set_error_handler([](const httplib::Request& req,
                                httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler already answered
    if (absl::StartsWith(req.path, "/bot") && res.status == 404) {
      WriteJson(res, 404, ErrorBody(404, "Not Found"));
      return;
    }
    WriteJson(res, res.status, {{"error", absl::StrCat("HTTP ", res.status)}});
  });
  server_->set_exception_handler([](const httplib::Request&,
                                    httplib::Response& res,
                                    std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log::Error("emulator", "handler_exception", {{"error", what}});
    WriteJson(res, 500, {{"error", log::Redact(what)}});
  });
}

void EmulatorServer::HandleBotApi(const httplib::Request& req,
                                  httplib::Response& res) {
  const std::string token = req.matches[1];
  const std::string method = req.matches[2];
  absl::StatusOr<json> params = ParamsToJson(ToHttpParams(req));
  Response r = params.ok()
                   ? api_->Call(token, method, *params)
                   : api_->BadRequest(token, method,
                                      std::string(params.status().message()));
  if (r.delay_ms > 0) {
    // Sleeps on this request's own pool thread; Stop() cuts it short.
    stopping_.WaitForNotificationWithTimeout(absl::Milliseconds(r.delay_ms));
  }
  log::Debug("emulator", "bot_api_call",
             {{"method", method}, {"status", r.http_status}});
  WriteJson(res, r.http_status, r.body);
}

absl::StatusOr<int> EmulatorServer::Start(const std::string& host, int port) {
  absl::MutexLock lock(&lifecycle_mu_);
  if (started_) return absl::FailedPreconditionError("already started");
  started_ = true;
  absl::StatusOr<int> bound = BindHttpServer(*server_, host, port);
  if (!bound.ok()) {
    listen_done_.Notify();
    return bound.status();
  }
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_done_.Notify();
  });
  return *bound;
}

void EmulatorServer::Stop() {
  absl::MutexLock lock(&lifecycle_mu_);
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
  if (!thread_.joinable()) return;
  // stop() is a no-op until the listen loop is running, so repeat it until
  // the loop has returned.
  do {
    server_->stop();
    api_->WakeLongPolls();  // getUpdates long polls hold pool threads
  } while (
      !listen_done_.WaitForNotificationWithTimeout(absl::Milliseconds(20)));
  thread_.join();
}

}  // namespace telegate::emulator
