// UpdateProcessor as the Bot API endpoint's BotApiCaller: a call from the
// user's bot (or an internal service) goes out through a loop's current
// per-thread client, like a delivery's action, and is counted for error
// recovery. Ordering per chat and 429 waits belong to the endpoint.
#include <utility>

#include "common/log.h"
#include "worker/update_processor.h"
#include "worker/update_processor_loop.h"

namespace telegate::worker {
namespace {

ApiResult Unavailable() {
  ApiResult none;
  none.description = "worker stopping";
  return none;
}

}  // namespace

void UpdateProcessor::OnSomeLoop(
    std::function<void(Loop&, uint64_t generation)> start,
    std::function<void()> unavailable) {
  if (!started_ || stopped_.load() || loops_.empty()) {
    unavailable();
    return;
  }
  uint32_t i = next_loop_.fetch_add(1, std::memory_order_relaxed);
  Loop& l = *loops_[i % loops_.size()];
  l.event_loop.Post([this, &l, start = std::move(start),
                     unavailable = std::move(unavailable)] {
    EnsureClient(l);
    if (l.client == nullptr || stopped_.load()) {
      unavailable();
      return;
    }
    start(l, l.generation);
  });
}

void UpdateProcessor::AccountEndpointCall(std::string_view method,
                                          const ApiResult& result,
                                          uint64_t generation) {
  switch (Classify(result)) {
    case Outcome::kOk:
      runtime_->RecordSuccess(generation);
      return;
    case Outcome::kTransient:
      runtime_->RecordError(generation, DescribeFailure(method, result));
      return;
    case Outcome::kPermanent:
      if (result.http_status == 401 || result.http_status == 404) {
        runtime_->RecordError(generation, DescribeFailure(method, result));
      }
      return;
    case Outcome::kRetryAfter:
    case Outcome::kMigrated:
      return;
  }
}

void UpdateProcessor::EndpointCall(
    std::string method,
    std::function<void(AsyncBotApiClient&, AsyncBotApiClient::Callback)> call,
    Done done) {
  auto shared_done = std::make_shared<Done>(std::move(done));
  OnSomeLoop(
      [this, method = std::move(method), call = std::move(call),
       shared_done](Loop& l, uint64_t generation) {
        l.calls.fetch_add(1, std::memory_order_relaxed);
        l.in_flight.fetch_add(1);
        call(*l.client, [this, &l, method, generation,
                         shared_done](ApiResult result) {
          l.in_flight.fetch_sub(1);
          AccountEndpointCall(method, result, generation);
          (*shared_done)(std::move(result));
        });
      },
      [shared_done] { (*shared_done)(Unavailable()); });
}

void UpdateProcessor::CallJson(std::string method, nlohmann::json params,
                               Done done) {
  EndpointCall(
      method,
      [method, params = std::move(params)](
          AsyncBotApiClient& client, AsyncBotApiClient::Callback cb) {
        client.Call(method, params, std::move(cb));
      },
      std::move(done));
}

void UpdateProcessor::CallRaw(std::string method, std::string content_type,
                              std::string body, Done done) {
  EndpointCall(
      method,
      [method, content_type = std::move(content_type),
       body = std::move(body)](AsyncBotApiClient& client,
                               AsyncBotApiClient::Callback cb) mutable {
        client.CallRaw(method, std::move(content_type), std::move(body),
                       std::move(cb));
      },
      std::move(done));
}

void UpdateProcessor::FetchFile(
    std::string file_path, std::function<void(http::HttpResponse)> done) {
  auto shared_done =
      std::make_shared<std::function<void(http::HttpResponse)>>(
          std::move(done));
  OnSomeLoop(
      [file_path = std::move(file_path), shared_done](Loop& l, uint64_t) {
        l.client->FetchFile(file_path, [shared_done](http::HttpResponse r) {
          (*shared_done)(std::move(r));
        });
      },
      [shared_done] {
        http::HttpResponse none;
        none.status = absl::UnavailableError("worker stopping");
        (*shared_done)(std::move(none));
      });
}

}  // namespace telegate::worker
