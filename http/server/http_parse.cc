#include "http/server/http_parse.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "http/server/http_parser_setup.h"

namespace telegate::http {

namespace bhttp = boost::beast::http;

void ConfigureParser(RequestParser& parser, const HttpLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(std::min<size_t>(
      limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
}

void FillRequestHead(const bhttp::request_header<>& head, Request* out) {
  out->method = std::string(head.method_string());
  std::string_view target(head.target().data(), head.target().size());
  const size_t question = target.find('?');
  out->path = std::string(target.substr(0, question));
  out->query = question == std::string_view::npos
                   ? std::string()
                   : std::string(target.substr(question + 1));
  out->headers.clear();
  for (const auto& field : head) {
    std::string name(field.name_string().data(), field.name_string().size());
    absl::AsciiStrToLower(&name);
    std::string_view value(field.value().data(), field.value().size());
    auto [it, inserted] = out->headers.try_emplace(name, value);
    if (!inserted) {
      it->second.append(", ");
      it->second.append(value);
    }
  }
}

ParseFailure ClassifyParseError(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit) return ParseFailure::kHeadTooLarge;
  if (ec == bhttp::error::body_limit) return ParseFailure::kBodyTooLarge;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == bhttp::error::need_more || ec == bhttp::error::need_buffer ||
      ec == bhttp::error::buffer_overflow) {
    return ParseFailure::kOther;
  }
  if (ec.category() ==
      bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return ParseFailure::kMalformed;
  }
  return ParseFailure::kOther;
}

namespace {

absl::Status StatusForParseError(const boost::system::error_code& ec) {
  switch (ClassifyParseError(ec)) {
    case ParseFailure::kHeadTooLarge:
      return absl::ResourceExhaustedError("request head too large");
    case ParseFailure::kBodyTooLarge:
      return absl::ResourceExhaustedError("request body too large");
    case ParseFailure::kMalformed:
      return absl::InvalidArgumentError("malformed HTTP request");
    case ParseFailure::kOther:
      break;
  }
  return absl::OutOfRangeError("incomplete HTTP request");
}

absl::StatusOr<Request> Parse(std::string_view raw,
                                    const HttpLimits& limits) {
  RequestParser parser;
  ConfigureParser(parser, limits);
  parser.eager(true);
  auto incomplete = [&]() -> absl::Status {
    // A head larger than the limit without its terminating blank line is
    // reported as too large, like the listener does when reading.
    if (!parser.is_header_done() && raw.size() > limits.max_header_bytes) {
      return absl::ResourceExhaustedError("request head too large");
    }
    return absl::OutOfRangeError("incomplete HTTP request");
  };
  size_t offset = 0;
  while (!parser.is_done()) {
    if (offset >= raw.size()) return incomplete();
    boost::system::error_code ec;
    size_t used = parser.put(
        boost::asio::buffer(raw.data() + offset, raw.size() - offset), ec);
    offset += used;
    if (ec && ec != bhttp::error::need_more) return StatusForParseError(ec);
    if (used == 0) return incomplete();
  }
  Request request;
  FillRequestHead(parser.get().base(), &request);
  request.body = parser.release().body();
  return request;
}

}  // namespace

absl::StatusOr<Request> ParseRequestBytes(std::string_view raw,
                                                size_t max_header_bytes,
                                                size_t max_body_bytes) {
  try {
    return Parse(raw, HttpLimits{max_header_bytes, max_body_bytes});
  } catch (const std::exception&) {
    // Beast reports parse errors through error codes; this is bad_alloc
    // and the like.
    return absl::InvalidArgumentError("malformed HTTP request");
  }
}

}  // namespace telegate::http
