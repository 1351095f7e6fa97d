#include "http/server/request.h"

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

#include "nlohmann/json.hpp"

namespace telegate::http {

const std::string* Request::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? nullptr : &it->second;
}

Response JsonErrorResponse(int status, std::string_view message) {
  Response response;
  response.status = status;
  nlohmann::ordered_json body = {{"ok", false},
                                 {"error", std::string(message)}};
  response.body = body.dump(-1, ' ', false,
                            nlohmann::ordered_json::error_handler_t::replace);
  return response;
}

struct Respond::State {
  explicit State(std::function<void(Response)> send_in)
      : send(std::move(send_in)) {}
  ~State() {
    if (!called.exchange(true) && send) {
      send(JsonErrorResponse(500, "internal error"));
    }
  }
  // Runs the abandon callback unless answered (or abandoned) already.
  void Abandon() {
    std::function<void()> callback;
    {
      absl::MutexLock lock(&mu);
      if (called.load() || abandoned.exchange(true)) return;
      callback = std::move(on_abandoned);
      on_abandoned = nullptr;
    }
    if (callback) callback();
  }

  std::atomic<bool> called{false};
  std::atomic<bool> abandoned{false};
  const std::function<void(Response)> send;
  absl::Mutex mu;
  std::function<void()> on_abandoned ABSL_GUARDED_BY(mu);
};

Respond::Respond(std::function<void(Response)> send)
    : state_(std::make_shared<State>(std::move(send))) {}

void Respond::operator()(Response response) const {
  if (state_->called.exchange(true)) return;
  if (state_->send) state_->send(std::move(response));
}

bool Respond::Abandoned() const { return state_->abandoned.load(); }

void Respond::OnAbandoned(std::function<void()> callback) const {
  {
    absl::MutexLock lock(&state_->mu);
    if (!state_->abandoned.load()) {
      state_->on_abandoned = std::move(callback);
      return;
    }
  }
  if (!state_->called.load() && callback) callback();
}

std::function<void()> Respond::AbandonSignal() const {
  return [weak = std::weak_ptr<State>(state_)] {
    if (std::shared_ptr<State> state = weak.lock()) state->Abandon();
  };
}

}  // namespace telegate::http
