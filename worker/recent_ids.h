// A bounded memory of recently accepted update_ids, oldest forgotten first,
// so a redelivered update is recognised as a duplicate. Not thread-safe.
#ifndef TELEGATE_WORKER_RECENT_IDS_H_
#define TELEGATE_WORKER_RECENT_IDS_H_

#include <cstddef>
#include <cstdint>
#include <deque>

#include "absl/container/flat_hash_set.h"

namespace telegate::worker {

class RecentIds {
 public:
  explicit RecentIds(size_t capacity) : capacity_(capacity) {}
  // True when `id` was not remembered yet (and now is).
  bool Insert(int64_t id);
  bool Contains(int64_t id) const { return ids_.contains(id); }
  size_t size() const { return ids_.size(); }

 private:
  const size_t capacity_;
  absl::flat_hash_set<int64_t> ids_;
  std::deque<int64_t> order_;
};

}  // namespace telegate::worker

#endif  // TELEGATE_WORKER_RECENT_IDS_H_
