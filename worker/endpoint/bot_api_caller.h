// The seam between the worker's Bot API endpoint (worker/endpoint/) and the
// worker's processing loops: one Bot API call made through a loop's current
// per-thread client, counted for error recovery like a delivery's calls.
// The endpoint owns ordering per chat and 429 waits; the caller only makes
// one attempt. Implemented by UpdateProcessor; tests use a fake.
//
// Thread-safety: implementations accept calls from any thread; `done` runs
// exactly once, on some loop thread (or inline if the worker is stopping),
// and must not block.
#ifndef TELEGATE_WORKER_ENDPOINT_BOT_API_CALLER_H_
#define TELEGATE_WORKER_ENDPOINT_BOT_API_CALLER_H_

#include <functional>
#include <string>

#include "common/bot_api_client.h"
#include "http/http_client.h"
#include "nlohmann/json.hpp"

namespace telegate::worker {

class BotApiCaller {
 public:
  using Done = std::function<void(ApiResult)>;
  virtual ~BotApiCaller() = default;

  // `method` with JSON params (from a JSON, form or query request).
  virtual void CallJson(std::string method, nlohmann::json params,
                        Done done) = 0;
  // `method` with a body passed through as received (multipart/form-data
  // uploads): `content_type` is the caller's, boundary included.
  virtual void CallRaw(std::string method, std::string content_type,
                       std::string body, Done done) = 0;
  // GET <base>/file/bot<token>/<file_path>: the HTTP answer as is (status,
  // headers, body); `done` runs once like above.
  virtual void FetchFile(std::string file_path,
                         std::function<void(http::HttpResponse)> done) = 0;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_ENDPOINT_BOT_API_CALLER_H_
