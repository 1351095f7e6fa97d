#include "gateway/config.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/address.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "gateway/secret.h"
#include "gateway/source_filter.h"
#include "gateway/worker_pool.h"

namespace telegate::gateway {
namespace {

// Printable ASCII without spaces: it travels in an HTTP header, a cookie
// digest and gRPC metadata. Never echoes the token.
absl::Status CheckAdminToken(const std::string& token) {
  if (token.empty()) return absl::OkStatus();
  if (token.size() < 8 || token.size() > 256) {
    return absl::InvalidArgumentError(
        "TELEGATE_ADMIN_TOKEN must be 8-256 characters long");
  }
  for (char ch : token) {
    if (ch <= ' ' || ch > '~') {
      return absl::InvalidArgumentError(
          "TELEGATE_ADMIN_TOKEN may only contain printable ASCII without "
          "spaces");
    }
  }
  return absl::OkStatus();
}

// http://host:port or https://host:port, optionally with a trailing '/'.
absl::Status CheckEmulatorUrl(std::string& url) {
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "TELEGATE_EMULATOR_URL must start with http:// or https://, got '", url,
        "'"));
  }
  if (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
    url.pop_back();
  }
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("TELEGATE_EMULATOR_URL must be scheme://host[:port] with "
                     "no path, got '",
                     url, "'"));
  }
  return absl::OkStatus();
}

// Prefixes a list-parsing error with the setting's name.
absl::StatusOr<std::vector<IpNetwork>> NetworksFrom(const Settings& settings,
                                                    const char* name) {
  absl::StatusOr<std::vector<IpNetwork>> list =
      ParseNetworkList(settings.Get(name));
  if (!list.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", list.status().message()));
  }
  return list;
}

absl::Status LoadPublicListenerSettings(const Settings& settings,
                                        GatewayConfig& c) {
  ASSIGN_OR_RETURN(c.header_timeout_ms,
                   settings.GetInt("TELEGATE_HTTP_HEADER_TIMEOUT_MS", 100,
                                   600000));
  ASSIGN_OR_RETURN(c.body_timeout_ms,
                   settings.GetInt("TELEGATE_HTTP_BODY_TIMEOUT_MS", 100,
                                   600000));
  ASSIGN_OR_RETURN(c.idle_timeout_ms,
                   settings.GetInt("TELEGATE_HTTP_IDLE_TIMEOUT_MS", 100,
                                   3600000));
  ASSIGN_OR_RETURN(int64_t max_connections,
                   settings.GetInt("TELEGATE_HTTP_MAX_CONNECTIONS", 16,
                                   1000000));
  c.http_max_connections = static_cast<int>(max_connections);
  c.tls_cert_file = settings.Get("TELEGATE_TLS_CERT_FILE");
  c.tls_key_file = settings.Get("TELEGATE_TLS_KEY_FILE");
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "TELEGATE_TLS_CERT_FILE and TELEGATE_TLS_KEY_FILE go together: set "
        "both for TLS, or neither");
  }
  ASSIGN_OR_RETURN(c.allowed_sources,
                   NetworksFrom(settings, "TELEGATE_ALLOWED_SOURCES"));
  ASSIGN_OR_RETURN(c.trusted_proxies,
                   NetworksFrom(settings, "TELEGATE_TRUSTED_PROXIES"));
  return absl::OkStatus();
}

}  // namespace

const std::vector<SettingSpec>& GatewaySettingSpecs() {
  static const auto* specs = new std::vector<SettingSpec>{
      {"TELEGATE_WEBHOOK_SECRET", "webhook_secret", "",
       "required: the secret_token given to setWebhook (1-256 of A-Z a-z 0-9 "
       "_ -)",
       true},
      {"TELEGATE_WEBHOOK_PATH", "webhook_path", "/webhook",
       "path of the webhook on the public listener"},
      {"TELEGATE_LISTEN", "listen", "0.0.0.0:8080",
       "public listener (webhook, /healthz)"},
      {"TELEGATE_ADMIN_LISTEN", "admin_listen", "127.0.0.1:8081",
       "admin listener (panel, /health, /api/..., /metrics); must be a "
       "loopback address unless TELEGATE_ADMIN_TOKEN is set"},
      {"TELEGATE_WORKER_ADDRESS", "worker_address", "127.0.0.1:50051",
       "the workers' gRPC addresses, comma-separated; dns:///host:port "
       "stands for every address the name resolves to"},
      {"TELEGATE_MAX_BODY_BYTES", "max_body_bytes", "1048576",
       "largest webhook body accepted (413 beyond)"},
      {"TELEGATE_HTTP_THREADS", "http_threads", "",
       "removed: ignored with a warning (no thread waits for a webhook's "
       "ack any more)"},
      {"TELEGATE_HTTP_HEADER_TIMEOUT_MS", "http_header_timeout_ms", "10000",
       "a request's head (and a TLS handshake) must arrive within this"},
      {"TELEGATE_HTTP_BODY_TIMEOUT_MS", "http_body_timeout_ms", "30000",
       "a request's body must arrive within this"},
      {"TELEGATE_HTTP_IDLE_TIMEOUT_MS", "http_idle_timeout_ms", "60000",
       "an idle keep-alive connection is closed after this"},
      {"TELEGATE_HTTP_MAX_CONNECTIONS", "http_max_connections", "4096",
       "open connections on the public listener; beyond it the longest-idle "
       "one is closed"},
      {"TELEGATE_TLS_CERT_FILE", "tls_cert_file", "",
       "PEM certificate (chain) for TLS on the public listener; with "
       "TELEGATE_TLS_KEY_FILE"},
      {"TELEGATE_TLS_KEY_FILE", "tls_key_file", "",
       "PEM private key for TLS on the public listener", true},
      {"TELEGATE_ALLOWED_SOURCES", "allowed_sources", "",
       "comma-separated networks allowed to post webhooks (403 otherwise); "
       "'telegram' = Telegram's published ranges; empty = any"},
      {"TELEGATE_TRUSTED_PROXIES", "trusted_proxies", "",
       "comma-separated proxy networks whose X-Forwarded-For is believed"},
      {"TELEGATE_ACK_TIMEOUT_MS", "ack_timeout_ms", "10000",
       "how long a webhook waits for the worker's ack before answering 503"},
      {"TELEGATE_RETRY_AFTER_SECONDS", "retry_after_seconds", "1",
       "Retry-After sent with 503 answers"},
      {"TELEGATE_ENVIRONMENT", "environment", "development",
       "environment name shown when the worker is unreachable"},
      {"TELEGATE_LOG_LEVEL", "log_level", "info", "debug, info, warn, error"},
      {"TELEGATE_ADMIN_TOKEN", "admin_token", "",
       "token the admin listener requires (Bearer header or sign-in cookie) "
       "and sent to the worker as gRPC metadata; without it the admin "
       "listener must be a loopback address",
       true},
      {"TELEGATE_EMULATOR_URL", "emulator_url", "",
       "base URL of telegate-emulator (http://host:port); enables the "
       "panel's playground"},
  };
  // Plus mode, bot token and webhook registration (telegram_config.h).
  static const auto* all = [] {
    auto* v = new std::vector<SettingSpec>(*specs);
    for (SettingSpec& s : TelegramSettingSpecs()) v->push_back(std::move(s));
    return v;
  }();
  return *all;
}

absl::StatusOr<GatewayConfig> LoadGatewayConfig(const Settings& settings) {
  GatewayConfig c;
  ASSIGN_OR_RETURN(c.webhook_secret,
                   settings.GetRequired("TELEGATE_WEBHOOK_SECRET"));
  RETURN_IF_ERROR(ValidateSecretToken(c.webhook_secret));
  c.webhook_path = settings.Get("TELEGATE_WEBHOOK_PATH");
  if (c.webhook_path.empty() || c.webhook_path.front() != '/') {
    return absl::InvalidArgumentError(
        "TELEGATE_WEBHOOK_PATH must start with '/'");
  }
  c.listen = settings.Get("TELEGATE_LISTEN");
  RETURN_IF_ERROR(CheckAddress("TELEGATE_LISTEN", c.listen));
  c.admin_listen = settings.Get("TELEGATE_ADMIN_LISTEN");
  RETURN_IF_ERROR(CheckAddress("TELEGATE_ADMIN_LISTEN", c.admin_listen));
  c.worker_address = settings.Get("TELEGATE_WORKER_ADDRESS");
  ASSIGN_OR_RETURN(c.worker_targets, ParseWorkerTargets(c.worker_address));
  ASSIGN_OR_RETURN(c.max_body_bytes, settings.GetInt("TELEGATE_MAX_BODY_BYTES",
                                                     1024, 64 << 20));
  if (!settings.Get("TELEGATE_HTTP_THREADS").empty()) {
    c.warnings.push_back(
        "TELEGATE_HTTP_THREADS (--http_threads) is no longer used and is "
        "ignored: webhooks wait for their acks without holding a thread");
  }
  ASSIGN_OR_RETURN(c.ack_timeout_ms,
                   settings.GetInt("TELEGATE_ACK_TIMEOUT_MS", 100, 55000));
  ASSIGN_OR_RETURN(int64_t retry,
                   settings.GetInt("TELEGATE_RETRY_AFTER_SECONDS", 1, 3600));
  c.retry_after_seconds = static_cast<int>(retry);
  c.environment = settings.Get("TELEGATE_ENVIRONMENT");
  c.log_level = settings.Get("TELEGATE_LOG_LEVEL");
  RETURN_IF_ERROR(settings.GetLogLevel("TELEGATE_LOG_LEVEL").status());
  c.admin_token = settings.Get("TELEGATE_ADMIN_TOKEN");
  RETURN_IF_ERROR(CheckAdminToken(c.admin_token));
  if (c.admin_token.empty() &&
      !IsLoopbackHost(ParseHostPort(c.admin_listen)->host)) {
    return absl::InvalidArgumentError(
        "TELEGATE_ADMIN_LISTEN is not a loopback address: set "
        "TELEGATE_ADMIN_TOKEN to expose the admin listener");
  }
  c.emulator_url = settings.Get("TELEGATE_EMULATOR_URL");
  if (!c.emulator_url.empty()) {
    RETURN_IF_ERROR(CheckEmulatorUrl(c.emulator_url));
  }
  RETURN_IF_ERROR(LoadPublicListenerSettings(settings, c));
  ASSIGN_OR_RETURN(c.telegram, LoadTelegramConfig(settings));
  return c;
}

}  // namespace telegate::gateway
