#include "tests/integration/stack.h"

#include <httplib.h>
#include <stdlib.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "testing/prometheus_text.h"

namespace telegate::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(20);
constexpr absl::Duration kWaitTimeout = absl::Seconds(30);

std::map<std::string, std::string> BaseEnv() {
  std::map<std::string, std::string> env;
  if (const char* path = std::getenv("PATH")) env["PATH"] = path;
  // Sanitizer settings must reach the children too.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(name)) env[name] = v;
  }
  return env;
}

}  // namespace

HttpReply Http(int port, const std::string& method, const std::string& path,
               const std::string& body,
               const std::map<std::string, std::string>& headers) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  httplib::Headers h(headers.begin(), headers.end());
  httplib::Result res =
      method == "GET"    ? client.Get(path.c_str(), h)
      : method == "DELETE" ? client.Delete(path.c_str(), h)
                           : client.Post(path.c_str(), h, body,
                                         "application/json");
  HttpReply reply;
  if (!res) return reply;
  reply.status = res->status;
  reply.body = res->body;
  for (const auto& [k, v] : res->headers) reply.headers[k] = v;
  return reply;
}

absl::StatusOr<std::unique_ptr<Stack>> Stack::Start(
    std::map<std::string, std::string> worker_env,
    std::map<std::string, std::string> gateway_env, int workers,
    WorkerRoute route) {
  auto stack = std::make_unique<Stack>();
  stack->route_ = std::move(route);
  stack->worker_env_ = std::move(worker_env);
  stack->gateway_env_ = std::move(gateway_env);
  for (int i = 0; i < workers; ++i) {
    std::string dir_template = ::testing::TempDir() + "telegate-XXXXXX";
    if (mkdtemp(dir_template.data()) == nullptr) {
      return absl::InternalError("mkdtemp failed");
    }
    stack->data_dirs_.push_back(dir_template);
  }
  stack->workers_.resize(workers);
  stack->grpc_ports_.resize(workers, 0);

  auto env = BaseEnv();
  env["TELEGRAM_BOT_TOKEN"] = kToken;
  env["EMULATOR_LISTEN"] = "127.0.0.1:0";
  auto emulator = ChildProcess::Start(BinaryPath("telegate-emulator"), {}, env);
  if (!emulator.ok()) return emulator.status();
  stack->emulator_ = std::move(*emulator);
  auto emu_addr = stack->emulator_->WaitForListening("bot_api", kStartTimeout);
  if (!emu_addr.ok()) return emu_addr.status();
  stack->emulator_port_ = PortOf(*emu_addr);

  for (int i = 0; i < workers; ++i) {
    if (absl::Status s = stack->StartWorker(i); !s.ok()) return s;
  }

  auto gateway = stack->LaunchGateway();
  if (!gateway.ok()) return gateway.status();
  stack->gateway_ = std::move(*gateway);
  auto pub = stack->gateway_->WaitForListening("public", kStartTimeout);
  if (!pub.ok()) return pub.status();
  auto adm = stack->gateway_->WaitForListening("admin", kStartTimeout);
  if (!adm.ok()) return adm.status();
  stack->public_port_ = PortOf(*pub);
  stack->admin_port_ = PortOf(*adm);
  // The gateway may connect its stream a moment after it listens.
  if (!stack->gateway_->WaitForEvent("worker_stream_opened", kStartTimeout)
           .ok()) {
    return absl::UnavailableError("gateway never opened its worker stream");
  }

  if (auto mode = stack->gateway_env_.find("TELEGATE_MODE");
      mode != stack->gateway_env_.end() && mode->second == "polling") {
    return stack;  // the gateway polls: no webhook
  }
  nlohmann::json hook = {
      {"url", absl::StrCat("http://127.0.0.1:", stack->public_port_,
                           "/webhook")},
      {"secret_token", kSecret}};
  HttpReply set = stack->Emulator(
      "POST", absl::StrCat("/bot", kToken, "/setWebhook"), hook.dump());
  if (set.status != 200) {
    return absl::InternalError(absl::StrCat("setWebhook: ", set.body));
  }
  return stack;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> Stack::LaunchGateway() {
  auto env = BaseEnv();
  env["TELEGATE_WEBHOOK_SECRET"] = kSecret;
  env["TELEGATE_LISTEN"] = "127.0.0.1:0";
  env["TELEGATE_ADMIN_LISTEN"] = "127.0.0.1:0";
  env["TELEGATE_WORKER_ADDRESS"] = worker_address();
  env["TELEGATE_ACK_TIMEOUT_MS"] = "5000";
  env["TELEGATE_EMULATOR_URL"] = absl::StrCat("http://127.0.0.1:", emulator_port_);
  env["TELEGATE_BOT_API_URL"] = absl::StrCat("http://127.0.0.1:", emulator_port_);
  for (const auto& [k, v] : gateway_env_) env[k] = v;
  return ChildProcess::Start(BinaryPath("telegate-gateway"), {}, env);
}

absl::Status Stack::RestartGateway() {
  auto gateway = LaunchGateway();
  if (!gateway.ok()) return gateway.status();
  gateway_ = std::move(*gateway);
  auto pub = gateway_->WaitForListening("public", kStartTimeout);
  if (!pub.ok()) return pub.status();
  auto adm = gateway_->WaitForListening("admin", kStartTimeout);
  if (!adm.ok()) return adm.status();
  public_port_ = PortOf(*pub);
  admin_port_ = PortOf(*adm);
  return gateway_->WaitForEvent("worker_stream_opened", kStartTimeout).status();
}

absl::StatusOr<int> Stack::StartExtraGateway() {
  auto gateway = LaunchGateway();
  if (!gateway.ok()) return gateway.status();
  auto pub = (*gateway)->WaitForListening("public", kStartTimeout);
  if (!pub.ok()) return pub.status();
  if (!(*gateway)->WaitForEvent("worker_stream_opened", kStartTimeout).ok()) {
    return absl::UnavailableError("extra gateway never opened its stream");
  }
  extra_gateways_.push_back(std::move(*gateway));
  return PortOf(*pub);
}

absl::Status Stack::StartWorker(int i) {
  auto env = BaseEnv();
  env["TELEGRAM_BOT_TOKEN"] = kToken;
  env["TELEGRAM_API_BASE_URL"] =
      absl::StrCat("http://127.0.0.1:", emulator_port_);
  env["TELEGATE_GRPC_LISTEN"] = absl::StrCat("127.0.0.1:", grpc_ports_[i]);
  env["TELEGATE_WORKER_ADMIN_LISTEN"] = "127.0.0.1:0";
  env["TELEGATE_ENVIRONMENT"] = "integration";
  env["TELEGATE_DATA_DIR"] = data_dirs_[i];
  // Tests run many in parallel on a small machine: commit without fsync.
  env["TELEGATE_JOURNAL_SYNC"] = "normal";
  for (const auto& [k, v] : worker_env_) env[k] = v;
  auto worker = ChildProcess::Start(BinaryPath("telegate-worker"), {}, env);
  if (!worker.ok()) return worker.status();
  workers_[i] = std::move(*worker);
  auto addr = workers_[i]->WaitForListening("grpc", kStartTimeout);
  if (!addr.ok()) return addr.status();
  grpc_ports_[i] = PortOf(*addr);
  return absl::OkStatus();
}

std::string Stack::worker_address() const {
  std::string list;
  for (int i = 0; i < static_cast<int>(grpc_ports_.size()); ++i) {
    absl::StrAppend(&list, list.empty() ? "" : ",",
                    route_ ? route_(i, grpc_ports_[i])
                           : absl::StrCat("127.0.0.1:", grpc_ports_[i]));
  }
  return list;
}

HttpReply Stack::SendText(int64_t chat_id, const std::string& text) {
  return Emulator("POST", "/_emulator/updates",
                  nlohmann::json{{"chat_id", chat_id}, {"text", text}}.dump());
}

HttpReply Stack::PostWebhook(const std::string& body, const char* secret) {
  std::map<std::string, std::string> headers;
  if (secret != nullptr) headers["X-Telegram-Bot-Api-Secret-Token"] = secret;
  return Http(public_port_, "POST", "/webhook", body, headers);
}

HttpReply Stack::PostWebhookTo(int port, const std::string& body) {
  return Http(port, "POST", "/webhook", body,
              {{"X-Telegram-Bot-Api-Secret-Token", kSecret}});
}

HttpReply Stack::Emulator(const std::string& method, const std::string& path,
                          const std::string& body) {
  return Http(emulator_port_, method, path, body);
}

HttpReply Stack::Admin(const std::string& method, const std::string& path) {
  std::map<std::string, std::string> headers;
  auto token = gateway_env_.find("TELEGATE_ADMIN_TOKEN");
  if (token != gateway_env_.end()) {
    headers["Authorization"] = "Bearer " + token->second;
  }
  return Http(admin_port_, method, path, "", headers);
}

HttpReply Stack::Public(const std::string& method, const std::string& path) {
  return Http(public_port_, method, path);
}

double Stack::GatewayMetric(const std::string& family,
                            const std::string& label,
                            const std::string& value) {
  HttpReply reply = Admin("GET", "/metrics");
  auto parsed = ParsePrometheusText(reply.body);
  if (reply.status != 200 || !parsed.ok()) return -1;
  auto it = parsed->find(family);
  if (it == parsed->end()) return -1;
  for (const PromSample& sample : it->second.samples) {
    auto l = sample.labels.find(label);
    if (label.empty() || (l != sample.labels.end() && l->second == value)) {
      return sample.value;
    }
  }
  return -1;
}

std::vector<nlohmann::json> Stack::SentMessages() {
  HttpReply reply = Emulator("GET", "/_emulator/calls?method=sendMessage");
  std::vector<nlohmann::json> out;
  nlohmann::json doc = reply.Json();
  if (!doc.is_object() || !doc.contains("calls")) return out;
  for (const nlohmann::json& call : doc["calls"]) {
    if (call.value("http_status", 0) == 200) out.push_back(call["params"]);
  }
  return out;
}

bool Stack::WaitForSentMessages(size_t n) {
  absl::Time deadline = absl::Now() + kWaitTimeout;
  while (absl::Now() < deadline) {
    if (SentMessages().size() >= n) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

bool Stack::WaitForHealth(
    const std::function<bool(const nlohmann::json&)>& pred) {
  absl::Time deadline = absl::Now() + kWaitTimeout;
  while (absl::Now() < deadline) {
    nlohmann::json health = Admin("GET", "/health").Json();
    if (health.is_object() && pred(health)) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

}  // namespace telegate::testing
