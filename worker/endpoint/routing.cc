#include "worker/endpoint/routing.h"

#include "common/absl_strings.h"

namespace telegate::worker {
namespace {

// "/bot<token>/<rest>" -> token, rest (both non-empty); false otherwise.
bool SplitBotPath(std::string_view path, std::string_view prefix,
                  std::string* token, std::string* rest) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  path.remove_prefix(prefix.size());
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 ||
      slash + 1 == path.size()) {
    return false;
  }
  *token = std::string(path.substr(0, slash));
  *rest = std::string(path.substr(slash + 1));
  return true;
}

}  // namespace

Route ParseRoute(std::string_view method, std::string_view path) {
  Route route;
  bool get = method == "GET";
  bool post = method == "POST";
  if ((get || post) &&
      SplitBotPath(path, "/bot", &route.token, &route.target) &&
      route.target.find('/') == std::string::npos) {
    route.kind = Route::Kind::kMethod;
    return route;
  }
  if (get && SplitBotPath(path, "/file/bot", &route.token, &route.target)) {
    route.kind = Route::Kind::kFile;
    return route;
  }
  return Route{};
}

Interception InterceptMethod(std::string_view method) {
  auto is = [&](std::string_view name) {
    return EqualsIgnoreCase(method, name);
  };
  if (is("setWebhook") || is("deleteWebhook")) {
    return Interception::kWebhookNoop;
  }
  if (is("getWebhookInfo")) return Interception::kWebhookInfo;
  if (is("getUpdates")) return Interception::kGetUpdatesConflict;
  if (is("logOut") || is("close")) return Interception::kRefused;
  return Interception::kForward;
}

}  // namespace telegate::worker
