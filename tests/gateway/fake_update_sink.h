// FakeUpdateSink: an asynchronous UpdateSink for gateway tests. Records
// every delivery (update_id, chat key, exact payload bytes) and answers with
// a scripted Ack or error status; by default ACCEPTED for the delivered
// update_id. Answers inline unless HoldAnswers() was called: then each
// callback is kept until Release() answers them all, from the releasing
// thread, as a worker's stream reader would. Thread-safe.
#ifndef TELEGATE_TESTS_GATEWAY_FAKE_UPDATE_SINK_H_
#define TELEGATE_TESTS_GATEWAY_FAKE_UPDATE_SINK_H_

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/update_sink.h"

namespace telegate::testing {

struct Delivery {
  int64_t update_id = 0;
  std::string chat_key;
  std::string payload;
};

class FakeUpdateSink : public gateway::UpdateSink {
 public:
  // Every later answer is `answer` (an Ack or an error status).
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

  // What Ready() answers (true at first).
  void SetReady(bool ready) { ready_.store(ready); }
  bool Ready() const override { return ready_.load(); }

  // From now on callbacks wait for Release().
  void HoldAnswers() {
    absl::MutexLock lock(&mu_);
    holding_ = true;
  }
  // True once `n` callbacks are held; false if `timeout` passes first.
  bool AwaitHeld(size_t n, absl::Duration timeout = absl::Seconds(30)) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return held_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  // Answers every held callback (with the answer scripted now), in order,
  // on this thread, and stops holding.
  void Release() {
    std::vector<std::pair<int64_t, DeliverCallback>> held;
    {
      absl::MutexLock lock(&mu_);
      holding_ = false;
      held.swap(held_);
    }
    for (auto& [update_id, done] : held) done(Answer(update_id));
  }

  void Deliver(const ParsedUpdate& update, std::string payload,
               DeliverCallback done) override {
    {
      absl::MutexLock lock(&mu_);
      deliveries_.push_back(
          {update.update_id, update.chat_key, std::move(payload)});
      if (holding_) {
        held_.emplace_back(update.update_id, std::move(done));
        return;
      }
    }
    done(Answer(update.update_id));
  }

  std::vector<Delivery> deliveries() const {
    absl::MutexLock lock(&mu_);
    return deliveries_;
  }

 private:
  std::atomic<bool> ready_{true};
  absl::StatusOr<telegate::v1::Ack> Answer(int64_t update_id) const {
    absl::MutexLock lock(&mu_);
    if (answer_.has_value() && !answer_->ok()) return answer_->status();
    telegate::v1::Ack ack;
    if (answer_.has_value()) {
      ack = **answer_;
    } else {
      ack.set_result(telegate::v1::Ack::ACCEPTED);
    }
    ack.set_update_id(update_id);
    return ack;
  }

  mutable absl::Mutex mu_;
  std::optional<absl::StatusOr<telegate::v1::Ack>> answer_ ABSL_GUARDED_BY(mu_);
  std::vector<Delivery> deliveries_ ABSL_GUARDED_BY(mu_);
  bool holding_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::pair<int64_t, DeliverCallback>> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_GATEWAY_FAKE_UPDATE_SINK_H_
