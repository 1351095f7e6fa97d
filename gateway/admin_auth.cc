#include "gateway/admin_auth.h"

#include <openssl/sha.h>

#include "common/absl_strings.h"
#include "gateway/secret.h"
#include "gateway/ui_assets.h"

namespace telegate::gateway {
namespace {

// The value of cookie `name` in a Cookie header ("a=1; b=2"); "" if absent.
std::string_view CookieValue(std::string_view cookies, std::string_view name) {
  while (!cookies.empty()) {
    size_t end = cookies.find(';');
    std::string_view pair = StripAsciiWhitespace(cookies.substr(0, end));
    cookies = end == std::string_view::npos ? std::string_view()
                                            : cookies.substr(end + 1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos &&
        StripAsciiWhitespace(pair.substr(0, eq)) == name) {
      return StripAsciiWhitespace(pair.substr(eq + 1));
    }
  }
  return {};
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

AdminAuth::AdminAuth(std::string token)
    : token_(std::move(token)),
      cookie_value_(token_.empty() ? "" : Sha256Hex(token_)) {}

bool AdminAuth::IsPublic(std::string_view method, std::string_view path) const {
  if (path == "/login" || path == "/logout") return true;
  return (method == "GET" || method == "HEAD") && FindUiAsset(path) != nullptr;
}

bool AdminAuth::Allows(std::string_view authorization,
                       std::string_view cookies) const {
  if (!enabled()) return true;
  constexpr std::string_view kBearer = "Bearer ";
  bool bearer =
      authorization.substr(0, kBearer.size()) == kBearer &&
      ConstantTimeEquals(authorization.substr(kBearer.size()), token_);
  std::string_view cookie = CookieValue(cookies, kSessionCookieName);
  bool session = !cookie.empty() && ConstantTimeEquals(cookie, cookie_value_);
  return bearer || session;
}

bool AdminAuth::TokenMatches(std::string_view token) const {
  return enabled() && ConstantTimeEquals(token, token_);
}

std::string AdminAuth::SessionCookie() const {
  return std::string(kSessionCookieName) + "=" + cookie_value_ +
         "; HttpOnly; SameSite=Strict; Path=/";
}

std::string AdminAuth::ClearedCookie() {
  return std::string(kSessionCookieName) +
         "=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/";
}

bool IsSameSiteRequest(const std::string* origin, const std::string* fetch_site,
                       std::string_view host) {
  if (fetch_site != nullptr && *fetch_site != "same-origin" &&
      *fetch_site != "none") {
    return false;
  }
  if (origin == nullptr) return true;
  if (host.empty()) return false;
  std::string http = "http://" + std::string(host);
  std::string https = "https://" + std::string(host);
  return EqualsIgnoreCase(*origin, http) || EqualsIgnoreCase(*origin, https);
}

}  // namespace telegate::gateway
