// telegate-webhook: registers, inspects and deletes the bot's webhook with
// Telegram (setWebhook, getWebhookInfo, deleteWebhook). RunWebhookCli holds
// all the logic so tests call it in-process; cli/main.cc only passes argv
// and the environment. The token comes from TELEGATE_BOT_TOKEN or
// --token-file, never from a flag (argv is visible in ps), and never appears
// in the output. Stateless; safe to call from any thread.
#ifndef TELEGATE_CLI_WEBHOOK_CLI_H_
#define TELEGATE_CLI_WEBHOOK_CLI_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace telegate::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitApiError = 1;  // Telegram refused or unreachable
inline constexpr int kExitUsage = 2;     // bad arguments; nothing was called

// `args` excludes the program name. `env` holds TELEGATE_BOT_TOKEN,
// TELEGATE_BOT_API_URL and TELEGATE_WEBHOOK_SECRET when set. Results go to
// `out`, one-line errors (prefixed "telegate-webhook: ") to `err`.
int RunWebhookCli(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env,
                  std::ostream& out, std::ostream& err);

// The --help text.
std::string WebhookCliUsage();

}  // namespace telegate::cli

#endif  // TELEGATE_CLI_WEBHOOK_CLI_H_
