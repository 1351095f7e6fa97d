// EventLoop: one thread that runs posted tasks, timers and the socket I/O of
// the HTTP clients bound to it (libcurl multi handles driven through
// curl_multi_socket_action on the loop's epoll). Nothing on a loop may block:
// every wait is a timer or a socket readiness callback.
//
// Thread-safety: Post, RunAt and Stop may be called from any thread; every
// task, timer and client callback runs on the loop thread. Lifetime: Stop()
// (or the destructor) joins the thread; no task or timer runs after it
// returns, tasks still queued are dropped.
#ifndef TELEGATE_HTTP_EVENT_LOOP_H_
#define TELEGATE_HTTP_EVENT_LOOP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace telegate::http {

class EventLoop {
 public:
  using Task = std::function<void()>;
  using TimerId = uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts the loop thread (named `name` for ps/top, at most 15 chars).
  absl::Status Start(std::string name);
  void Stop();

  // Runs `task` on the loop thread, in posting order. Thread-safe.
  void Post(Task task);
  // Runs `task` on the loop thread at `when` (absl::Now() clock) or soon
  // after. Thread-safe. Returns an id for Cancel.
  TimerId RunAt(absl::Time when, Task task);
  // Loop thread only: a timer not yet run never runs.
  void Cancel(TimerId id);

  bool InLoopThread() const;

  // For the HTTP clients bound to this loop (loop thread only): watch `fd`
  // for the given readiness (bit 1 = readable, bit 2 = writable; 0 stops
  // watching) and call `on_ready(fd, ready_bits)` when it is ready.
  void WatchFd(int fd, int events, std::function<void(int fd, int ready)> on_ready);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_EVENT_LOOP_H_
