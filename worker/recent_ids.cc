#include "worker/recent_ids.h"

namespace telegate::worker {

bool RecentIds::Insert(int64_t id) {
  if (!ids_.insert(id).second) return false;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace telegate::worker
