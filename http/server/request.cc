#include "http/server/request.h"

#include <atomic>

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
  std::atomic<bool> called{false};
  const std::function<void(Response)> send;
};

Respond::Respond(std::function<void(Response)> send)
    : state_(std::make_shared<State>(std::move(send))) {}

void Respond::operator()(Response response) const {
  if (state_->called.exchange(true)) return;
  if (state_->send) state_->send(std::move(response));
}

}  // namespace telegate::http
