#include "http/server/connection_registry.h"

#include <algorithm>
#include <utility>

namespace telegate::http {

ConnectionRegistry::ConnectionRegistry(int max_connections,
                                       std::atomic<int64_t>* open_gauge)
    : max_connections_(static_cast<size_t>(std::max(1, max_connections))),
      open_gauge_(open_gauge) {}

ConnectionRegistry::Admission ConnectionRegistry::Admit(
    std::weak_ptr<Closable> conn, absl::Time now) {
  Admission admission;
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= max_connections_) {
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.busy) continue;
      if (victim == entries_.end() ||
          it->second.idle_since < victim->second.idle_since) {
        victim = it;
      }
    }
    if (victim == entries_.end()) return admission;
    admission.evicted = victim->second.conn.lock();
    entries_.erase(victim);
    if (open_gauge_ != nullptr) open_gauge_->fetch_sub(1);
  }
  admission.admitted = true;
  admission.id = next_id_++;
  entries_.emplace(admission.id, Entry{std::move(conn), now, false});
  if (open_gauge_ != nullptr) open_gauge_->fetch_add(1);
  return admission;
}

void ConnectionRegistry::SetBusy(uint64_t id, bool busy, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  it->second.busy = busy;
  if (!busy) it->second.idle_since = now;
}

bool ConnectionRegistry::Remove(uint64_t id) {
  absl::MutexLock lock(&mu_);
  if (entries_.erase(id) == 0) return false;
  if (open_gauge_ != nullptr) open_gauge_->fetch_sub(1);
  return true;
}

size_t ConnectionRegistry::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

std::vector<std::shared_ptr<Closable>> ConnectionRegistry::Snapshot() const {
  std::vector<std::shared_ptr<Closable>> out;
  absl::MutexLock lock(&mu_);
  out.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) {
    if (auto conn = entry.conn.lock()) out.push_back(std::move(conn));
  }
  return out;
}

bool ConnectionRegistry::AwaitEmpty(absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto empty = [this]()
                   ABSL_SHARED_LOCKS_REQUIRED(mu_) { return entries_.empty(); };
  return mu_.AwaitWithDeadline(absl::Condition(&empty), deadline);
}

}  // namespace telegate::http
