// A stand-in http::EventLoop (posted tasks and timers on one thread, no
// socket watching) so the worker and its tests link while the real loop
// (http/event_loop.cc) is not in this tree. Built only when the telegate_http
// target does not exist; delete once it does.
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "http/event_loop.h"

namespace telegate::http {

struct EventLoop::Impl {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Task> tasks;
  std::multimap<absl::Time, std::pair<TimerId, Task>> timers;
  TimerId next_id = 0;
  bool stopping = false;
  std::thread thread;
  std::thread::id id;

  void Run() {
    std::unique_lock<std::mutex> lock(mu);
    id = std::this_thread::get_id();
    while (!stopping) {
      absl::Time now = absl::Now();
      if (!timers.empty() && timers.begin()->first <= now) {
        Task t = std::move(timers.begin()->second.second);
        timers.erase(timers.begin());
        lock.unlock();
        t();
        lock.lock();
        continue;
      }
      if (!tasks.empty()) {
        Task t = std::move(tasks.front());
        tasks.pop_front();
        lock.unlock();
        t();
        lock.lock();
        continue;
      }
      if (timers.empty()) {
        cv.wait(lock);
      } else {
        cv.wait_for(lock, absl::ToChronoNanoseconds(timers.begin()->first - now));
      }
    }
  }
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}
EventLoop::~EventLoop() { Stop(); }

absl::Status EventLoop::Start(std::string) {
  impl_->thread = std::thread([this] { impl_->Run(); });
  return absl::OkStatus();
}

void EventLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  std::deque<Task> tasks;
  std::multimap<absl::Time, std::pair<TimerId, Task>> timers;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    tasks.swap(impl_->tasks);
    timers.swap(impl_->timers);
  }
}

void EventLoop::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->tasks.push_back(std::move(task));
  }
  impl_->cv.notify_one();
}

EventLoop::TimerId EventLoop::RunAt(absl::Time when, Task task) {
  TimerId id;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    id = ++impl_->next_id;
    impl_->timers.emplace(when, std::make_pair(id, std::move(task)));
  }
  impl_->cv.notify_one();
  return id;
}

void EventLoop::Cancel(TimerId id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (auto it = impl_->timers.begin(); it != impl_->timers.end(); ++it) {
    if (it->second.first == id) {
      impl_->timers.erase(it);
      return;
    }
  }
}

bool EventLoop::InLoopThread() const {
  return std::this_thread::get_id() == impl_->id;
}

void EventLoop::WatchFd(int, int, std::function<void(int, int)>) {
  std::abort();  // no sockets in the stand-in
}

}  // namespace telegate::http
