// UpdateProcessor's steps for an upstream bot (TELEGATE_UPSTREAM_URL): the
// update is posted to the bot as Telegram would post it, the bot's answer
// is read by the pure ReadUpstreamAnswer, its webhook reply (if any) is
// journaled before it is acted on, and a journaled decision is used as is
// on replay. Runs on the loops, like the rest of the processor.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "http/http_client.h"
#include "worker/update_processor.h"
#include "worker/update_processor_loop.h"

namespace telegate::worker {
namespace {

nlohmann::json DecisionJson(const std::vector<BotAction>& actions) {
  nlohmann::json out = nlohmann::json::array();
  for (const BotAction& a : actions) {
    out.push_back({{"method", a.method}, {"params", a.params}});
  }
  return out;
}

}  // namespace

StepResult UpdateProcessor::JournaledDecision(Delivery* delivery) {
  nlohmann::json decision = nlohmann::json::parse(
      delivery->update.decision_json, nullptr, /*allow_exceptions=*/false);
  delivery->actions.clear();
  if (decision.is_discarded() || !decision.is_array()) {
    return StepResult::Decided(0, false);
  }
  for (const nlohmann::json& a : decision) {
    if (!a.is_object() || !a.contains("method") || !a["method"].is_string()) {
      continue;
    }
    delivery->actions.push_back(
        {a["method"].get<std::string>(),
         a.value("params", nlohmann::json::object())});
  }
  return StepResult::Decided(delivery->actions.size(), true);
}

void UpdateProcessor::EnsureUpstreamClient(Loop& loop) {
  UpstreamHealth* health = options_.upstream.health;
  const uint64_t target = health->generation();
  if (loop.upstream != nullptr && loop.upstream_generation == target) return;
  if (loop.upstream != nullptr) {
    log::Info("worker", "upstream_reconnect", {{"loop", int64_t{loop.index}}});
    loop.upstream_retired.push_back(std::move(loop.upstream));
  }
  const int per_loop =
      std::max(1, (options_.upstream.max_connections +
                   static_cast<int>(loops_.size()) - 1) /
                      static_cast<int>(loops_.size()));
  http::HttpClientOptions client;
  client.max_connections = per_loop;
  client.max_connections_per_host = per_loop;
  client.max_in_flight = per_loop;  // more wait in the client's queue
  loop.upstream =
      std::make_unique<http::HttpClient>(&loop.event_loop, client);
  loop.upstream_generation = target;
}

void UpdateProcessor::PostUpstream(Loop& loop, Delivery* delivery) {
  EnsureUpstreamClient(loop);
  std::erase_if(loop.upstream_retired,
                [](const auto& c) { return c->in_flight() == 0; });
  UpstreamHealth* health = options_.upstream.health;
  http::HttpRequest request;
  request.method = "POST";
  request.url = options_.upstream.url;
  request.headers = {{"Content-Type", "application/json"}};
  if (!options_.upstream.secret.empty()) {
    request.headers.emplace_back("X-Telegram-Bot-Api-Secret-Token",
                                 options_.upstream.secret);
  }
  request.body = delivery->update.payload;  // the raw JSON as received
  request.timeout = options_.upstream.timeout;
  request.connect_timeout =
      std::min(options_.upstream.timeout, absl::Seconds(10));
  const absl::Time started = clock_();
  const absl::Time previous = delivery->previous_post_at == absl::InfinitePast()
                                  ? started
                                  : delivery->previous_post_at;
  delivery->previous_post_at = started;
  health->PostStarted();
  loop.upstream->Send(
      std::move(request),
      [this, &loop, delivery, started, previous,
       health](http::HttpResponse response) {
        health->PostFinished();
        if (stopped_.load()) return;  // stays journaled
        UpstreamAnswer answer = ReadUpstreamAnswer(response);
        const absl::Time now = clock_();
        // Answered by anyone since this update's previous post started:
        // the bot is up, so this update's failure is this update's.
        const bool answered_others = health->last_answer() > previous;
        switch (answer.verdict) {
          case UpstreamVerdict::kHandled:
          case UpstreamVerdict::kRefused:
            health->RecordAnswer(now, now - started,
                                 answer.verdict == UpstreamVerdict::kHandled);
            break;
          case UpstreamVerdict::kRetry:
          case UpstreamVerdict::kMisconfigured:
            health->RecordError(
                now, answer.reason,
                answer.verdict == UpstreamVerdict::kMisconfigured);
            log::Warn("worker", "upstream_failed",
                      {{"update_id", delivery->update.update_id},
                       {"chat_key", delivery->update.chat_key},
                       {"error", answer.reason}});
            break;
        }
        if (answer.verdict == UpstreamVerdict::kHandled) {
          delivery->actions = answer.actions;
        }
        delivery->upstream_answer = std::move(answer);
        Advance(loop, delivery,
                StepResult::Upstream(delivery->upstream_answer,
                                     answered_others),
                loop.generation);
      });
}

void UpdateProcessor::RecordDecision(Loop& loop, Delivery* delivery) {
  const size_t n = delivery->actions.size();
  if (delivery->update.kind != UpdateKind::kTelegram) {
    // An operator's retry is not journaled: act at once.
    Advance(loop, delivery, StepResult::Recorded(n, true), loop.generation);
    return;
  }
  std::string json = DecisionJson(delivery->actions).dump();
  delivery->update.decision_json = json;
  journal_->RecordDecision(
      delivery->update.update_id, std::move(json),
      [this, &loop, delivery, n](absl::Status committed) {
        if (!committed.ok()) {
          log::Error("worker", "decision_not_journaled",
                     {{"update_id", delivery->update.update_id},
                      {"error", std::string(committed.message())}});
          delivery->update.decision_json.clear();
        }
        // Back on the loop: the journal's thread must not run deliveries.
        loop.event_loop.Post([this, &loop, delivery, n, ok = committed.ok()] {
          if (stopped_.load()) return;
          Advance(loop, delivery, StepResult::Recorded(n, ok),
                  loop.generation);
        });
      });
}

void UpdateProcessor::RecordUpstreamFailure(const Delivery& delivery,
                                            const std::string& reason,
                                            int status) {
  FailedDelivery failed;
  failed.kind = FailedKind::kUpstreamUpdate;
  failed.update_id = delivery.update.update_id;
  failed.chat_key = delivery.update.chat_key;
  failed.params_json = delivery.update.payload;
  failed.error_code = status;
  failed.reason = reason;
  failed.failed_at_us = absl::ToUnixMicros(clock_());
  AddFailed(std::move(failed));
}

}  // namespace telegate::worker
