#include "http/http_client.h"

#include <curl/curl.h>

#include <atomic>
#include <cerrno>
#include <algorithm>
#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/check.h"
#include "http/curl_error.h"
#include "http/curl_transfer.h"
#include "http/transport_error.h"

namespace telegate::http {
namespace {

absl::Status Cancelled() {
  return absl::CancelledError("request cancelled: HTTP client shut down");
}

}  // namespace

const std::string* HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
  EventLoop* loop;
  HttpClientOptions options;
  CURLM* multi = nullptr;
  EventLoop::HookId stop_hook = 0;
  std::atomic<int> in_flight{0};

  absl::Mutex mu;
  bool closed ABSL_GUARDED_BY(mu) = false;
  bool drain_posted ABSL_GUARDED_BY(mu) = false;
  std::deque<std::unique_ptr<Transfer>> incoming ABSL_GUARDED_BY(mu);

  // Loop thread only (or after the loop stopped).
  bool shut_down = false;
  bool timer_set = false;
  EventLoop::TimerId timer = 0;
  std::deque<std::unique_ptr<Transfer>> waiting;  // over max_in_flight
  std::vector<std::unique_ptr<Transfer>> failed;  // could not start
  bool failed_posted = false;
  absl::flat_hash_map<Transfer*, std::unique_ptr<Transfer>> active;
  absl::flat_hash_set<int> watched_fds;
  // Easy handles of finished transfers, reset, for the next ones (saves
  // curl's per-handle buffers and set-up).
  std::vector<CURL*> spare_easy;
  // Seen an HTTP/2 answer: transfers share connections as streams.
  bool multiplexed = false;

  // Transfers handed to curl at once. Over HTTP/1.1 one per connection, so
  // that the rest wait in our queue rather than in curl's pending list,
  // which costs it CPU on every event.
  int ActiveCap() const {
    return multiplexed ? options.max_in_flight
                       : std::min(options.max_in_flight,
                                  options.max_connections);
  }
  void Recycle(Transfer* t) {
    if (spare_easy.size() < 64) {
      curl_easy_reset(t->easy);
      spare_easy.push_back(t->easy);
      t->easy = nullptr;
    }
  }

  void Enqueue(std::unique_ptr<Transfer> t);
  void Drain();
  void Start(std::unique_ptr<Transfer> t);
  void StartWaiting();
  void OnSocket(int fd, int ready);
  void OnTimer();
  void ProcessCompleted();
  void FlushFailed();
  void Shutdown();
  void Finish(std::unique_ptr<Transfer> t) {
    in_flight.fetch_sub(1);
    HttpClient::Callback done = std::move(t->done);
    HttpResponse response = std::move(t->response);
    t.reset();
    done(std::move(response));
  }

  static int SocketCallback(CURL* easy, curl_socket_t fd, int what,
                            void* userp, void* socketp);
  static int TimerCallback(CURLM* multi, long timeout_ms,  // NOLINT
                           void* userp);
};

int HttpClient::Impl::SocketCallback(CURL*, curl_socket_t fd, int what,
                                     void* userp, void*) {
  auto* self = static_cast<Impl*>(userp);
  if (self->shut_down) return 0;
  if (what == CURL_POLL_REMOVE) {
    self->loop->WatchFd(fd, 0, nullptr);
    self->watched_fds.erase(fd);
    return 0;
  }
  int events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) {
    events |= EventLoop::kReadable;
  }
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) {
    events |= EventLoop::kWritable;
  }
  self->watched_fds.insert(fd);
  self->loop->WatchFd(fd, events,
                      [self](int fd, int ready) { self->OnSocket(fd, ready); });
  return 0;
}

int HttpClient::Impl::TimerCallback(CURLM*, long timeout_ms,  // NOLINT
                                    void* userp) {
  auto* self = static_cast<Impl*>(userp);
  if (self->shut_down) return 0;
  if (self->timer_set) {
    self->loop->Cancel(self->timer);
    self->timer_set = false;
  }
  if (timeout_ms >= 0) {
    self->timer_set = true;
    self->timer = self->loop->RunAt(
        absl::Now() + absl::Milliseconds(timeout_ms), [self] {
          self->timer_set = false;
          self->OnTimer();
        });
  }
  return 0;
}

void HttpClient::Impl::OnSocket(int fd, int ready) {
  int flags = 0;
  if (ready & EventLoop::kReadable) flags |= CURL_CSELECT_IN;
  if (ready & EventLoop::kWritable) flags |= CURL_CSELECT_OUT;
  if (ready & EventLoop::kError) flags |= CURL_CSELECT_ERR;
  int running = 0;
  curl_multi_socket_action(multi, fd, flags, &running);
  ProcessCompleted();
}

void HttpClient::Impl::OnTimer() {
  int running = 0;
  curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
  ProcessCompleted();
}

void HttpClient::Impl::Enqueue(std::unique_ptr<Transfer> t) {
  if (static_cast<int>(active.size()) < ActiveCap()) {
    Start(std::move(t));
  } else {
    waiting.push_back(std::move(t));
  }
}

void HttpClient::Impl::Drain() {
  std::deque<std::unique_ptr<Transfer>> batch;
  {
    absl::MutexLock lock(&mu);
    batch.swap(incoming);
    drain_posted = false;
  }
  for (auto& t : batch) Enqueue(std::move(t));
}

void HttpClient::Impl::StartWaiting() {
  while (!shut_down && !waiting.empty() &&
         static_cast<int>(active.size()) < ActiveCap()) {
    std::unique_ptr<Transfer> t = std::move(waiting.front());
    waiting.pop_front();
    Start(std::move(t));
  }
}

void HttpClient::Impl::Start(std::unique_ptr<Transfer> t) {
  const HttpRequest& req = t->request;
  t->started = absl::Now();
  t->max_response_bytes = options.max_response_bytes;
  CURL* e = nullptr;
  if (!spare_easy.empty()) {
    e = spare_easy.back();
    spare_easy.pop_back();
  } else {
    e = curl_easy_init();
  }
  t->easy = e;
  TELEGATE_CHECK(e != nullptr);
  if (!ConfigureEasy(t.get(), options)) {
    t->response.status = absl::InvalidArgumentError(
        absl::StrCat("malformed URL for ", PeerOf(req.url).ToString()));
    failed.push_back(std::move(t));
    if (!failed_posted) {
      failed_posted = true;
      loop->Post([weak = weak_from_this()] {
        if (auto self = weak.lock()) self->FlushFailed();
      });
    }
    return;
  }
  Transfer* raw = t.get();
  active.emplace(raw, std::move(t));
  TELEGATE_CHECK(curl_multi_add_handle(multi, e) == CURLM_OK);
}

void HttpClient::Impl::FlushFailed() {
  std::shared_ptr<Impl> keep = shared_from_this();
  failed_posted = false;
  std::vector<std::unique_ptr<Transfer>> batch;
  batch.swap(failed);
  for (auto& t : batch) Finish(std::move(t));
}

void HttpClient::Impl::ProcessCompleted() {
  // `done` may destroy the client: keep Impl alive, finish what was taken.
  std::shared_ptr<Impl> keep = shared_from_this();
  std::vector<std::unique_ptr<Transfer>> finished;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* e = msg->easy_handle;
    CURLcode code = msg->data.result;
    Transfer* raw = nullptr;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, &raw);
    auto it = active.find(raw);
    TELEGATE_CHECK(it != active.end());
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    curl_multi_remove_handle(multi, e);
    HttpResponse& r = t->response;
    r.elapsed = absl::Now() - t->started;
    long http_code = 0;  // NOLINT(google-runtime-int)
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &http_code);
    long version = 0;  // NOLINT(google-runtime-int)
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
    if (version == CURL_HTTP_VERSION_2_0 || version == CURL_HTTP_VERSION_3) {
      multiplexed = true;
    }
    if (code == CURLE_OK) {
      r.status = absl::OkStatus();
      r.code = static_cast<int>(http_code);
    } else {
      CurlFailure f;
      f.code = code;
      long os_errno = 0;  // NOLINT(google-runtime-int)
      curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
      f.os_errno = static_cast<int>(os_errno);
      f.detail = t->error;
      f.url = t->request.url;
      f.elapsed = r.elapsed;
      f.timeout = t->request.timeout;
      f.connect_timeout = t->request.connect_timeout;
      double connect_time = 0;
      curl_easy_getinfo(e, CURLINFO_CONNECT_TIME, &connect_time);
      f.connected = connect_time > 0;
      f.too_large = t->too_large;
      f.max_response_bytes = t->max_response_bytes;
      r.status = NameCurlFailure(f);
      r.code = 0;
      r.body.clear();
    }
    Recycle(t.get());
    finished.push_back(std::move(t));
  }
  StartWaiting();
  for (auto& t : finished) Finish(std::move(t));
}

void HttpClient::Impl::Shutdown() {
  if (shut_down) return;
  std::deque<std::unique_ptr<Transfer>> pending;
  {
    absl::MutexLock lock(&mu);
    closed = true;
    pending.swap(incoming);
  }
  loop->RemoveStopHook(stop_hook);
  if (timer_set) loop->Cancel(timer);
  timer_set = false;
  // Unwatch while the sockets are still open (curl closes them below).
  for (int fd : watched_fds) loop->WatchFd(fd, 0, nullptr);
  watched_fds.clear();
  shut_down = true;  // curl's callbacks from here on are ignored
  std::vector<std::unique_ptr<Transfer>> cancelled;
  for (auto& [raw, t] : active) {
    curl_multi_remove_handle(multi, t->easy);
    cancelled.push_back(std::move(t));
  }
  active.clear();
  for (auto& t : waiting) cancelled.push_back(std::move(t));
  waiting.clear();
  for (auto& t : pending) cancelled.push_back(std::move(t));
  std::vector<std::unique_ptr<Transfer>> not_started;
  not_started.swap(failed);
  curl_multi_cleanup(multi);
  multi = nullptr;
  for (CURL* e : spare_easy) curl_easy_cleanup(e);
  spare_easy.clear();
  for (auto& t : not_started) Finish(std::move(t));
  for (auto& t : cancelled) {
    t->response = HttpResponse();
    t->response.status = Cancelled();
    Finish(std::move(t));
  }
}

HttpClient::HttpClient(EventLoop* loop, HttpClientOptions options)
    : impl_(std::make_shared<Impl>()) {
  GlobalInit();
  impl_->loop = loop;
  impl_->options = std::move(options);
  if (impl_->options.max_in_flight < 1) impl_->options.max_in_flight = 1;
  CURLM* m = impl_->multi = curl_multi_init();
  TELEGATE_CHECK(m != nullptr);
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &Impl::SocketCallback);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, impl_.get());
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &Impl::TimerCallback);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, impl_.get());
  curl_multi_setopt(m, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(impl_->options.max_connections));  // NOLINT
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(  // NOLINT
                        impl_->options.max_connections_per_host));
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(impl_->options.max_connections));  // NOLINT
  impl_->stop_hook = loop->AddStopHook(
      [weak = std::weak_ptr<Impl>(impl_)] {
        if (auto self = weak.lock()) self->Shutdown();
      });
}

HttpClient::~HttpClient() { impl_->Shutdown(); }

void HttpClient::Send(HttpRequest request, Callback done) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  Impl& impl = *impl_;
  impl.in_flight.fetch_add(1);
  bool on_loop = impl.loop->InLoopThread();
  bool closed;
  {
    absl::MutexLock lock(&impl.mu);
    closed = impl.closed;
    if (!closed && !on_loop) {
      impl.incoming.push_back(std::move(t));
      if (!impl.drain_posted) {
        impl.drain_posted = true;
        impl.loop->Post([weak = std::weak_ptr<Impl>(impl_)] {
          if (auto self = weak.lock()) self->Drain();
        });
      }
      return;
    }
  }
  if (closed) {  // after Shutdown: at once, on this thread
    t->response.status = Cancelled();
    impl.Finish(std::move(t));
    return;
  }
  impl.Enqueue(std::move(t));
}

int HttpClient::in_flight() const { return impl_->in_flight.load(); }

}  // namespace telegate::http
