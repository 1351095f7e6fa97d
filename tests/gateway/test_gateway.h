// TestGateway: a GatewayServer on 127.0.0.1:0 (both listeners) over the fake
// update sink and admin backend, with clients for each listener, for the
// admin-listener tests. One per test; not thread-safe.
#ifndef TELEGATE_TESTS_GATEWAY_TEST_GATEWAY_H_
#define TELEGATE_TESTS_GATEWAY_TEST_GATEWAY_H_

#include <httplib.h>

#include <memory>
#include <string>

#include "gateway/gateway_server.h"
#include "gtest/gtest.h"
#include "tests/gateway/fake_admin_backend.h"
#include "tests/gateway/fake_update_sink.h"

namespace telegate::testing {

inline constexpr char kTestSecret[] = "s3cr3t-Token_1";
inline constexpr char kTestUpdate[] =
    R"({"update_id":10,"message":{"chat":{"id":5},"text":"hi"}})";

struct TestGateway {
  struct Options {
    std::string admin_token;
    std::string emulator_url;
    int64_t max_body_bytes = 1 << 20;
    gateway::StatusEventsOptions events;
  };

  // Fails the current test (and returns nullptr) when it cannot start.
  static std::unique_ptr<TestGateway> Start(Options options) {
    auto g = std::make_unique<TestGateway>();
    gateway::GatewayConfig config;
    config.webhook_secret = kTestSecret;
    config.listen = "127.0.0.1:0";
    config.admin_listen = "127.0.0.1:0";
    config.max_body_bytes = options.max_body_bytes;
    config.environment = "test";
    config.admin_token = options.admin_token;
    config.emulator_url = options.emulator_url;
    g->server = std::make_unique<gateway::GatewayServer>(
        config, &g->sink, &g->backend, &g->stats, options.events);
    absl::StatusOr<gateway::BoundPorts> ports = g->server->Start();
    EXPECT_TRUE(ports.ok()) << ports.status();
    if (!ports.ok()) return nullptr;
    g->public_port = ports->public_port;
    g->admin_port = ports->admin_port;
    return g;
  }

  ~TestGateway() { server->Shutdown(); }

  std::unique_ptr<httplib::Client> Client(int port) const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(15, 0);
    return c;
  }
  std::unique_ptr<httplib::Client> Admin() const { return Client(admin_port); }
  std::string Host() const { return "127.0.0.1:" + std::to_string(admin_port); }

  httplib::Result PostWebhook(const std::string& body = kTestUpdate) const {
    return Client(public_port)
        ->Post("/webhook", {{"X-Telegram-Bot-Api-Secret-Token", kTestSecret}},
               body, "application/json");
  }

  FakeUpdateSink sink;
  FakeAdminBackend backend;
  gateway::GatewayStats stats;
  std::unique_ptr<gateway::GatewayServer> server;
  int public_port = 0;
  int admin_port = 0;
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_TEST_GATEWAY_H_
