// Access rules of the admin listener, free of HTTP types. With a token, a
// request needs "Authorization: Bearer <token>" or the sign-in cookie
// (telegate_admin=<hex SHA-256 of the token>, set by POST /login), except
// for the panel's static files and /login, /logout. Without a token nothing
// is required (the listener is then loopback-only, enforced at start).
// Independently, state-changing requests must come from the panel's own
// origin (a cross-site form or fetch is refused). Immutable; thread-safe.
#ifndef TELEGATE_GATEWAY_ADMIN_AUTH_H_
#define TELEGATE_GATEWAY_ADMIN_AUTH_H_

#include <string>
#include <string_view>

namespace telegate::gateway {

inline constexpr char kSessionCookieName[] = "telegate_admin";

class AdminAuth {
 public:
  // Empty `token`: authentication is off.
  explicit AdminAuth(std::string token);

  bool enabled() const { return !token_.empty(); }
  // True when no token is needed for `method` `path`: GET/HEAD of "/" and
  // the panel's files, and /login, /logout.
  bool IsPublic(std::string_view method, std::string_view path) const;
  // True when auth is off, or the Authorization header value or the Cookie
  // header value (either may be empty) carries the token. Constant time.
  bool Allows(std::string_view authorization, std::string_view cookies) const;
  // Compares a token typed into the sign-in form, in constant time.
  bool TokenMatches(std::string_view token) const;

  // Set-Cookie values that sign in and sign out.
  std::string SessionCookie() const;
  static std::string ClearedCookie();

 private:
  const std::string token_;
  const std::string cookie_value_;  // hex SHA-256 of the token
};

// Lower-case hex SHA-256 (OpenSSL).
std::string Sha256Hex(std::string_view data);

// Cross-site protection for requests that change state. `origin` and
// `fetch_site` are nullptr when the header is absent. Refused when Origin
// is present and is neither http://<host> nor https://<host>, or when
// Sec-Fetch-Site is present and is neither "same-origin" nor "none".
bool IsSameSiteRequest(const std::string* origin, const std::string* fetch_site,
                       std::string_view host);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_ADMIN_AUTH_H_
