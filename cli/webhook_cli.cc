#include "cli/webhook_cli.h"

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/http_bot_api_client.h"
#include "common/secret_token.h"
#include "common/status_macros.h"

namespace telegate::cli {
namespace {

using nlohmann::json;

constexpr char kDefaultApiUrl[] = "https://api.telegram.org";

// What the command line asked for, validated.
struct Request {
  std::string command;  // set, info, delete
  std::string url;
  std::optional<std::string> secret;
  std::optional<int> max_connections;
  std::vector<std::string> allowed_updates;
  bool drop_pending_updates = false;
  bool json_output = false;
  std::string token;
  std::string api_url = kDefaultApiUrl;
};

std::string Get(const std::map<std::string, std::string>& env,
                const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

absl::Status Usage(std::string_view message) {
  return absl::InvalidArgumentError(std::string(message));
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Usage(absl::StrCat("cannot read --token-file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(buffer.str()));
}

absl::Status CheckToken(const std::string& token) {
  if (token.empty()) {
    return Usage("no bot token: set TELEGATE_BOT_TOKEN or --token-file=PATH");
  }
  for (char c : token) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '-';
    if (!ok) return Usage("the bot token has characters a token never has");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParseAllowed(std::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view item :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ',',
                      absl::SkipWhitespace())) {
    std::string name(absl::StripAsciiWhitespace(item));
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || c == '_')) {
        return Usage(absl::StrCat("--allowed-updates: '", name,
                                  "' is not an update type"));
      }
    }
    out.push_back(std::move(name));
  }
  return out;
}

absl::Status ApplyFlag(std::string_view arg, Request& r) {
  std::string_view name = arg, value;
  bool has_value = false;
  if (size_t eq = arg.find('='); eq != std::string_view::npos) {
    name = arg.substr(0, eq);
    value = arg.substr(eq + 1);
    has_value = true;
  }
  auto need_value = [&]() -> absl::Status {
    if (has_value) return absl::OkStatus();
    return Usage(absl::StrCat(std::string(name), " needs =VALUE"));
  };
  if (name == "--token") {
    return Usage(
        "the token is never a flag (argv is visible in ps): set "
        "TELEGATE_BOT_TOKEN or use --token-file=PATH");
  } else if (name == "--token-file") {
    RETURN_IF_ERROR(need_value());
    ASSIGN_OR_RETURN(r.token, ReadTokenFile(std::string(value)));
  } else if (name == "--url" && r.command == "set") {
    RETURN_IF_ERROR(need_value());
    r.url = std::string(value);
  } else if (name == "--secret" && r.command == "set") {
    RETURN_IF_ERROR(need_value());
    RETURN_IF_ERROR(ValidateSecretToken(value, "--secret"));
    r.secret = std::string(value);
  } else if (name == "--max-connections" && r.command == "set") {
    int n = 0;
    RETURN_IF_ERROR(need_value());
    if (!absl::SimpleAtoi(absl::string_view(value.data(), value.size()), &n) ||
        n < 1 || n > 100) {
      return Usage("--max-connections must be an integer from 1 to 100");
    }
    r.max_connections = n;
  } else if (name == "--allowed-updates" && r.command == "set") {
    RETURN_IF_ERROR(need_value());
    ASSIGN_OR_RETURN(r.allowed_updates, ParseAllowed(value));
  } else if (name == "--drop-pending-updates" && !has_value &&
             r.command != "info") {
    r.drop_pending_updates = true;
  } else if (name == "--json" && !has_value && r.command == "info") {
    r.json_output = true;
  } else {
    return Usage(absl::StrCat("unknown option for ", r.command, ": ",
                              std::string(name), " (see --help)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Request> Parse(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env) {
  if (args.empty()) return Usage("missing command: set, info or delete");
  Request r;
  r.command = args[0];
  if (r.command != "set" && r.command != "info" && r.command != "delete") {
    return Usage(absl::StrCat("unknown command '", r.command,
                              "': use set, info or delete"));
  }
  r.token = Get(env, "TELEGATE_BOT_TOKEN");
  for (size_t i = 1; i < args.size(); ++i) {
    RETURN_IF_ERROR(ApplyFlag(args[i], r));
  }
  RETURN_IF_ERROR(CheckToken(r.token));
  if (std::string api = Get(env, "TELEGATE_BOT_API_URL"); !api.empty()) {
    r.api_url = api;
  }
  RETURN_IF_ERROR(ValidateBaseUrl(r.api_url, "TELEGATE_BOT_API_URL"));
  if (r.command == "set") {
    if (r.url.empty()) return Usage("set needs --url=https://...");
    if (!r.url.starts_with("https://") || r.url.size() == 8 ||
        r.url.find_first_of(" \t\r\n#") != std::string::npos) {
      return Usage(
          "--url must be an https:// URL (Telegram posts webhooks over HTTPS "
          "only)");
    }
    if (!r.secret.has_value()) {
      if (std::string s = Get(env, "TELEGATE_WEBHOOK_SECRET"); !s.empty()) {
        RETURN_IF_ERROR(ValidateSecretToken(s, "TELEGATE_WEBHOOK_SECRET"));
        r.secret = s;
      }
    }
  }
  return r;
}

std::string Readable(const json& info) {
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value) {
    absl::StrAppend(&out, std::string(key), ": ", value, "\n");
  };
  std::string url = info.value("url", "");
  line("url", url.empty() ? "(none)" : url);
  line("pending_update_count",
       absl::StrCat(info.value("pending_update_count", int64_t{0})));
  if (int64_t date = info.value("last_error_date", int64_t{0}); date > 0) {
    line("last_error",
         absl::StrCat(
             absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                              absl::FromUnixSeconds(date), absl::UTCTimeZone()),
             " ", info.value("last_error_message", "")));
  } else {
    line("last_error", "(none)");
  }
  if (info.contains("max_connections")) {
    line("max_connections", absl::StrCat(info.value("max_connections", 0)));
  }
  std::vector<std::string> allowed;
  if (auto a = info.find("allowed_updates"); a != info.end() && a->is_array()) {
    for (const json& t : *a) {
      if (t.is_string()) allowed.push_back(t.get<std::string>());
    }
  }
  line("allowed_updates",
       allowed.empty() ? "(default)" : absl::StrJoin(allowed, ","));
  return out;
}

json Params(const Request& r) {
  json params = json::object();
  if (r.command == "set") {
    params["url"] = r.url;
    if (r.secret.has_value()) params["secret_token"] = *r.secret;
    if (r.max_connections.has_value()) {
      params["max_connections"] = *r.max_connections;
    }
    if (!r.allowed_updates.empty()) {
      params["allowed_updates"] = r.allowed_updates;
    }
  }
  if (r.command != "info") {
    params["drop_pending_updates"] = r.drop_pending_updates;
  }
  return params;
}

}  // namespace

std::string WebhookCliUsage() {
  return R"(usage: telegate-webhook COMMAND [options]

  set --url=https://HOST/PATH [--secret=S] [--max-connections=N]
      [--allowed-updates=message,callback_query] [--drop-pending-updates]
  info [--json]
  delete [--drop-pending-updates]

Token: TELEGATE_BOT_TOKEN, or --token-file=PATH (never a flag).
API: TELEGATE_BOT_API_URL (default https://api.telegram.org).
Secret: --secret or TELEGATE_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -).
Exit codes: 0 ok, 1 Telegram refused or unreachable, 2 usage.
)";
}

int RunWebhookCli(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env,
                  std::ostream& out, std::ostream& err) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h" || a == "help") {
      out << WebhookCliUsage();
      return kExitOk;
    }
  }
  absl::StatusOr<Request> request = Parse(args, env);
  if (!request.ok()) {
    err << "telegate-webhook: " << request.status().message() << "\n";
    return kExitUsage;
  }
  HttpBotApiOptions options;
  options.base_url = request->api_url;
  options.token = request->token;
  HttpBotApiClient client(options);
  const std::string method = request->command == "set"    ? "setWebhook"
                             : request->command == "info" ? "getWebhookInfo"
                                                          : "deleteWebhook";
  ApiResult result = client.Call(method, Params(*request));
  if (Classify(result) != Outcome::kOk) {
    // DescribeFailure never carries the URL; mask the token all the same.
    err << "telegate-webhook: "
        << absl::StrReplaceAll(DescribeFailure(method, result),
                               {{request->token, "[redacted]"}})
        << "\n";
    return kExitApiError;
  }
  if (request->command == "info") {
    out << (request->json_output ? result.result.dump(2) + "\n"
                                 : Readable(result.result));
  } else {
    out << "ok: " << (result.description.empty() ? method : result.description)
        << "\n";
  }
  return kExitOk;
}

}  // namespace telegate::cli
