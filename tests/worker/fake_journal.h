// FakeJournal: an in-memory Journal for unit tests. Append commits at once
// and calls back on the caller's thread (or fails, when told to).
// Thread-safe.
#ifndef TELEGATE_TESTS_WORKER_FAKE_JOURNAL_H_
#define TELEGATE_TESTS_WORKER_FAKE_JOURNAL_H_

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "worker/journal.h"

namespace telegate::testing {

using worker::AppendCallback;
using worker::AppendOutcome;
using worker::FailedDelivery;
using worker::Journal;
using worker::AcceptedUpdate;

class FakeJournal : public Journal {
 public:
  void Append(AcceptedUpdate entry, AppendCallback done) override {
    absl::StatusOr<AppendOutcome> outcome;
    int64_t seq = 0;
    {
      absl::MutexLock lock(&mu_);
      if (!fail_appends_.ok()) {
        outcome = fail_appends_;
      } else if (entries_.count(entry.update_id)) {
        outcome = AppendOutcome::kDuplicate;
      } else {
        seq = entry.seq = ++next_seq_;
        entries_[entry.update_id] = entry;
        outcome = AppendOutcome::kAccepted;
      }
    }
    done(outcome, seq);
  }
  void RecordDecision(int64_t update_id, std::string decision_json,
                      std::function<void(absl::Status)> done) override {
    {
      absl::MutexLock lock(&mu_);
      auto it = entries_.find(update_id);
      if (it != entries_.end()) it->second.decision_json = decision_json;
    }
    done(absl::OkStatus());
  }
  void MarkDone(int64_t update_id) override {
    absl::MutexLock lock(&mu_);
    done_.insert(update_id);
  }
  absl::StatusOr<std::vector<AcceptedUpdate>> LoadUnfinished() override {
    absl::MutexLock lock(&mu_);
    std::vector<AcceptedUpdate> out;
    for (const auto& [id, e] : entries_) {
      if (!done_.count(id)) out.push_back(e);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.seq < b.seq; });
    return out;
  }
  absl::StatusOr<int64_t> AddFailedDelivery(FailedDelivery failed) override {
    absl::MutexLock lock(&mu_);
    failed.id = ++next_failed_;
    failed_[failed.id] = failed;
    return failed.id;
  }
  absl::StatusOr<std::vector<FailedDelivery>> ListFailedDeliveries(
      int limit) override {
    absl::MutexLock lock(&mu_);
    std::vector<FailedDelivery> out;
    for (auto it = failed_.rbegin();
         it != failed_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back(it->second);
    }
    return out;
  }
  absl::StatusOr<FailedDelivery> TakeFailedDelivery(int64_t id) override {
    absl::MutexLock lock(&mu_);
    auto it = failed_.find(id);
    if (it == failed_.end()) return absl::NotFoundError("no such delivery");
    FailedDelivery out = it->second;
    failed_.erase(it);
    return out;
  }
  void Flush() override {}

  void FailAppends(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_appends_ = std::move(status);
  }
  bool IsDone(int64_t update_id) {
    absl::MutexLock lock(&mu_);
    return done_.count(update_id) > 0;
  }
  size_t failed_count() {
    absl::MutexLock lock(&mu_);
    return failed_.size();
  }

 private:
  absl::Mutex mu_;
  std::map<int64_t, AcceptedUpdate> entries_ ABSL_GUARDED_BY(mu_);
  std::set<int64_t> done_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, FailedDelivery> failed_ ABSL_GUARDED_BY(mu_);
  int64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_failed_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status fail_appends_ ABSL_GUARDED_BY(mu_);
};

}  // namespace telegate::testing

#endif  // TELEGATE_TESTS_WORKER_FAKE_JOURNAL_H_
