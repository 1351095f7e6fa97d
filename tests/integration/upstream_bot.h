// UpstreamBot: a user's own bot for the upstream tests, on cpp-httplib on a
// loopback port: checks the secret header, records every update it is
// posted (in arrival order) and answers as the test scripts it — by
// default 200 with a webhook reply echoing the text. Stop() closes the
// port (a bot that is down); Start() opens it again on the same port.
// Thread-safe.
#ifndef TELEGATE_TESTS_INTEGRATION_UPSTREAM_BOT_H_
#define TELEGATE_TESTS_INTEGRATION_UPSTREAM_BOT_H_

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"

namespace telegate::testing {

struct PostedUpdate {
  int64_t update_id = 0;
  int64_t chat_id = 0;
  std::string text;
};

class UpstreamBot {
 public:
  // How to answer one update: status and body. Default: EchoReply.
  struct Answer {
    int status = 200;
    std::string body;
  };
  using Script = std::function<Answer(const PostedUpdate&)>;

  explicit UpstreamBot(std::string secret) : secret_(std::move(secret)) {}
  // The secret the bot expects from now on (an operator fixing it).
  void SetSecretForTest(std::string secret) {
    absl::MutexLock lock(&mu_);
    secret_ = std::move(secret);
  }
  std::string secret() {
    absl::MutexLock lock(&mu_);
    return secret_;
  }
  ~UpstreamBot() { Stop(); }

  static Answer EchoReply(const PostedUpdate& u) {
    return {200, nlohmann::json{{"method", "sendMessage"},
                                {"chat_id", u.chat_id},
                                {"text", u.text}}
                     .dump()};
  }

  // Opens the port (a fresh one the first time, the same one after).
  bool Start() {
    auto server = std::make_unique<httplib::Server>();
    // A thread per keep-alive connection: more threads than the worker's
    // TELEGATE_UPSTREAM_MAX_CONNECTIONS (100), or posts queue behind idle
    // connections.
    server->new_task_queue = [] { return new httplib::ThreadPool(128); };
    server->Post("/hook", [this](const httplib::Request& req,
                                 httplib::Response& res) {
      if (req.get_header_value("X-Telegram-Bot-Api-Secret-Token") !=
          secret()) {
        res.status = 401;
        return;
      }
      nlohmann::json update = nlohmann::json::parse(req.body, nullptr, false);
      if (!update.is_object()) {
        res.status = 400;
        return;
      }
      PostedUpdate u;
      u.update_id = update.value("update_id", int64_t{0});
      const nlohmann::json& message =
          update.value("message", nlohmann::json::object());
      u.text = message.value("text", "");
      u.chat_id = message.value("chat", nlohmann::json::object())
                      .value("id", int64_t{0});
      Script script;
      {
        absl::MutexLock lock(&mu_);
        posted_.push_back(u);
        script = script_;
      }
      Answer a = script ? script(u) : EchoReply(u);
      res.status = a.status;
      res.set_content(a.body, "application/json");
    });
    if (port_ == 0) {
      port_ = server->bind_to_any_port("127.0.0.1");
      if (port_ <= 0) return false;
    } else if (!server->bind_to_port("127.0.0.1", port_)) {
      return false;
    }
    httplib::Server* raw = server.get();
    server_ = std::move(server);
    thread_ = std::thread([raw] { raw->listen_after_bind(); });
    return true;
  }

  void Stop() {
    if (server_ == nullptr) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  void SetScript(Script script) {
    absl::MutexLock lock(&mu_);
    script_ = std::move(script);
  }

  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
  }

  std::vector<PostedUpdate> posted() {
    absl::MutexLock lock(&mu_);
    return posted_;
  }
  // Times `update_id` was posted.
  int PostsOf(int64_t update_id) {
    absl::MutexLock lock(&mu_);
    int n = 0;
    for (const PostedUpdate& u : posted_) n += u.update_id == update_id;
    return n;
  }

 private:
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  absl::Mutex mu_;
  std::string secret_ ABSL_GUARDED_BY(mu_);
  std::vector<PostedUpdate> posted_ ABSL_GUARDED_BY(mu_);
  Script script_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_INTEGRATION_UPSTREAM_BOT_H_
