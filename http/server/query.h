// Decoding of application/x-www-form-urlencoded text: a request's query
// string (Request::query) or a form body. Pure functions, thread-safe.
#ifndef TELEGATE_HTTP_SERVER_QUERY_H_
#define TELEGATE_HTTP_SERVER_QUERY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telegate::http {

// The name/value pairs of `text` ("a=1&b=x+y&c=%2F"), in order, repeats
// kept. As the WHATWG URL standard's urlencoded parser: split on '&',
// empty pieces skipped, each piece split at its first '=' (none: the value
// is empty), '+' decoded as a space, then %XX escapes decoded. A '%' not
// followed by two hex digits is kept as it is; nothing is refused. Bytes
// are not checked for UTF-8.
std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(
    std::string_view text);

// The value of the first pair named `name` in `text`; "" when absent.
std::string UrlEncodedValue(std::string_view text, std::string_view name);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_QUERY_H_
