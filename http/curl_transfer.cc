#include "http/curl_transfer.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/check.h"

namespace telegate::http {

void GlobalInit() {
  static const bool kDone = [] {
    TELEGATE_CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
    return true;
  }();
  (void)kDone;
}

namespace {

size_t OnBody(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  size_t len = size * n;
  if (t->response.body.size() + len > t->max_response_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  size_t len = size * n;
  absl::string_view line(data, len);
  if (absl::StartsWith(line, "HTTP/")) {
    t->response.headers.clear();  // a new response (after 100, a proxy...)
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;  // the blank end line
  std::string name = absl::AsciiStrToLower(line.substr(0, colon));
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  t->response.headers.emplace_back(std::move(name), std::string(value));
  return len;
}

size_t OnRead(char* buffer, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  return t->request.body_source(buffer, size * n);
}

long Ms(absl::Duration d) {  // NOLINT(google-runtime-int): curl's type
  return static_cast<long>(absl::ToInt64Milliseconds(d));  // NOLINT
}

}  // namespace

bool ConfigureEasy(Transfer* t, const HttpClientOptions& options) {
  CURL* e = t->easy;
  const HttpRequest& req = t->request;
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) {
    curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, Ms(options.idle_timeout) / 1000);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, Ms(req.timeout));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, Ms(req.connect_timeout));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  CURLcode url_ok = curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
  CURLcode proto_ok = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");

  const std::string& method = req.method;
  bool has_body = req.body_source != nullptr || !req.body.empty();
  if (method == "GET" && !has_body) {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    if (method != "POST") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (req.body_source != nullptr) {
      curl_easy_setopt(e, CURLOPT_READFUNCTION, &OnRead);
      curl_easy_setopt(e, CURLOPT_READDATA, t);
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(req.body_size));
    } else {
      // From memory, not copied: the Transfer owns the request.
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(req.body.size()));
    }
  }
  bool has_expect = false;
  for (const auto& [name, value] : req.headers) {
    if (absl::EqualsIgnoreCase(name, "expect")) has_expect = true;
    t->header_list = curl_slist_append(t->header_list,
                                       absl::StrCat(name, ": ", value).c_str());
  }
  // No "Expect: 100-continue" round trip before larger bodies.
  if (!has_expect) t->header_list = curl_slist_append(t->header_list, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  return url_ok == CURLE_OK && proto_ok == CURLE_OK && !req.url.empty();
}

}  // namespace telegate::http
