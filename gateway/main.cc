// telegate-gateway: loads settings, connects to the worker, serves the
// webhook and admin listeners until SIGTERM/SIGINT.
#include <grpcpp/grpcpp.h>

#include <iostream>

#include "common/address.h"
#include "common/log.h"
#include "common/process_setup.h"
#include "common/shutdown.h"
#include "gateway/admin_backend.h"
#include "gateway/config.h"
#include "gateway/gateway_server.h"
#include "gateway/telegram_intake.h"
#include "gateway/worker_pool.h"

int main(int argc, char** argv) {
  using namespace telegate;  // NOLINT(google-build-using-namespace)
  gateway::GatewayConfig config;
  if (int exit_code =
          LoadConfigForMain("telegate-gateway", gateway::GatewaySettingSpecs(),
                            gateway::LoadGatewayConfig, argc, argv, &config);
      exit_code >= 0) {
    return exit_code;
  }
  SetUpProcess(config.log_level, {config.webhook_secret, config.admin_token,
                                  config.telegram.bot_token});
  for (const std::string& warning : config.warnings) {
    log::Warn("gateway", "setting_ignored", {{"note", warning}});
  }

  gateway::GatewayStats stats;
  gateway::WorkerPoolOptions pool_options;
  pool_options.targets = config.worker_targets;
  pool_options.link.ack_timeout = absl::Milliseconds(config.ack_timeout_ms);
  pool_options.link.auth_token = config.admin_token;
  pool_options.link.stats = &stats;
  pool_options.make_channel = gateway::MakeWorkerChannel;
  gateway::WorkerPool pool(pool_options);
  if (absl::Status started = pool.Start(); !started.ok()) {
    std::cerr << "telegate-gateway: " << started.message() << "\n";
    return 1;
  }
  // The panel and /health talk to the first listed worker (a dns:/// entry
  // is resolved by gRPC itself and reaches one of its addresses).
  // /health is healthy only while an update stream is open.
  gateway::GrpcAdminBackend admin(
      gateway::MakeWorkerChannel(config.worker_targets.front()),
      absl::Seconds(15), config.admin_token,
      [&pool] { return pool.AnyStreamOpen(); });

  gateway::GatewayServer server(config, &pool, &admin, &stats);
  absl::StatusOr<gateway::BoundPorts> ports = server.Start();
  if (!ports.ok()) {
    std::cerr << "telegate-gateway: " << ports.status().message() << "\n";
    return 1;
  }
  log::Info("gateway", "listening",
            {{"name", "public"},
             {"address", FormatHostPort(ParseHostPort(config.listen)->host,
                                        ports->public_port)},
             {"webhook_path", config.webhook_path}});
  log::Info(
      "gateway", "listening",
      {{"name", "admin"},
       {"address", FormatHostPort(ParseHostPort(config.admin_listen)->host,
                                  ports->admin_port)},
       {"auth", config.admin_token.empty() ? "none" : "token"},
       {"playground", !config.emulator_url.empty()}});
  // Polling mode: deleteWebhook, then the Poller (the public listener stays
  // up, harmless). Webhook mode with TELEGATE_PUBLIC_URL: setWebhook.
  absl::StatusOr<std::unique_ptr<gateway::Poller>> poller =
      gateway::StartTelegramIntake(config, &pool);
  if (!poller.ok()) {
    std::cerr << "telegate-gateway: "
              << log::Redact(std::string(poller.status().message())) << "\n";
    server.Shutdown();
    pool.Stop();
    return 1;
  }
  if (*poller != nullptr) {
    gateway::RegisterPollerMetrics(&(*poller)->stats(), server.metrics());
  }
  int sig = WaitForShutdownSignal();
  log::Info("gateway", "shutdown_requested", {{"signal", sig}});
  if (*poller != nullptr) (*poller)->Stop();
  server.Shutdown();
  pool.Stop();
  log::Info("gateway", "stopped");
  return 0;
}
