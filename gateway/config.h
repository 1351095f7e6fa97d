// GatewayConfig: the gateway's typed settings, built from Settings in main.cc.
#ifndef TELEGATE_GATEWAY_CONFIG_H_
#define TELEGATE_GATEWAY_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ip_network.h"
#include "common/settings.h"
#include "gateway/telegram_config.h"

namespace telegate::gateway {

struct GatewayConfig {
  std::string webhook_secret;
  std::string webhook_path = "/webhook";
  std::string listen;
  std::string admin_listen;
  std::string worker_address;  // as given: a comma-separated list
  std::vector<std::string> worker_targets;  // its entries (worker_pool.h)
  int64_t max_body_bytes = 1 << 20;
  int64_t ack_timeout_ms = 10000;
  int retry_after_seconds = 1;
  std::string environment;
  std::string log_level;
  // Empty: no authentication on the admin listener (loopback only) and no
  // authorization metadata on gRPC calls to the worker.
  std::string admin_token;
  // Empty: the playground is off. Else the emulator's base URL.
  std::string emulator_url;
  // Intake mode, bot token, webhook registration (telegram_config.h).
  TelegramConfig telegram;

  // What main.cc logs once at start (settings given that mean nothing any
  // more); one line each.
  std::vector<std::string> warnings;

  // The public listener facing the internet (http/server/listener.h).
  int64_t header_timeout_ms = 10000;
  int64_t body_timeout_ms = 30000;
  int64_t idle_timeout_ms = 60000;
  int http_max_connections = 4096;
  std::string tls_cert_file;  // both set: TLS only on the public listener
  std::string tls_key_file;
  std::vector<IpNetwork> allowed_sources;  // empty: any source
  std::vector<IpNetwork> trusted_proxies;  // may set X-Forwarded-For
};

const std::vector<SettingSpec>& GatewaySettingSpecs();

// Validates everything; the error is one line naming the bad setting.
absl::StatusOr<GatewayConfig> LoadGatewayConfig(const Settings& settings);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_CONFIG_H_
