#include "http/server/query.h"

namespace telegate::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
      continue;
    }
    int high = -1, low = -1;
    if (c == '%' && in.size() - i > 2) {
      high = HexValue(in[i + 1]);
      low = HexValue(in[i + 2]);
    }
    if (high < 0 || low < 0) {
      out.push_back(c);
      continue;
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view()
                                         : text.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view name = piece.substr(0, eq);
    std::string_view value = eq == std::string_view::npos
                                 ? std::string_view()
                                 : piece.substr(eq + 1);
    out.emplace_back(Decode(name), Decode(value));
  }
  return out;
}

std::string UrlEncodedValue(std::string_view text, std::string_view name) {
  for (auto& [key, value] : ParseUrlEncoded(text)) {
    if (key == name) return std::move(value);
  }
  return "";
}

}  // namespace telegate::http
