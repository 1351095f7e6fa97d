// FakeUpdateSink: an UpdateSink for gateway tests. Records every delivery
// (update_id, chat key, exact payload bytes) and answers with a scripted
// Ack or error status; by default ACCEPTED for the delivered update_id.
// Thread-safe.
#ifndef TELEGATE_TESTS_GATEWAY_FAKE_UPDATE_SINK_H_
#define TELEGATE_TESTS_GATEWAY_FAKE_UPDATE_SINK_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gateway/update_sink.h"

namespace telegate::testing {

struct Delivery {
  int64_t update_id = 0;
  std::string chat_key;
  std::string payload;
};

class FakeUpdateSink : public gateway::UpdateSink {
 public:
  // Every later Deliver answers `answer` (an Ack or an error status).
  void AnswerWith(absl::StatusOr<telegate::v1::Ack> answer) {
    absl::MutexLock lock(&mu_);
    answer_ = std::move(answer);
  }
  void AnswerWith(telegate::v1::Ack::Result result, std::string reason = "",
                  int retry_after_seconds = 0) {
    telegate::v1::Ack ack;
    ack.set_result(result);
    ack.set_reason(std::move(reason));
    ack.set_retry_after_seconds(retry_after_seconds);
    AnswerWith(absl::StatusOr<telegate::v1::Ack>(std::move(ack)));
  }

  absl::StatusOr<telegate::v1::Ack> Deliver(const ParsedUpdate& update,
                                            std::string payload) override {
    absl::MutexLock lock(&mu_);
    deliveries_.push_back({update.update_id, update.chat_key, std::move(payload)});
    if (!answer_.has_value()) {
      telegate::v1::Ack ack;
      ack.set_update_id(update.update_id);
      ack.set_result(telegate::v1::Ack::ACCEPTED);
      return ack;
    }
    if (answer_->ok()) {
      telegate::v1::Ack ack = **answer_;
      ack.set_update_id(update.update_id);
      return ack;
    }
    return answer_->status();
  }

  std::vector<Delivery> deliveries() const {
    absl::MutexLock lock(&mu_);
    return deliveries_;
  }

 private:
  mutable absl::Mutex mu_;
  std::optional<absl::StatusOr<telegate::v1::Ack>> answer_ ABSL_GUARDED_BY(mu_);
  std::vector<Delivery> deliveries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_FAKE_UPDATE_SINK_H_
