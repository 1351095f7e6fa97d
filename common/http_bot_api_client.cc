#include "common/http_bot_api_client.h"

#include <httplib.h>

#include <algorithm>
#include <regex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace telegate {
namespace {

constexpr char kCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

void SetTimeout(httplib::Client& client, absl::Duration connect,
                absl::Duration read) {
  auto split = [](absl::Duration d, time_t* sec, time_t* usec) {
    int64_t us = absl::ToInt64Microseconds(d);
    *sec = us / 1000000;
    *usec = us % 1000000;
  };
  time_t s = 0, us = 0;
  split(connect, &s, &us);
  client.set_connection_timeout(s, us);
  split(read, &s, &us);
  client.set_read_timeout(s, us);
  client.set_write_timeout(s, us);
}

// A non-negative integer field clamped to a day (0 when absent or not an
// integer): enough for error codes and retry_after, safe to narrow to int.
int64_t SmallInt(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return 0;
  if (it->is_number_unsigned()) {
    return static_cast<int64_t>(std::min<uint64_t>(it->get<uint64_t>(), 86400));
  }
  return std::clamp<int64_t>(it->get<int64_t>(), 0, 86400);
}

}  // namespace

absl::Status ValidateBaseUrl(const std::string& base_url,
                             std::string_view setting) {
  static const std::regex kPattern(R"(^https?://[A-Za-z0-9.\-\[\]:]+$)");
  if (!std::regex_match(base_url, kPattern)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(setting),
                     " must look like https://host[:port] "
                     "(no path, no trailing slash), got '",
                     base_url, "'"));
  }
  return absl::OkStatus();
}

ApiResult DecodeEnvelope(int http_status, const std::string& body) {
  ApiResult out;
  out.http_status = http_status;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    out.error_code = http_status;
    out.description = "answer is not a JSON object";
    return out;
  }
  auto ok = doc.find("ok");
  out.ok = ok != doc.end() && ok->is_boolean() && ok->get<bool>();
  if (auto it = doc.find("result"); it != doc.end()) out.result = *it;
  out.error_code = static_cast<int>(SmallInt(doc, "error_code"));
  if (auto it = doc.find("description"); it != doc.end() && it->is_string()) {
    out.description = it->get<std::string>();
  }
  if (auto p = doc.find("parameters"); p != doc.end() && p->is_object()) {
    out.retry_after = static_cast<int>(SmallInt(*p, "retry_after"));
    if (auto m = p->find("migrate_to_chat_id");
        m != p->end() && m->is_number_integer()) {
      out.migrate_to_chat_id = m->get<int64_t>();
    }
  }
  return out;
}

HttpBotApiClient::HttpBotApiClient(const HttpBotApiOptions& options)
    : token_(options.token),
      client_(std::make_unique<httplib::Client>(options.base_url)) {
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  if (options.base_url.rfind("https://", 0) == 0) {
    client_->set_ca_cert_path(kCaBundle);
    client_->enable_server_certificate_verification(true);
  }
  SetTimeout(*client_, options.connect_timeout, options.read_timeout);
}

HttpBotApiClient::~HttpBotApiClient() = default;

ApiResult HttpBotApiClient::Call(std::string_view method,
                                 const nlohmann::json& params) {
  std::string path = absl::StrCat("/bot", token_, "/", std::string(method));
  httplib::Result res = client_->Post(path, params.dump(), "application/json");
  if (!res) {
    ApiResult out;
    out.description =
        absl::StrCat("network error: ", httplib::to_string(res.error()));
    return out;
  }
  return DecodeEnvelope(res->status, res->body);
}

void HttpBotApiClient::Cancel() { client_->stop(); }

std::unique_ptr<BotApiClient> HttpBotApiClientFactory::Create() {
  return std::make_unique<HttpBotApiClient>(options_);
}

}  // namespace telegate
