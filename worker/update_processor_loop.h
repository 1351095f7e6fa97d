// UpdateProcessor's per-loop state, shared by its two source files
// (update_processor.cc, update_processor_upstream.cc). Private to them.
#ifndef TELEGATE_WORKER_UPDATE_PROCESSOR_LOOP_H_
#define TELEGATE_WORKER_UPDATE_PROCESSOR_LOOP_H_

#include <atomic>
#include <memory>
#include <vector>

#include "common/async_bot_api.h"
#include "http/event_loop.h"
#include "http/http_client.h"
#include "worker/update_processor.h"

namespace telegate::worker {

struct UpdateProcessor::Loop {
  int index = 0;
  http::EventLoop event_loop;
  // Loop thread only.
  std::unique_ptr<AsyncBotApiClient> client;
  uint64_t generation = 0;
  std::vector<std::unique_ptr<AsyncBotApiClient>> retired;
  http::EventLoop::TimerId wake_timer = 0;
  absl::Time wake_armed = absl::InfiniteFuture();
  // Any thread.
  std::atomic<bool> pump_posted{false};
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> chats_served{0};
  std::atomic<int64_t> calls{0};
  std::atomic<uint64_t> generation_seen{0};
  // The upstream bot's connections (loop thread only); retired ones live
  // until their posts completed.
  std::unique_ptr<http::HttpClient> upstream;
  uint64_t upstream_generation = 0;
  std::vector<std::unique_ptr<http::HttpClient>> upstream_retired;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_UPDATE_PROCESSOR_LOOP_H_
