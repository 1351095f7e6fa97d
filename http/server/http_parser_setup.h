// Internal to the listener and ParseRequestBytes: the one Beast
// request-parser configuration both use, and the translation of a parsed
// Beast header into a Request. Includes Beast: keep it out of headers
// that users of the listener include. Stateless, thread-safe.
#ifndef TELEGATE_HTTP_SERVER_HTTP_PARSER_SETUP_H_
#define TELEGATE_HTTP_SERVER_HTTP_PARSER_SETUP_H_

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>

#include "http/server/request.h"

namespace telegate::http {

using RequestParser =
    boost::beast::http::request_parser<boost::beast::http::string_body>;

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1 << 20;
};

// Sets the head and body limits on a freshly constructed parser.
void ConfigureParser(RequestParser& parser, const HttpLimits& limits);

// Method, path, raw query and lower-cased headers; body and peer_ip are
// left untouched.
void FillRequestHead(const boost::beast::http::request_header<>& head,
                     Request* out);

// How a parse error is answered.
enum class ParseFailure { kMalformed, kHeadTooLarge, kBodyTooLarge, kOther };
ParseFailure ClassifyParseError(const boost::system::error_code& ec);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_HTTP_PARSER_SETUP_H_
