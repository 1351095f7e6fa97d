// EventLoop: one thread that runs posted tasks, timers and the socket I/O of
// the HTTP clients bound to it (libcurl multi handles driven through
// curl_multi_socket_action on the loop's epoll). Nothing on a loop may block:
// every wait is a timer or a socket readiness callback.
//
// Thread-safety: Post, RunAt, AddStopHook, RemoveStopHook and Stop may be
// called from any thread but the loop's own (Stop joins it); every task,
// timer and client callback runs on the loop thread. Lifetime: Stop() (or
// the destructor) joins the thread; no task or timer runs after it returns,
// tasks and timers still queued are dropped (destroyed on the stopping
// thread). Stop hooks let the HTTP clients complete their requests with
// kCancelled at that point instead.
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
  using HookId = uint64_t;

  // Readiness bits for WatchFd.
  static constexpr int kReadable = 1;
  static constexpr int kWritable = 2;
  static constexpr int kError = 4;  // only ever reported, never asked for

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts the loop thread (named `name` for ps/top, at most 15 chars).
  absl::Status Start(std::string name);
  // Runs the stop hooks on the loop thread after its last task, then joins
  // it. Idempotent. Must not be called on the loop thread.
  void Stop();
  // True between Start and Stop.
  bool running() const;
  // True once Stop() has joined the loop thread (or ran the hooks of a loop
  // that never started): no task, timer or callback runs any more.
  bool stopped() const;

  // Runs `task` on the loop thread, in posting order. Thread-safe.
  void Post(Task task);
  // Runs `task` on the loop thread at `when` (absl::Now() clock) or soon
  // after. Thread-safe. Returns an id for Cancel.
  TimerId RunAt(absl::Time when, Task task);
  // Loop thread only (or any thread once the loop stopped): a timer not yet
  // run never runs. Unknown or already-run ids are ignored.
  void Cancel(TimerId id);

  bool InLoopThread() const;

  // For the HTTP clients bound to this loop (loop thread only, or any thread
  // once the loop stopped): watch `fd` for the given readiness (kReadable |
  // kWritable; 0 stops watching) and call `on_ready(fd, ready_bits)` when it
  // is ready (ready_bits may include kError on a socket error or hang-up).
  // A later call for the same fd replaces the watch.
  void WatchFd(int fd, int events,
               std::function<void(int fd, int ready)> on_ready);

  // `hook` runs once when the loop stops: on the loop thread after its last
  // task, or inside Stop()/the destructor if the loop never ran. Thread-safe.
  HookId AddStopHook(Task hook);
  // The hook will not run (waits for nothing: call it on the loop thread or
  // after Stop, or accept that a hook already running may finish).
  void RemoveStopHook(HookId id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_EVENT_LOOP_H_
