// The seam between the webhook handler and the workers: deliver one parsed
// update, learn the worker's acknowledgement by callback. Nothing waits:
// Deliver returns at once, `done` runs exactly once later (from the stream's
// reader) or inline (refused at once). Implementations are thread-safe.
#ifndef TELEGATE_GATEWAY_UPDATE_SINK_H_
#define TELEGATE_GATEWAY_UPDATE_SINK_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/telegram_update.h"
#include "telegate/v1/updates.pb.h"

namespace telegate::gateway {

class UpdateSink {
 public:
  // The worker's ack, or kUnavailable (no worker reachable, stream broke),
  // kDeadlineExceeded (no ack in time). Must not block: it runs on a gRPC
  // or timer thread, and answers are written from the listener's io thread.
  using DeliverCallback =
      std::function<void(absl::StatusOr<telegate::v1::Ack> ack)>;

  virtual ~UpdateSink() = default;
  virtual void Deliver(const ParsedUpdate& update, std::string payload,
                       DeliverCallback done) = 0;
  // True while the sink can deliver now (some worker stream is open): what
  // the public listener's /readyz reports. Thread-safe, never blocks.
  virtual bool Ready() const { return true; }
};

}  // namespace telegate::gateway

#endif  // TELEGATE_GATEWAY_UPDATE_SINK_H_
