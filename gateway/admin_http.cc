#include "gateway/admin_http.h"

#include <httplib.h>

#include <string>

#include "absl/strings/numbers.h"
#include "common/http_listen.h"
#include "common/log.h"
#include "gateway/ui_assets.h"
#include "http/server/request.h"

namespace telegate::gateway {
namespace {

using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

constexpr char kJson[] = "application/json";

void Reply(Response& res, const JsonAnswer& answer) {
  res.status = answer.status;
  res.set_content(answer.body, kJson);
}

void ReplyError(Response& res, int status, std::string_view reason) {
  res.status = status;
  res.set_content(http::JsonErrorResponse(status, reason).body, kJson);
}

void SeeOther(Response& res, const std::string& location) {
  res.status = 303;
  res.set_header("Location", location);
}

// The header's value, or nullptr when absent.
const std::string* Header(const Request& req, const char* name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? nullptr : &it->second;
}

HandlerResponse CheckAccess(const AdminAuth& auth, const Request& req,
                            Response& res) {
  if (req.method != "GET" && req.method != "HEAD" &&
      !IsSameSiteRequest(Header(req, "Origin"), Header(req, "Sec-Fetch-Site"),
                         req.get_header_value("Host"))) {
    ReplyError(res, 403, "cross-site request refused");
    return HandlerResponse::Handled;
  }
  if (!auth.IsPublic(req.method, req.path) &&
      !auth.Allows(req.get_header_value("Authorization"),
                   req.get_header_value("Cookie"))) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"telegate admin\"");
    ReplyError(res, 401, "admin token required");
    return HandlerResponse::Handled;
  }
  return HandlerResponse::Unhandled;
}

void StreamEvents(const StatusEvents* events, Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");  // no proxy buffering
  res.set_chunked_content_provider(
      "text/event-stream", [events](size_t, httplib::DataSink& sink) {
        events->Run([&sink](const std::string& event) {
          return sink.write(event.data(), event.size()) && sink.is_writable();
        });
        sink.done();
        return true;
      });
}

void AddAuthRoutes(httplib::Server& server, const AdminAuth* auth) {
  server.Post("/login", [auth](const Request& req, Response& res) {
    if (!auth->enabled()) return SeeOther(res, "/");
    if (!auth->TokenMatches(req.get_param_value("token"))) {
      log::Warn("gateway", "admin_login_failed", {{"remote", req.remote_addr}});
      return SeeOther(res, "/?login=failed");
    }
    res.set_header("Set-Cookie", auth->SessionCookie());
    SeeOther(res, "/");
  });
  server.Post("/logout", [](const Request&, Response& res) {
    res.set_header("Set-Cookie", AdminAuth::ClearedCookie());
    SeeOther(res, "/");
  });
}

}  // namespace

void AddAdminHttpRoutes(httplib::Server& server, const AdminHttpDeps& deps) {
  const AdminAuth* auth = deps.auth;
  server.set_pre_routing_handler([auth](const Request& req, Response& res) {
    DeclareUnframedBodyEmpty(req);
    return CheckAccess(*auth, req, res);
  });
  AdminRoutes* routes = deps.routes;
  server.Get("/health", [routes](const Request&, Response& res) {
    Reply(res, routes->Health());
  });
  server.Post("/restart_bot", [routes](const Request&, Response& res) {
    Reply(res, routes->RestartBot());
  });
  server.Post("/reset_errors", [routes](const Request&, Response& res) {
    Reply(res, routes->ResetErrors());
  });
  server.Get("/api/stats", [routes](const Request&, Response& res) {
    Reply(res, routes->Stats());
  });
  server.Get("/api/failed", [routes](const Request& req, Response& res) {
    int limit = 0;
    std::string text = req.get_param_value("limit");
    if (!text.empty() && (!absl::SimpleAtoi(text, &limit) || limit < 0)) {
      return ReplyError(res, 400, "limit must be a non-negative integer");
    }
    Reply(res, routes->FailedDeliveries(limit));
  });
  server.Post("/api/failed/retry", [routes](const Request& req, Response& res) {
    Reply(res, routes->RetryFailedDelivery(req.body));
  });
  server.Get("/api/webhook", [routes](const Request&, Response& res) {
    Reply(res, routes->WebhookInfo());
  });
  const StatusEvents* events = deps.events;
  server.Get("/api/events", [events](const Request&, Response& res) {
    StreamEvents(events, res);
  });
  const Playground* playground = deps.playground;
  server.Get("/api/playground", [playground](const Request&, Response& res) {
    Reply(res, {200, playground != nullptr ? R"({"enabled":true})"
                                           : R"({"enabled":false})"});
  });
  server.Post(
      "/api/playground", [playground](const Request& req, Response& res) {
        if (playground == nullptr) {
          return ReplyError(res, 404,
                            "the playground is off: set TELEGATE_EMULATOR_URL");
        }
        Reply(res, playground->Send(req.body));
      });
  const MetricsRegistry* metrics = deps.metrics;
  server.Get("/metrics", [metrics](const Request&, Response& res) {
    res.set_content(metrics->Render(), kMetricsContentType);
  });
  AddAuthRoutes(server, auth);
  for (const char* path : {"/restart_bot", "/reset_errors", "/api/failed/retry",
                           "/login", "/logout"}) {
    server.Get(path, [](const Request&, Response& res) {
      res.set_header("Allow", "POST");
      ReplyError(res, 405, "method not allowed");
    });
  }
  server.Get(R"(/[A-Za-z0-9_.\-]*)", [](const Request& req, Response& res) {
    const UiAsset* asset = FindUiAsset(req.path);
    if (asset == nullptr) {
      res.status = 404;
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(asset->data), std::string(asset->content_type));
  });
}

}  // namespace telegate::gateway
