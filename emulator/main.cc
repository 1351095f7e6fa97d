// telegate-emulator: a loopback Telegram Bot API server and webhook sender
// for tests, benchmarks and the local run without a real token.
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/address.h"
#include "common/log.h"
#include "common/settings.h"
#include "common/shutdown.h"
#include "emulator/bot_api.h"
#include "emulator/config.h"
#include "emulator/server.h"

extern char** environ;

int main(int argc, char** argv) {
  absl::StatusOr<telegate::Settings> settings = telegate::Settings::Load(
      telegate::emulator::EmulatorSettingSpecs(), argc, argv, environ);
  if (!settings.ok()) {
    if (absl::IsCancelled(settings.status())) {  // --help
      std::printf("%s", std::string(settings.status().message()).c_str());
      return 0;
    }
    std::fprintf(stderr, "telegate-emulator: %s\n",
                 std::string(settings.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<telegate::emulator::EmulatorConfig> config =
      telegate::emulator::LoadEmulatorConfig(*settings);
  if (!config.ok()) {
    std::fprintf(stderr, "telegate-emulator: %s\n",
                 std::string(config.status().message()).c_str());
    return 2;
  }
  telegate::log::RegisterSecret(config->token);
  telegate::log::RegisterSecret(config->webhook_secret);
  telegate::log::SetLevel(config->log_level);
  telegate::BlockShutdownSignals();

  telegate::emulator::BotApiOptions options;
  options.token = config->token;
  options.webhook_url = config->webhook_url;
  options.webhook_secret = config->webhook_secret;
  // Number updates from the start time (x1000), as Telegram's ids only grow:
  // a restarted emulator must not reuse ids the worker's journal already
  // holds (they would be dropped as duplicates).
  options.next_update_id = absl::ToUnixSeconds(absl::Now()) * 1000;
  options.latency = {config->latency_ms, config->latency_jitter_ms};
  options.chat_rate_limit = config->chat_rate_limit;
  telegate::emulator::BotApi api(options);
  telegate::emulator::ServerOptions server_options;
  server_options.keep_alive_max_requests = config->keep_alive_max_requests;
  telegate::emulator::EmulatorServer server(&api, server_options);
  absl::StatusOr<int> port =
      server.Start(config->listen.host, config->listen.port);
  if (!port.ok()) {
    telegate::log::Error("emulator", "listen_failed",
                         {{"error", std::string(port.status().message())}});
    return 1;
  }
  if (!telegate::IsLoopbackHost(config->listen.host)) {
    telegate::log::Warn(
        "emulator", "not_loopback",
        {{"detail", "the emulator is meant for loopback use only"}});
  }
  telegate::log::Info(
      "emulator", "listening",
      {{"name", "bot_api"},
       {"address", telegate::FormatHostPort(config->listen.host, *port)}});
  int signal = telegate::WaitForShutdownSignal();
  telegate::log::Info("emulator", "stopping", {{"signal", signal}});
  server.Stop();
  return 0;
}
