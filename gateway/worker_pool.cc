#include "gateway/worker_pool.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/address.h"
#include "common/log.h"
#include "gateway/chat_router.h"

namespace telegate::gateway {
namespace {

constexpr std::string_view kDnsPrefix = "dns:///";

}  // namespace

std::shared_ptr<grpc::Channel> MakeWorkerChannel(const std::string& address) {
  grpc::ChannelArguments args;
  // Reconnect attempts 100 ms apart at first, never more than 1 s apart;
  // a connection attempt may take up to 2 s (TLS, a slow network).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // A ping every 2 s, the connection dropped when one is not answered
  // within 2 s: a vanished host is noticed in 2-4 s. The worker accepts
  // pings this often (worker_server.cc).
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 2000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

absl::StatusOr<std::vector<std::string>> ResolveAll(const std::string& host,
                                                    int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &result);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve '", host, "': ", gai_strerror(rc)));
  }
  std::vector<std::string> out;
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* addr =
        ai->ai_family == AF_INET
            ? static_cast<const void*>(
                  &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr)
            : static_cast<const void*>(
                  &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    if (inet_ntop(ai->ai_family, addr, text, sizeof(text)) == nullptr) continue;
    std::string address = FormatHostPort(text, port);
    if (std::find(out.begin(), out.end(), address) == out.end()) {
      out.push_back(std::move(address));
    }
  }
  freeaddrinfo(result);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseWorkerTargets(
    std::string_view list) {
  std::vector<std::string> targets;
  for (absl::string_view piece : absl::StrSplit(
           absl::string_view(list.data(), list.size()), ',')) {
    std::string entry(absl::StripAsciiWhitespace(piece));
    if (entry.empty()) continue;
    std::string_view address = entry;
    if (entry.starts_with(kDnsPrefix)) {
      address.remove_prefix(kDnsPrefix.size());
    }
    absl::Status ok = CheckAddress("TELEGATE_WORKER_ADDRESS", address);
    if (!ok.ok()) return ok;
    absl::StatusOr<HostPort> hp = ParseHostPort(address);
    if (hp->port == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "TELEGATE_WORKER_ADDRESS: '", entry, "' needs a port other than 0"));
    }
    if (std::find(targets.begin(), targets.end(), entry) != targets.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "TELEGATE_WORKER_ADDRESS: '", entry, "' is listed twice"));
    }
    targets.push_back(std::move(entry));
  }
  if (targets.empty()) {
    return absl::InvalidArgumentError(
        "TELEGATE_WORKER_ADDRESS: at least one worker address is required");
  }
  return targets;
}

WorkerPool::WorkerPool(WorkerPoolOptions options)
    : options_(std::move(options)), snapshot_(std::make_shared<Snapshot>()) {
  for (const std::string& t : options_.targets) {
    if (t.starts_with(kDnsPrefix)) has_dns_targets_ = true;
  }
}

WorkerPool::~WorkerPool() { Stop(); }

absl::StatusOr<std::vector<std::string>> WorkerPool::ExpandTargets() const {
  std::vector<std::string> out;
  for (const std::string& target : options_.targets) {
    if (!target.starts_with(kDnsPrefix)) {
      out.push_back(target);
      continue;
    }
    absl::StatusOr<HostPort> hp =
        ParseHostPort(std::string_view(target).substr(kDnsPrefix.size()));
    if (!hp.ok()) return hp.status();
    absl::StatusOr<std::vector<std::string>> found =
        options_.resolve ? options_.resolve(hp->host, hp->port)
                         : ResolveAll(hp->host, hp->port);
    if (!found.ok()) return found.status();
    for (std::string& a : *found) {
      if (std::find(out.begin(), out.end(), a) == out.end()) {
        out.push_back(std::move(a));
      }
    }
  }
  return out;
}

absl::Status WorkerPool::Start() {
  absl::StatusOr<std::vector<std::string>> addresses = ExpandTargets();
  if (!addresses.ok()) return addresses.status();
  if (addresses->empty()) {
    return absl::UnavailableError(
        "TELEGATE_WORKER_ADDRESS resolves to no address");
  }
  Reconcile(*addresses);
  if (has_dns_targets_) resolver_ = std::thread([this] { ResolveLoop(); });
  return absl::OkStatus();
}

void WorkerPool::Reconcile(const std::vector<std::string>& addresses) {
  std::vector<std::shared_ptr<Member>> removed;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    auto next = std::make_shared<Snapshot>();
    std::vector<std::shared_ptr<Member>>& members = next->members;
    for (const std::shared_ptr<Member>& m : snapshot_->members) {
      bool keep = std::find(addresses.begin(), addresses.end(), m->address) !=
                  addresses.end();
      (keep ? members : removed).push_back(m);
    }
    for (const std::string& address : addresses) {
      bool known = std::any_of(members.begin(), members.end(), [&](auto& m) {
        return m->address == address;
      });
      if (known) continue;
      auto member = std::make_shared<Member>();
      member->address = address;
      member->link = std::make_unique<WorkerLink>(
          options_.make_channel ? options_.make_channel(address)
                                : MakeWorkerChannel(address),
          options_.link);
      member->link->Start();
      log::Info("gateway", "worker_added", {{"address", address}});
      members.push_back(std::move(member));
    }
    std::sort(members.begin(), members.end(),
              [](auto& a, auto& b) { return a->address < b->address; });
    for (const auto& m : members) next->ids.push_back(m->address);
    snapshot_ = std::move(next);
  }
  for (const std::shared_ptr<Member>& m : removed) {
    log::Info("gateway", "worker_removed", {{"address", m->address}});
    m->link->Stop();
  }
}

void WorkerPool::ResolveLoop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      stop_cv_.WaitWithTimeout(&mu_, options_.resolve_interval);
      if (stopping_) return;
    }
    absl::StatusOr<std::vector<std::string>> addresses = ExpandTargets();
    if (!addresses.ok() || addresses->empty()) {
      // Keep the workers we have: a DNS hiccup must not drop them all.
      log::Warn("gateway", "worker_resolve_failed",
                {{"error", addresses.ok() ? "no address"
                                          : std::string(
                                                addresses.status().message())}});
      continue;
    }
    Reconcile(*addresses);
  }
}

void WorkerPool::Stop() {
  std::shared_ptr<const Snapshot> snapshot;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    stop_cv_.SignalAll();
    snapshot = snapshot_;
  }
  if (resolver_.joinable()) resolver_.join();
  for (const std::shared_ptr<Member>& m : snapshot->members) m->link->Stop();
}

struct WorkerPool::Attempt {
  std::shared_ptr<const Snapshot> snapshot;  // keeps the links alive
  std::vector<size_t> order;                 // ranked member indexes
  size_t next = 0;
  ParsedUpdate update;
  DeliverCallback done;
};

void WorkerPool::TryNext(std::shared_ptr<Attempt> attempt,
                         std::string payload) {
  while (attempt->next < attempt->order.size()) {
    WorkerLink& link =
        *attempt->snapshot->members[attempt->order[attempt->next++]]->link;
    if (!link.connected()) continue;
    // Not sent: offer it to the next worker, from the link's callback.
    link.TryDeliver(attempt->update, std::move(payload), attempt->done,
                    [attempt](std::string p) { TryNext(attempt, std::move(p)); });
    return;
  }
  attempt->done(absl::UnavailableError("no worker is connected"));
}

void WorkerPool::Deliver(const ParsedUpdate& update, std::string payload,
                         DeliverCallback done) {
  auto attempt = std::make_shared<Attempt>();
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      done(absl::UnavailableError("gateway is stopping"));
      return;
    }
    attempt->snapshot = snapshot_;
  }
  attempt->order = RankWorkers(update.chat_key, attempt->snapshot->ids);
  attempt->update = update;
  attempt->done = std::move(done);
  TryNext(std::move(attempt), std::move(payload));
}

bool WorkerPool::AnyStreamOpen() const {
  std::shared_ptr<const Snapshot> snapshot;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    snapshot = snapshot_;
  }
  for (const auto& m : snapshot->members) {
    if (m->link->connected()) return true;
  }
  return false;
}

std::vector<WorkerState> WorkerPool::Workers() const {
  std::shared_ptr<const Snapshot> snapshot;
  {
    absl::MutexLock lock(&mu_);
    snapshot = snapshot_;
  }
  std::vector<WorkerState> out;
  for (const auto& m : snapshot->members) {
    out.push_back({m->address, m->link->connected()});
  }
  return out;
}

}  // namespace telegate::gateway
