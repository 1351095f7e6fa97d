#include "emulator/webhook_sender.h"

#include <httplib.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/address.h"
#include "common/log.h"
#include "emulator/url.h"

namespace telegate::emulator {
namespace {

constexpr char kCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

void SplitDuration(absl::Duration d, time_t* sec, time_t* usec) {
  int64_t us = absl::ToInt64Microseconds(d);
  *sec = static_cast<time_t>(us / 1000000);
  *usec = static_cast<time_t>(us % 1000000);
}

// Telegram-like wording for getWebhookInfo.last_error_message.
std::string DescribeError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "Connection refused";
    case httplib::Error::ConnectionTimeout:
      return "Connection timed out";
    case httplib::Error::Read:
      return "Read timeout expired";
    case httplib::Error::Write:
      return "Write error";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
      return "SSL error";
    default:
      return absl::StrCat("Error: ", httplib::to_string(error));
  }
}

}  // namespace

WebhookSender::WebhookSender(BotApi* api, WebhookSenderOptions options)
    : api_(api), options_(options) {}

absl::StatusOr<WebhookReply> WebhookSender::Send(const nlohmann::json& update) {
  WebhookConfig config = api_->Webhook();
  if (config.url.empty()) {
    return absl::FailedPreconditionError("no webhook is set");
  }
  absl::StatusOr<WebhookUrl> url = ParseWebhookUrl(config.url);
  if (!url.ok()) {
    api_->RecordWebhookError(std::string(url.status().message()));
    return absl::UnavailableError(url.status().message());
  }
  httplib::Client client(
      absl::StrCat(url->scheme, "://", FormatHostPort(url->host, url->port)));
  if (url->scheme == "https") {
    // Self-signed test certificates are accepted on loopback only.
    bool loopback = IsLoopbackHost(url->host);
    if (!loopback) client.set_ca_cert_path(kCaBundle);
    client.enable_server_certificate_verification(!loopback);
  }
  time_t sec = 0, usec = 0;
  SplitDuration(options_.connect_timeout, &sec, &usec);
  client.set_connection_timeout(sec, usec);
  SplitDuration(options_.read_timeout, &sec, &usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);

  httplib::Headers headers;
  if (!config.secret_token.empty()) {
    headers.emplace("X-Telegram-Bot-Api-Secret-Token", config.secret_token);
  }
  std::string body =
      update.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  httplib::Result res =
      client.Post(url->target, headers, body, "application/json");
  if (!res) {
    std::string why = DescribeError(res.error());
    api_->RecordWebhookError(why);
    log::Warn("emulator", "webhook_failed", {{"error", why}});
    return absl::UnavailableError(why);
  }
  if (res->status < 200 || res->status > 299) {
    api_->RecordWebhookError(absl::StrCat(
        "Wrong response from the webhook: ", res->status, " ", res->reason));
  }
  log::Debug("emulator", "webhook_posted",
             {{"update_id", update.value("update_id", int64_t{0})},
              {"status", res->status}});
  return WebhookReply{res->status, res->body};
}

}  // namespace telegate::emulator
