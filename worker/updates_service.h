// gRPC adapter for telegate.v1.Updates: reads updates from a gateway,
// submits each to the Intake and acknowledges it once the Intake decided
// (after the journal commit for accepted ones). Two methods, one reactor:
// StreamBatches (several updates per message; every ack that completes
// while an ack write is in flight goes into the next AckBatch) and Stream
// (one update and one ack per message, for gateways one release older).
// Callback API: reactor callbacks never block; one write in flight, the
// next started from OnWriteDone; initial metadata is sent at once so the
// gateway knows the stream is open; the call finishes only when reads are
// done and every ack is written. The service must outlive the gRPC
// server's shutdown.
#ifndef TELEGATE_WORKER_UPDATES_SERVICE_H_
#define TELEGATE_WORKER_UPDATES_SERVICE_H_

#include "telegate/v1/updates.grpc.pb.h"
#include "worker/auth.h"
#include "worker/intake.h"

namespace telegate::worker {

// Maps an intake decision to the ack sent back to the gateway.
telegate::v1::Ack MakeAck(uint64_t seq, int64_t update_id,
                          SubmitResult result);

class UpdatesService final : public telegate::v1::Updates::CallbackService {
 public:
  // `auth` must outlive the service.
  UpdatesService(Intake* intake, const BearerAuth* auth)
      : intake_(intake), auth_(auth) {}

  grpc::ServerBidiReactor<telegate::v1::Update, telegate::v1::Ack>* Stream(
      grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<telegate::v1::UpdateBatch, telegate::v1::AckBatch>*
  StreamBatches(grpc::CallbackServerContext* context) override;

 private:
  template <typename In, typename Out>
  grpc::ServerBidiReactor<In, Out>* Open(grpc::CallbackServerContext* context);

  Intake* const intake_;
  const BearerAuth* const auth_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_UPDATES_SERVICE_H_
