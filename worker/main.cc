// telegate-worker: loads settings, wires the echo bot into WorkerServer,
// runs until SIGTERM/SIGINT.
#include <cstdio>
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "common/address.h"
#include "common/log.h"
#include "common/shutdown.h"
#include "worker/config.h"
#include "worker/echo_bot.h"
#include "worker/http_bot_api_client.h"
#include "worker/worker_server.h"

extern char** environ;

int main(int argc, char** argv) {
  using namespace telegate;  // NOLINT(google-build-using-namespace)
  absl::StatusOr<Settings> settings =
      Settings::Load(worker::WorkerSettingSpecs(), argc, argv, environ);
  if (!settings.ok()) {
    bool help = absl::IsCancelled(settings.status());
    std::cerr << (help ? "" : "telegate-worker: ")
              << settings.status().message() << "\n";
    return help ? 0 : 2;
  }
  absl::StatusOr<worker::WorkerConfig> config =
      worker::LoadWorkerConfig(*settings);
  if (!config.ok()) {
    std::cerr << "telegate-worker: " << log::Redact(std::string(config.status().message()))
              << "\n";
    return 2;
  }
  log::RegisterSecret(config->bot_token);
  log::RegisterSecret(config->admin_token);
  log::Level level = log::Level::kInfo;
  log::ParseLevel(config->log_level, &level);
  log::SetLevel(level);
  // Debian's Abseil checks lock order on every Mutex operation; off in
  // production binaries (tests keep it).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  BlockShutdownSignals();

  worker::HttpBotApiOptions api;
  api.base_url = config->api_base_url;
  api.token = config->bot_token;
  worker::WorkerServer server(
      *config, std::make_unique<worker::HttpBotApiClientFactory>(api),
      std::make_unique<worker::EchoBot>());
  absl::StatusOr<int> port = server.Start();
  if (!port.ok()) {
    std::cerr << "telegate-worker: " << port.status().message() << "\n";
    return 1;
  }
  std::string host = ParseHostPort(config->grpc_listen)->host;
  if (server.admin_port() > 0) {
    log::Info("worker", "listening",
              {{"name", "admin"},
               {"address",
                FormatHostPort(ParseHostPort(config->admin_listen)->host,
                               server.admin_port())}});
  }
  log::Info("worker", "listening",
            {{"name", "grpc"}, {"address", FormatHostPort(host, *port)},
             {"threads", config->threads},
             {"environment", config->environment}});
  int sig = WaitForShutdownSignal();
  log::Info("worker", "shutdown_requested", {{"signal", sig}});
  server.Shutdown();
  return 0;
}
