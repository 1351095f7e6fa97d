// Bookkeeping for the listener's open connections: the connection
// cap, eviction of the longest-idle connection when the cap is reached, and
// waiting for all connections to be gone (Stop). Thread-safe: every method
// may be called from any thread. Holds connections weakly; it never keeps
// one alive. Must outlive every connection registered in it.
#ifndef TELEGATE_HTTP_SERVER_CONNECTION_REGISTRY_H_
#define TELEGATE_HTTP_SERVER_CONNECTION_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace telegate::http {

// Anything the registry can ask to close; implemented by the listener's
// connections.
class Closable {
 public:
  virtual ~Closable() = default;
  // Closes soon, from any thread; never blocks.
  virtual void CloseSoon() = 0;
  // Shutdown has begun: close soon unless a request is in progress (its
  // body being read, its handler running, or its answer being written).
  virtual void StopSoon() = 0;
};

class ConnectionRegistry {
 public:
  // `open_gauge` (optional) mirrors size(); it must outlive the registry.
  ConnectionRegistry(int max_connections, std::atomic<int64_t>* open_gauge);

  struct Admission {
    bool admitted = false;
    uint64_t id = 0;
    // Set when an idle connection was dropped from the registry to make
    // room; the caller closes it.
    std::shared_ptr<Closable> evicted;
  };
  // Registers `conn` as idle since `now`. At the cap, evicts the connection
  // idle for longest; when none is idle, refuses.
  Admission Admit(std::weak_ptr<Closable> conn, absl::Time now);

  // A request started (busy) or the connection went back to waiting for
  // one (idle since `now`). Unknown ids are ignored.
  void SetBusy(uint64_t id, bool busy, absl::Time now);

  // Forgets `id`; true if it was registered.
  bool Remove(uint64_t id);

  size_t size() const;
  std::vector<std::shared_ptr<Closable>> Snapshot() const;
  // True once empty, false if `deadline` passed first.
  bool AwaitEmpty(absl::Time deadline) const;

 private:
  struct Entry {
    std::weak_ptr<Closable> conn;
    absl::Time idle_since;
    bool busy = false;
  };
  const size_t max_connections_;
  std::atomic<int64_t>* const open_gauge_;
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::http

#endif  // TELEGATE_HTTP_SERVER_CONNECTION_REGISTRY_H_
