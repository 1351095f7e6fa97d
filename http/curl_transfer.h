// One transfer of HttpClient (http_client.h): the request, its libcurl easy
// handle, the response being filled, and the easy handle's configuration
// from an HttpRequest. Internal to telegate_http; used on the client's loop
// thread only.
#ifndef TELEGATE_HTTP_CURL_TRANSFER_H_
#define TELEGATE_HTTP_CURL_TRANSFER_H_

#include <curl/curl.h>

#include "absl/time/time.h"
#include "http/http_client.h"

namespace telegate::http {

// curl_global_init, once per process.
void GlobalInit();

struct Transfer {
  HttpRequest request;
  HttpClient::Callback done;
  HttpResponse response;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  absl::Time started;
  bool too_large = false;
  size_t max_response_bytes = 0;
  char error[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (header_list != nullptr) curl_slist_free_all(header_list);
  }
};

// Sets up t->easy (already created or reused) for t->request: method, URL,
// headers, body or body source, timeouts, TLS checks, and the callbacks
// that fill t->response. False when the URL is malformed or not http(s).
bool ConfigureEasy(Transfer* t, const HttpClientOptions& options);

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_CURL_TRANSFER_H_
