// The seam between the webhook handler and the worker: deliver one parsed
// update, get the worker's acknowledgement. Implementations are thread-safe.
#ifndef TELEGATE_GATEWAY_UPDATE_SINK_H_
#define TELEGATE_GATEWAY_UPDATE_SINK_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/telegram_update.h"
#include "telegate/v1/updates.pb.h"

namespace telegate::gateway {

class UpdateSink {
 public:
  virtual ~UpdateSink() = default;
  // Blocks until the worker acknowledged `update` or the sink gave up:
  // kUnavailable (no worker reachable, stream broke) or kDeadlineExceeded.
  virtual absl::StatusOr<telegate::v1::Ack> Deliver(
      const ParsedUpdate& update, std::string payload) = 0;
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_UPDATE_SINK_H_
