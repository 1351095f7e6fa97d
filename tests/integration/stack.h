// Stack: the real telegate-emulator, telegate-worker and telegate-gateway
// started on free loopback ports for one test, wired together as in
// production (the emulator plays both Telegram's Bot API and its webhook
// sender). Helpers speak HTTP to the three. Not thread-safe; one per test.
#ifndef TELEGATE_TESTS_INTEGRATION_STACK_H_
#define TELEGATE_TESTS_INTEGRATION_STACK_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "testing/child_process.h"

namespace telegate::testing {

inline constexpr char kToken[] = "424242:integration-test-token";
inline constexpr char kSecret[] = "integration_secret-123";

struct HttpReply {
  int status = 0;  // 0: no answer
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json Json() const {
    return nlohmann::json::parse(body, nullptr, false);
  }
};

class Stack {
 public:
  // Extra environment for the worker, e.g. {"TELEGATE_ERROR_THRESHOLD","3"},
  // and for the gateway(s). With TELEGATE_MODE=polling in `gateway_env` no
  // webhook is set: the gateway polls the emulator. With TELEGATE_ADMIN_TOKEN in `gateway_env`,
  // Admin() sends it as a Bearer header.
  // `workers` > 1 starts that many workers, each with its own journal, and
  // gives the gateway all their addresses.
  // `route`, when given, maps worker i's gRPC port to the address the
  // gateway is given for it (e.g. a TcpForwarder in between).
  using WorkerRoute = std::function<std::string(int i, int grpc_port)>;
  static absl::StatusOr<std::unique_ptr<Stack>> Start(
      std::map<std::string, std::string> worker_env = {},
      std::map<std::string, std::string> gateway_env = {}, int workers = 1,
      WorkerRoute route = nullptr);

  // Starts (again) worker `i` on the same gRPC port and journal.
  absl::Status StartWorker(int i = 0);
  // After the gateway was killed: starts a new one with the same settings
  // and waits until it listens and has opened its worker stream.
  absl::Status RestartGateway();
  // Starts one more gateway in front of the same worker; returns its public
  // port.
  absl::StatusOr<int> StartExtraGateway();
  ChildProcess& worker(int i = 0) { return *workers_[i]; }
  int worker_count() const { return static_cast<int>(workers_.size()); }
  ChildProcess& gateway() { return *gateway_; }
  ChildProcess& emulator() { return *emulator_; }

  // The webhook sender: a private-chat text message from `chat_id`.
  HttpReply SendText(int64_t chat_id, const std::string& text);
  // Posts `body` to the gateway's webhook with the given secret header
  // (none when `secret` is nullptr).
  HttpReply PostWebhook(const std::string& body, const char* secret = kSecret);
  HttpReply PostWebhookTo(int port, const std::string& body);

  HttpReply Emulator(const std::string& method, const std::string& path,
                     const std::string& body = "");
  HttpReply Admin(const std::string& method, const std::string& path);
  HttpReply Public(const std::string& method, const std::string& path);

  // The first sample of `family` on the gateway's /metrics (with label
  // `label`="`value`" when given); -1 when absent or unparsable.
  double GatewayMetric(const std::string& family, const std::string& label = "",
                       const std::string& value = "");

  // Successful sendMessage calls recorded by the emulator, oldest first.
  std::vector<nlohmann::json> SentMessages();
  // Waits until at least `n` messages were sent; false after 30 s.
  bool WaitForSentMessages(size_t n);
  // Waits until GET /health satisfies `pred`; false after 30 s.
  bool WaitForHealth(const std::function<bool(const nlohmann::json&)>& pred);

  int grpc_port(int i = 0) const { return grpc_ports_[i]; }
  int admin_port() const { return admin_port_; }
  int public_port() const { return public_port_; }
  int emulator_port() const { return emulator_port_; }
  // Every worker's "127.0.0.1:port" (or routed address), comma-separated.
  std::string worker_address() const;

 private:
  std::map<std::string, std::string> worker_env_, gateway_env_;
  WorkerRoute route_;
  std::vector<std::string> data_dirs_;  // journals, kept across restarts
  absl::StatusOr<std::unique_ptr<ChildProcess>> LaunchGateway();

  std::unique_ptr<ChildProcess> emulator_, gateway_;
  std::vector<std::unique_ptr<ChildProcess>> workers_;
  std::vector<int> grpc_ports_;
  std::vector<std::unique_ptr<ChildProcess>> extra_gateways_;
  int emulator_port_ = 0, public_port_ = 0, admin_port_ = 0;
};

// One HTTP request on a fresh connection to 127.0.0.1:port.
HttpReply Http(int port, const std::string& method, const std::string& path,
               const std::string& body = "",
               const std::map<std::string, std::string>& headers = {});

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_INTEGRATION_STACK_H_
