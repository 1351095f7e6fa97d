// telegate-webhook: thin entry point; the logic is in webhook_cli.cc.
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/webhook_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::map<std::string, std::string> env;
  for (const char* name : {"TELEGATE_BOT_TOKEN", "TELEGATE_BOT_API_URL",
                           "TELEGATE_WEBHOOK_SECRET"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  return telegate::cli::RunWebhookCli(args, env, std::cout, std::cerr);
}
