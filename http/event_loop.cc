#include "http/event_loop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <queue>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/check.h"

namespace telegate::http {
namespace {

struct TimerEntry {
  absl::Time when;
  EventLoop::TimerId id;  // also the tie-breaker: earlier RunAt first
  bool operator>(const TimerEntry& other) const {
    if (when != other.when) return when > other.when;
    return id > other.id;
  }
};

using FdCallback = std::function<void(int, int)>;

}  // namespace

struct EventLoop::Impl {
  int epoll_fd = -1;
  int wake_fd = -1;
  std::thread thread;
  std::atomic<std::thread::id> loop_thread_id{};
  std::atomic<bool> running{false};
  std::atomic<bool> finished{false};  // Stop() joined
  std::atomic<bool> stop_requested{false};  // mirrors `stopping`, lock-free

  absl::Mutex mu;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  bool stopped ABSL_GUARDED_BY(mu) = false;
  bool wake_pending ABSL_GUARDED_BY(mu) = false;
  std::vector<Task> posted ABSL_GUARDED_BY(mu);
  std::priority_queue<TimerEntry, std::vector<TimerEntry>,
                      std::greater<TimerEntry>>
      timer_heap ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<TimerId, Task> timers ABSL_GUARDED_BY(mu);
  TimerId next_timer_id ABSL_GUARDED_BY(mu) = 1;
  absl::flat_hash_map<HookId, Task> hooks ABSL_GUARDED_BY(mu);
  HookId next_hook_id ABSL_GUARDED_BY(mu) = 1;

  // Loop thread only (or after the loop stopped).
  // A watch stopped with WatchFd(fd, 0) stays registered with epoll,
  // "parked", until its next event or the next WatchFd for that fd: a
  // keep-alive connection's owner unwatches it after every response and
  // watches it again for the next request, and parking saves that
  // epoll_ctl DEL + ADD pair per request.
  struct Watch {
    int events = 0;
    bool parked = false;
    std::shared_ptr<FdCallback> on_ready;
  };
  absl::flat_hash_map<int, Watch> watches;

  bool OnLoopOrStopped() const {
    return loop_thread_id.load() == std::this_thread::get_id() ||
           !running.load();
  }

  void Wake() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (wake_pending) return;
    wake_pending = true;
    uint64_t one = 1;
    ssize_t n = write(wake_fd, &one, sizeof(one));
    (void)n;  // the counter cannot overflow with one write per drain
  }

  void Run();
  void RunHooks();
  int NextTimeoutMs();
  void RunDueTimers();
  void RunPosted();
};

void EventLoop::Impl::Run() {
  loop_thread_id.store(std::this_thread::get_id());
  std::vector<epoll_event> events(64);
  while (true) {
    if (stop_requested.load(std::memory_order_acquire)) break;
    int timeout_ms = NextTimeoutMs();
    int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                       timeout_ms);
    if (n < 0) {
      TELEGATE_CHECK(errno == EINTR);
      n = 0;
    }
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd) {
        uint64_t count = 0;
        ssize_t r = read(wake_fd, &count, sizeof(count));
        (void)r;
        continue;
      }
      auto it = watches.find(fd);
      if (it == watches.end()) continue;  // unwatched by an earlier callback
      if (it->second.parked) {  // nobody wants it: unregister for real
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
        watches.erase(it);
        continue;
      }
      uint32_t ev = events[i].events;
      int ready = 0;
      if (ev & EPOLLIN) ready |= kReadable;
      if (ev & EPOLLOUT) ready |= kWritable;
      if (ev & (EPOLLERR | EPOLLHUP)) ready |= kError | it->second.events;
      // Keep the callback alive even if it unwatches its own fd.
      std::shared_ptr<FdCallback> cb = it->second.on_ready;
      (*cb)(fd, ready);
    }
    if (n == static_cast<int>(events.size())) events.resize(events.size() * 2);
    RunDueTimers();
    RunPosted();
  }
  RunHooks();
}

void EventLoop::Impl::RunHooks() {
  absl::flat_hash_map<HookId, Task> to_run;
  {
    absl::MutexLock lock(&mu);
    stopped = true;
    to_run.swap(hooks);
  }
  for (auto& [id, hook] : to_run) hook();
}

int EventLoop::Impl::NextTimeoutMs() {
  absl::MutexLock lock(&mu);
  if (!posted.empty()) return 0;
  while (!timer_heap.empty() && !timers.contains(timer_heap.top().id)) {
    timer_heap.pop();  // cancelled
  }
  if (timer_heap.empty()) return -1;
  absl::Duration wait = timer_heap.top().when - absl::Now();
  if (wait <= absl::ZeroDuration()) return 0;
  // Round up so that a timer never fires early and spins.
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(wait, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, 60 * 60 * 1000));
}

void EventLoop::Impl::RunDueTimers() {
  absl::Time now = absl::Now();
  // One at a time, so that a timer may cancel another one due as well.
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu);
      if (stopping) return;
      if (timer_heap.empty() || timer_heap.top().when > now) return;
      TimerId id = timer_heap.top().id;
      timer_heap.pop();
      auto it = timers.find(id);
      if (it == timers.end()) continue;
      task = std::move(it->second);
      timers.erase(it);
    }
    task();
  }
}

void EventLoop::Impl::RunPosted() {
  std::vector<Task> batch;
  {
    absl::MutexLock lock(&mu);
    batch.swap(posted);
    wake_pending = false;
  }
  for (Task& task : batch) {
    // Once Stop was called the rest is dropped with `batch`.
    if (stop_requested.load(std::memory_order_acquire)) return;
    task();
  }
}

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  TELEGATE_CHECK(impl_->epoll_fd >= 0 && impl_->wake_fd >= 0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = impl_->wake_fd;
  TELEGATE_CHECK(epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, impl_->wake_fd,
                           &ev) == 0);
}

EventLoop::~EventLoop() {
  Stop();
  close(impl_->wake_fd);
  close(impl_->epoll_fd);
}

absl::Status EventLoop::Start(std::string name) {
  {
    absl::MutexLock lock(&impl_->mu);
    if (impl_->stopping || impl_->thread.joinable()) {
      return absl::FailedPreconditionError("event loop already started");
    }
  }
  impl_->running.store(true);
  impl_->thread = std::thread([impl = impl_.get()] { impl->Run(); });
  name.resize(std::min<size_t>(name.size(), 15));
  pthread_setname_np(impl_->thread.native_handle(), name.c_str());
  return absl::OkStatus();
}

void EventLoop::Stop() {
  TELEGATE_CHECK(!InLoopThread());
  {
    absl::MutexLock lock(&impl_->mu);
    impl_->stopping = true;
    impl_->stop_requested.store(true, std::memory_order_release);
    impl_->Wake();
  }
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  } else {
    impl_->RunHooks();  // never started: hooks run here
  }
  impl_->running.store(false);
  impl_->finished.store(true);
  std::vector<Task> dropped;
  absl::flat_hash_map<TimerId, Task> dropped_timers;
  {
    absl::MutexLock lock(&impl_->mu);
    dropped.swap(impl_->posted);
    dropped_timers.swap(impl_->timers);
  }
  // Destroyed here, outside the lock: their captures may post or cancel.
}

bool EventLoop::running() const { return impl_->running.load(); }

bool EventLoop::stopped() const { return impl_->finished.load(); }

void EventLoop::Post(Task task) {
  absl::MutexLock lock(&impl_->mu);
  if (impl_->stopped) return;  // dropped (destroyed with `task`)
  impl_->posted.push_back(std::move(task));
  if (!InLoopThread()) impl_->Wake();
}

EventLoop::TimerId EventLoop::RunAt(absl::Time when, Task task) {
  absl::MutexLock lock(&impl_->mu);
  TimerId id = impl_->next_timer_id++;
  if (impl_->stopped) return id;
  bool earliest =
      impl_->timer_heap.empty() || when < impl_->timer_heap.top().when;
  impl_->timer_heap.push({when, id});
  impl_->timers.emplace(id, std::move(task));
  if (earliest && !InLoopThread()) impl_->Wake();
  return id;
}

void EventLoop::Cancel(TimerId id) {
  TELEGATE_CHECK(impl_->OnLoopOrStopped());
  Task dropped;
  absl::MutexLock lock(&impl_->mu);
  auto it = impl_->timers.find(id);
  if (it == impl_->timers.end()) return;
  dropped = std::move(it->second);
  impl_->timers.erase(it);
  // The heap entry is skipped when it reaches the top.
}

bool EventLoop::InLoopThread() const {
  return impl_->loop_thread_id.load() == std::this_thread::get_id();
}

void EventLoop::WatchFd(int fd, int events,
                        std::function<void(int fd, int ready)> on_ready) {
  TELEGATE_CHECK(impl_->OnLoopOrStopped());
  auto it = impl_->watches.find(fd);
  if (events == 0) {
    if (it == impl_->watches.end()) return;
    // Parked, not deleted (see Watch). If the owner closes the fd, the
    // kernel drops the registration itself; a new fd with that number then
    // gets ADD through the ENOENT fallback below.
    it->second.parked = true;
    it->second.on_ready.reset();
    return;
  }
  if (it != impl_->watches.end() && !it->second.parked &&
      it->second.events == events) {
    it->second.on_ready = std::make_shared<FdCallback>(std::move(on_ready));
    return;  // same interest: no syscall
  }
  epoll_event ev{};
  ev.events = ((events & kReadable) ? EPOLLIN : 0u) |
              ((events & kWritable) ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  int op = it == impl_->watches.end() ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(impl_->epoll_fd, op, fd, &ev) != 0) {
    // A closed-and-reused fd number the kernel already forgot: add anew.
    bool retried = false;
    if (op == EPOLL_CTL_MOD && errno == ENOENT) {
      retried = epoll_ctl(impl_->epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
    } else if (op == EPOLL_CTL_ADD && errno == EEXIST) {
      retried = epoll_ctl(impl_->epoll_fd, EPOLL_CTL_MOD, fd, &ev) == 0;
    }
    if (!retried) {
      // Not a pollable fd (closed under us): never reported; the owner's
      // own timeout ends whatever waited on it.
      if (it != impl_->watches.end()) impl_->watches.erase(it);
      return;
    }
  }
  Impl::Watch& watch = impl_->watches[fd];
  watch.events = events;
  watch.parked = false;
  watch.on_ready = std::make_shared<FdCallback>(std::move(on_ready));
}

EventLoop::HookId EventLoop::AddStopHook(Task hook) {
  absl::MutexLock lock(&impl_->mu);
  HookId id = impl_->next_hook_id++;
  if (impl_->stopped) return id;  // too late: never runs
  impl_->hooks.emplace(id, std::move(hook));
  return id;
}

void EventLoop::RemoveStopHook(HookId id) {
  Task dropped;
  absl::MutexLock lock(&impl_->mu);
  auto it = impl_->hooks.find(id);
  if (it == impl_->hooks.end()) return;
  dropped = std::move(it->second);
  impl_->hooks.erase(it);
}

}  // namespace telegate::http
