#include "worker/intake.h"

#include "gtest/gtest.h"
#include "tests/worker/fake_journal.h"

namespace telegate::worker {
namespace {

using testing::FakeJournal;

struct IntakeRig {
  FakeJournal journal;
  ChatScheduler scheduler;
  WorkerStats stats;
  Intake intake{&journal, &scheduler, &stats, 3};

  SubmitResult Submit(int64_t id, const std::string& chat = "c:1") {
    std::optional<SubmitResult> result;
    intake.Submit(id, chat, "{}", [&](SubmitResult r) { result = r; });
    EXPECT_TRUE(result.has_value());  // the fake journal commits at once
    return *result;
  }
};

TEST(IntakeTest, AcceptsJournalsAndQueues) {
  IntakeRig rig;
  EXPECT_EQ(rig.Submit(1), SubmitResult::kAccepted);
  EXPECT_EQ(rig.scheduler.size(), 1);
  EXPECT_EQ(rig.stats.accepted.load(), 1);
}

TEST(IntakeTest, TheQueuedRecordIsTheJournaledOne) {
  FakeJournal journal;
  ChatScheduler scheduler;
  WorkerStats stats;
  absl::Time now = absl::FromUnixSeconds(1700000000);
  Intake intake(&journal, &scheduler, &stats, 10, [now] { return now; });
  intake.Submit(5, "c:9", R"({"update_id":5})", [](SubmitResult) {});
  Delivery* delivery = scheduler.TryNext();
  ASSERT_NE(delivery, nullptr);
  auto journaled = journal.LoadUnfinished();
  ASSERT_TRUE(journaled.ok());
  ASSERT_EQ(journaled->size(), 1u);
  const AcceptedUpdate& a = delivery->update;
  const AcceptedUpdate& b = (*journaled)[0];
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.update_id, b.update_id);
  EXPECT_EQ(a.chat_key, b.chat_key);
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.accepted_at_us, absl::ToUnixMicros(now));  // the injected clock
  EXPECT_EQ(a.accepted_at_us, b.accepted_at_us);
}

TEST(IntakeTest, DuplicateIsNotQueued) {
  IntakeRig rig;
  EXPECT_EQ(rig.Submit(1), SubmitResult::kAccepted);
  EXPECT_EQ(rig.Submit(1, "c:2"), SubmitResult::kDuplicate);
  EXPECT_EQ(rig.scheduler.size(), 1);
  EXPECT_EQ(rig.stats.duplicate.load(), 1);
}

TEST(IntakeTest, LimitAnswersOverloadedAndFreesUpAgain) {
  IntakeRig rig;
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(rig.Submit(i), SubmitResult::kAccepted);
  EXPECT_EQ(rig.Submit(4), SubmitResult::kOverloaded);
  EXPECT_EQ(rig.stats.overloaded.load(), 1);
  Delivery* delivery = rig.scheduler.TryNext();
  ASSERT_NE(delivery, nullptr);
  rig.scheduler.Complete(delivery);
  EXPECT_EQ(rig.Submit(4), SubmitResult::kAccepted);
}

TEST(IntakeTest, JournalFailureIsNeitherAcceptedNorQueued) {
  IntakeRig rig;
  rig.journal.FailAppends(absl::UnavailableError("disk is busy"));
  EXPECT_EQ(rig.Submit(1), SubmitResult::kJournalError);
  EXPECT_EQ(rig.scheduler.size(), 0);
  EXPECT_EQ(rig.intake.in_flight(), 0);
}

TEST(IntakeTest, StoppedIntakeRefuses) {
  IntakeRig rig;
  rig.intake.Stop();
  EXPECT_EQ(rig.Submit(1), SubmitResult::kStopping);
}

TEST(IntakeTest, ReplayQueuesUnfinishedInAcceptanceOrder) {
  IntakeRig rig;
  EXPECT_EQ(rig.Submit(30, "c:1"), SubmitResult::kAccepted);
  EXPECT_EQ(rig.Submit(10, "c:1"), SubmitResult::kAccepted);
  rig.journal.MarkDone(30);
  ChatScheduler fresh;
  WorkerStats stats;
  Intake restarted(&rig.journal, &fresh, &stats, 100);
  ASSERT_TRUE(restarted.Replay().ok());
  EXPECT_EQ(stats.replayed.load(), 1);
  Delivery* delivery = fresh.TryNext();
  ASSERT_NE(delivery, nullptr);
  EXPECT_EQ(delivery->update.update_id, 10);
  EXPECT_EQ(delivery->update.kind, UpdateKind::kTelegram);
  EXPECT_GT(delivery->update.seq, 0);
}

}  // namespace
}  // namespace telegate::worker
