// telegate-worker: loads settings, wires the echo bot into WorkerServer,
// runs until SIGTERM/SIGINT.
#include <cstdio>
#include <iostream>

#include "common/address.h"
#include "common/log.h"
#include "common/process_setup.h"
#include "common/shutdown.h"
#include "worker/config.h"
#include "worker/echo_bot.h"
#include "common/http_async_bot_api.h"
#include "worker/worker_server.h"

int main(int argc, char** argv) {
  using namespace telegate;  // NOLINT(google-build-using-namespace)
  worker::WorkerConfig config;
  if (int exit_code =
          LoadConfigForMain("telegate-worker", worker::WorkerSettingSpecs(),
                            worker::LoadWorkerConfig, argc, argv, &config);
      exit_code >= 0) {
    return exit_code;
  }
  SetUpProcess(config.log_level, {config.bot_token, config.admin_token});

  HttpAsyncBotApiOptions api;
  api.base_url = config.api_base_url;
  api.token = config.bot_token;
  api.connections = config.bot_api_connections;
  worker::WorkerServer server(
      config, std::make_unique<HttpAsyncBotApiClientFactory>(api),
      std::make_unique<worker::EchoBot>());
  absl::StatusOr<int> port = server.Start();
  if (!port.ok()) {
    std::cerr << "telegate-worker: " << port.status().message() << "\n";
    return 1;
  }
  std::string host = ParseHostPort(config.grpc_listen)->host;
  if (server.admin_port() > 0) {
    log::Info(
        "worker", "listening",
        {{"name", "admin"},
         {"address", FormatHostPort(ParseHostPort(config.admin_listen)->host,
                                    server.admin_port())}});
  }
  log::Info("worker", "listening",
            {{"name", "grpc"},
             {"address", FormatHostPort(host, *port)},
             {"loops", config.threads},
             {"max_in_flight", config.max_in_flight},
             {"environment", config.environment}});
  int sig = WaitForShutdownSignal();
  log::Info("worker", "shutdown_requested", {{"signal", sig}});
  server.Shutdown();
  return 0;
}
