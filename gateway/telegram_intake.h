// Start-up of the gateway's side of the Bot API, called from main.cc after
// the worker link: in polling mode deleteWebhook (keeping pending updates)
// then a Poller feeding `sink`; in webhook mode with a public URL,
// setWebhook(public URL + webhook path). A permanent Bot API refusal
// (bad token, bad URL) is an error to exit on; a transient one is logged and
// start-up goes on (the Poller retries by itself).
// Lifetime: the returned Poller (null in webhook mode) runs until destroyed;
// `sink` must outlive it.
#ifndef TELEGATE_GATEWAY_TELEGRAM_INTAKE_H_
#define TELEGATE_GATEWAY_TELEGRAM_INTAKE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "gateway/config.h"
#include "gateway/poller.h"
#include "gateway/update_sink.h"

namespace telegate::gateway {

absl::StatusOr<std::unique_ptr<Poller>> StartTelegramIntake(
    const GatewayConfig& config, UpdateSink* sink);

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_TELEGRAM_INTAKE_H_
