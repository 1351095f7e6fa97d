// TestWorker: a real in-process worker (WorkerServer + echo bot + FakeBotApi
// + in-memory journal) on 127.0.0.1 for the gateway's gRPC client tests, and
// Send(), which delivers one text update through a WorkerLink. One per test.
#ifndef TELEGATE_TESTS_GATEWAY_TEST_WORKER_H_
#define TELEGATE_TESTS_GATEWAY_TEST_WORKER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gateway/worker_link.h"
#include "gtest/gtest.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "worker/echo_bot.h"
#include "worker/worker_server.h"

namespace telegate::testing {

struct TestWorker {
  FakeBotApi api;  // outlives `server`
  std::unique_ptr<worker::WorkerServer> server;
  std::shared_ptr<grpc::Channel> channel;
  int port = 0;

  // Listens on `port` (0: any free one); `admin_token` may be empty.
  static std::unique_ptr<TestWorker> Start(int port = 0,
                                           std::string admin_token = "") {
    auto w = std::make_unique<TestWorker>();
    worker::WorkerConfig config;
    config.grpc_listen = absl::StrCat("127.0.0.1:", port);
    config.threads = 2;
    config.shutdown_grace_ms = 1000;
    config.admin_token = std::move(admin_token);
    w->server = std::make_unique<worker::WorkerServer>(
        config, w->api.MakeFactory(), std::make_unique<worker::EchoBot>(),
        std::make_unique<FakeJournal>());
    absl::StatusOr<int> bound = w->server->Start();
    EXPECT_TRUE(bound.ok()) << bound.status();
    w->port = bound.ok() ? *bound : 0;
    w->channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", w->port),
                                     grpc::InsecureChannelCredentials());
    return w;
  }
};

// Delivers through `sink` and waits for the callback (60 s at most, then
// kDeadlineExceeded); the callback may run on any thread, or inline.
inline absl::StatusOr<telegate::v1::Ack> DeliverAndWait(
    gateway::UpdateSink& sink, const ParsedUpdate& update,
    std::string payload) {
  struct State {
    absl::Notification done;
    absl::StatusOr<telegate::v1::Ack> result;
  };
  auto state = std::make_shared<State>();
  sink.Deliver(update, std::move(payload),
               [state](absl::StatusOr<telegate::v1::Ack> ack) {
                 state->result = std::move(ack);
                 state->done.Notify();
               });
  if (!state->done.WaitForNotificationWithTimeout(absl::Seconds(60))) {
    return absl::DeadlineExceededError("no callback within 60 s");
  }
  return state->result;
}

// Delivers a text update with `update_id` to chat 5 through `link`.
inline absl::StatusOr<telegate::v1::Ack> Send(gateway::UpdateSink& link,
                                              int64_t update_id) {
  std::string body = TextUpdate(update_id, 5, "hi").dump();
  absl::StatusOr<ParsedUpdate> parsed = ParseUpdate(body);
  if (!parsed.ok()) return parsed.status();
  return DeliverAndWait(link, *parsed, body);
}

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_TEST_WORKER_H_
