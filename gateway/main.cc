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
#include "gateway/worker_link.h"

int main(int argc, char** argv) {
  using namespace telegate;  // NOLINT(google-build-using-namespace)
  gateway::GatewayConfig config;
  if (int exit_code =
          LoadConfigForMain("telegate-gateway", gateway::GatewaySettingSpecs(),
                            gateway::LoadGatewayConfig, argc, argv, &config);
      exit_code >= 0) {
    return exit_code;
  }
  SetUpProcess(config.log_level, {config.webhook_secret, config.admin_token});

  // Reconnect quickly after a worker restart (gRPC's default backoff starts
  // at 1 s and grows to 120 s); WorkerLink adds its own capped backoff.
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  channel_args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      config.worker_address, grpc::InsecureChannelCredentials(), channel_args);
  gateway::GatewayStats stats;
  gateway::WorkerLinkOptions link_options;
  link_options.ack_timeout = absl::Milliseconds(config.ack_timeout_ms);
  link_options.auth_token = config.admin_token;
  link_options.stats = &stats;
  gateway::WorkerLink link(channel, link_options);
  gateway::GrpcAdminBackend admin(channel, absl::Seconds(15),
                                  config.admin_token);
  link.Start();

  gateway::GatewayServer server(config, &link, &admin, &stats);
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
  int sig = WaitForShutdownSignal();
  log::Info("gateway", "shutdown_requested", {{"signal", sig}});
  server.Shutdown();
  link.Stop();
  log::Info("gateway", "stopped");
  return 0;
}
