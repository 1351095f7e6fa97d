// ProcessorRig: an UpdateProcessor wired to fakes (FakeBotApi answering on
// the loops, FakeJournal, EchoBot by default), for the processor's tests.
// Start, Add deliveries, Drain. Not thread-safe itself; the processor is.
#ifndef TELEGATE_TESTS_WORKER_PROCESSOR_RIG_H_
#define TELEGATE_TESTS_WORKER_PROCESSOR_RIG_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/worker/fake_bot_api.h"
#include "tests/worker/fake_journal.h"
#include "worker/echo_bot.h"
#include "worker/update_processor.h"

namespace telegate::testing {

struct ProcessorRig {
  FakeBotApi api;
  FakeJournal journal;
  worker::BotRuntime runtime{10};
  worker::EchoBot bot;
  worker::WorkerStats stats;
  worker::ChatScheduler scheduler;
  std::unique_ptr<worker::UpdateProcessor> processor;
  absl::Duration backoff = absl::Milliseconds(1);  // first retry's delay

  explicit ProcessorRig(int64_t error_threshold = 10)
      : runtime(error_threshold) {}
  ~ProcessorRig() {
    if (processor) processor->Stop(absl::ZeroDuration());
  }

  // Retries after `backoff`, no jitter.
  void Start(worker::ProcessorOptions options = {},
             worker::BotHandler* handler = nullptr) {
    options.retry.initial_backoff = backoff;
    options.retry.jitter = 0;
    processor = std::make_unique<worker::UpdateProcessor>(
        options, &scheduler, &journal, &runtime,
        handler != nullptr ? handler : &bot, &stats, &api);
    ASSERT_TRUE(processor->Start().ok());
    ASSERT_TRUE(runtime.InitializeAndWait().ok());
  }

  void Add(int64_t update_id, int64_t chat, const std::string& text) {
    auto d = std::make_unique<worker::Delivery>();
    d->update.update_id = update_id;
    d->update.chat_key = "c:" + std::to_string(chat);
    d->update.payload = TextUpdate(update_id, chat, text).dump();
    scheduler.Add(std::move(d));
  }

  // Waits until every delivery finished (parked ones included), then stops.
  bool Drain(absl::Duration timeout = absl::Seconds(60)) {
    bool empty = scheduler.WaitUntilEmpty(timeout);
    processor->Stop(absl::ZeroDuration());
    return empty;
  }
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_WORKER_PROCESSOR_RIG_H_
