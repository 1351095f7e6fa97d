// gRPC adapter for telegate.v1.Updates/Stream: reads updates from a gateway,
// submits each to the Dispatcher and writes one Ack per update. Callback API:
// reactor callbacks never block; one write in flight, the next started from
// OnWriteDone. The service must outlive the gRPC server's shutdown.
#ifndef TELEGATE_WORKER_UPDATES_SERVICE_H_
#define TELEGATE_WORKER_UPDATES_SERVICE_H_

#include "telegate/v1/updates.grpc.pb.h"
#include "worker/dispatcher.h"

namespace telegate::worker {

// Maps a dispatcher decision to the ack sent back to the gateway.
telegate::v1::Ack MakeAck(const telegate::v1::Update& update,
                          SubmitResult result);

class UpdatesService final : public telegate::v1::Updates::CallbackService {
 public:
  explicit UpdatesService(Dispatcher* dispatcher) : dispatcher_(dispatcher) {}

  grpc::ServerBidiReactor<telegate::v1::Update, telegate::v1::Ack>* Stream(
      grpc::CallbackServerContext* context) override;

 private:
  Dispatcher* const dispatcher_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_UPDATES_SERVICE_H_
